namespace RnnOnnx.Server.Contracts;

/// <summary>A stream's forecast after its latest observations.</summary>
internal sealed record StreamResponse(string Model, string Stream, bool Created, long Observations, int Horizon, double Confidence,
    float[] Forecast, float[] Lower, float[] Upper);

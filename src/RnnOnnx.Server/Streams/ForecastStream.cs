using RnnOnnx.Forecasting;

namespace RnnOnnx.Server.Streams;

/// <summary>One client's streaming forecast session: its engine (not thread-safe, so used under <see cref="Gate"/>) and when it was last used.</summary>
internal sealed class ForecastStream(RnnForecastEngine engine, long lastUsed, object? model = null)
{
    /// <summary>The loaded model the engine runs on: its streams are dropped when it is reloaded.</summary>
    public object? Model { get; } = model;

    public RnnForecastEngine Engine { get; } = engine;

    public object Gate { get; } = new();

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last observation.</summary>
    public long LastUsed { get; set; } = lastUsed;
}

using RnnOnnx.Forecasting.Preparation;

namespace RnnOnnx.Forecasting;

/// <summary>
/// One series made ready for <see cref="RnnForecastModel.ForecastBatch"/> by <see cref="RnnForecastModel.PrepareInput"/>:
/// checked, gaps filled, scaled and cut to the model's window. Preparing apart from running lets a caller reject bad
/// input on its own (a server, per request) and then run many valid inputs in one ONNX Runtime call.
/// </summary>
public sealed class RnnForecastInput
{
    internal RnnForecastInput(RnnForecastModel model, float[] context, double lastZ, SeriesScaler scaler)
    {
        (Model, Context, LastZ, Scaler) = (model, context, lastZ, scaler);
    }

    internal RnnForecastModel Model { get; }

    /// <summary>The scaled differences the network reads (at most the window; fewer for a short history).</summary>
    internal float[] Context { get; }

    internal double LastZ { get; }

    internal SeriesScaler Scaler { get; }
}

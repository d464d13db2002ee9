using RnnOnnx.Forecasting.Preparation;

namespace RnnOnnx.Forecasting;

/// <summary>
/// One series made ready for <see cref="RnnForecastModel.ForecastBatch(IReadOnlyList{RnnForecastInput})"/> by
/// <see cref="RnnForecastModel.PrepareInput"/>: checked, gaps filled, transformed, seasonally adjusted, scaled and cut
/// to the model's window (or, for a classical method, its forecast and scores computed). Preparing apart from
/// running lets a caller reject bad input on its own (a server, per request) and then run many valid inputs in one
/// ONNX Runtime call.
/// </summary>
public sealed class RnnForecastInput
{
    internal RnnForecastInput(RnnForecastModel model, PreparedSeries series, float[] context, double[]? classical, double[]? classicalScores)
    {
        (Model, Series, Context, Classical, ClassicalScores) = (model, series, context, classical, classicalScores);
    }

    internal RnnForecastModel Model { get; }

    internal PreparedSeries Series { get; }

    /// <summary>The scaled differences the network reads (at most the window; fewer for a short history; empty for a classical method).</summary>
    internal float[] Context { get; }

    /// <summary>The classical method's forecasts of the adjusted series (null for the network alone).</summary>
    internal double[]? Classical { get; }

    /// <summary>The classical method's sorted rolling-origin scores, which calibrate its intervals (null where the network's calibration does).</summary>
    internal double[]? ClassicalScores { get; }

    internal bool UsesNetwork => RnnOnnx.Forecasting.Classical.ClassicalFallback.NeedsNetwork(Series.Method.Method);
}

/// <summary>
/// A series as the model reads it: adjusted values a_t = z_t − S_t (z = transformed values, S the seasonal profiles
/// at phase t), the scaler, the seasons removed and their profiles, and how it is forecast. <see cref="Next"/> is the
/// time index of the first forecast step (the profiles' phase).
/// </summary>
internal sealed record PreparedSeries(double[] Adjusted, SeriesScaler Scaler, int[] Seasons, double[][] Profiles, Training.SeriesMethod Method, long Next)
{
    public double LastAdjusted => Adjusted[^1];

    /// <summary>The seasonal component at time index t.</summary>
    public double Seasonal(long t) => SeasonalAdjustment.At(Profiles, Seasons, t);
}

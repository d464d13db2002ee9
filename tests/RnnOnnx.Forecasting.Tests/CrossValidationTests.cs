using RnnOnnx.Forecasting.Classical;
using RnnOnnx.Forecasting.Evaluation;
using RnnOnnx.Training;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>Rolling-origin cross-validation (issue #16): statsforecast's cutoffs, the baselines' numbers, the refusals.</summary>
public sealed class CrossValidationTests
{
    private static RnnForecastOptions Tiny(int horizon) => ForecastTestData.Fast(horizon) with { Epochs = 3, EnsembleSize = 1, Units = 4 };

    [Fact]
    public void Cutoffs_are_statsforecasts_and_every_point_is_the_held_out_value()
    {
        var a = ForecastTestData.Seasonal(80, seed: 1);
        var b = ForecastTestData.Seasonal(70, seed: 2);
        var infos = new List<string>();
        var progress = new Collect(infos);
        var cv = ForecastCrossValidation.Run([new ForecastSeries("a", a), new ForecastSeries("b", b)], Tiny(5), windows: 3, step: 2, progress: progress);

        Assert.Equal((5, 2, 12), (cv.Horizon, cv.Step, cv.Season));
        // n − H − (K−1)·S … n − H, each series from its own end.
        Assert.Equal([71, 73, 75], cv.Points.Where(p => p.Key == "a").Select(p => p.Cutoff).Distinct());
        Assert.Equal([61, 63, 65], cv.Points.Where(p => p.Key == "b").Select(p => p.Cutoff).Distinct());
        Assert.Equal(3 * 2 * 5, cv.Points.Count);
        foreach (var p in cv.Points)
        {
            var y = p.Key == "a" ? a : b;
            Assert.Equal(y[p.Cutoff + p.Step - 1], p.Actual);
            // Seasonal naive: the value one season (12) before the forecast point.
            Assert.Equal(y[p.Cutoff + p.Step - 1 - 12], p.SeasonalNaive);
            Assert.InRange(p.Forecast, p.Lower[0], p.Upper[0]);
        }
        var last = cv.Points.Where(p => p.Key == "a" && p.Window == 3).ToList();
        Assert.Equal(ThetaMethod.Forecast(a.AsSpan(0, 75), 12, 5), last.Select(p => p.Theta));
        Assert.Equal(EtsMethod.Baseline(a.AsSpan(0, 75), 12, 5), last.Select(p => p.Ets));
        Assert.Equal(3, infos.Count(i => i.StartsWith("window ", StringComparison.Ordinal) && i.Contains("training on", StringComparison.Ordinal)));
        Assert.Equal(3, infos.Count(i => i.StartsWith("window ", StringComparison.Ordinal) && i.Contains(": series forecast by ", StringComparison.Ordinal)));
        Assert.Contains(infos, i => i.StartsWith("window 1/3: training on all but the last 9 point(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Scores_are_the_means_of_the_points()
    {
        var y = ForecastTestData.Seasonal(60);
        var cv = ForecastCrossValidation.Run(ForecastTestData.One(y), Tiny(4), windows: 2);
        Assert.Equal(2, cv.Windows.Count);
        foreach (var w in cv.Windows)
        {
            var points = cv.Points.Where(p => p.Window == w.Window).ToList();
            double scale = ForecastAccuracy.MaseScale(y[..points[0].Cutoff], 12);
            Assert.Equal(points.Average(p => Math.Abs(p.Actual - p.SeasonalNaive)) / scale, w.SeasonalNaive.Mase, 9);
            Assert.Equal(points.Average(p => 200 * Math.Abs(p.Actual - p.Theta) / (Math.Abs(p.Actual) + Math.Abs(p.Theta))), w.Theta.Smape, 9);
            Assert.Equal(points.Average(p => Math.Abs(p.Actual - p.Ets)) / scale, w.Ets.Mase, 9);
            Assert.Equal(points.Average(p => p.Actual >= p.Lower[0] && p.Actual <= p.Upper[0] ? 1.0 : 0.0), w.Model.Coverage.Single(), 9);
            Assert.Empty(w.SeasonalNaive.Coverage);
        }
        Assert.Equal(cv.Windows.Average(w => w.Model.Mase), cv.Overall.Model.Mase, 9);
        Assert.Equal(0, cv.Overall.Window);
    }

    [Fact]
    public void Several_levels_give_nested_intervals_and_a_coverage_each()
    {
        var y = ForecastTestData.Seasonal(60);
        var cv = ForecastCrossValidation.Run(ForecastTestData.One(y), Tiny(4), windows: 2, levels: [0.5, 0.95]);
        Assert.Equal([0.5, 0.95], cv.Levels);
        Assert.All(cv.Points, p => Assert.True(p.Lower[1] <= p.Lower[0] && p.Lower[0] <= p.Forecast && p.Forecast <= p.Upper[0] && p.Upper[0] <= p.Upper[1],
            $"{p.Lower[1]} ≤ {p.Lower[0]} ≤ {p.Forecast} ≤ {p.Upper[0]} ≤ {p.Upper[1]}"));
        Assert.Equal(2, cv.Overall.Model.Coverage.Count);
        Assert.True(cv.Overall.Model.Coverage[0] <= cv.Overall.Model.Coverage[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecastCrossValidation.Run(ForecastTestData.One(y), Tiny(4), windows: 1, levels: [95]));
    }

    [Fact]
    public void Missing_held_out_values_are_kept_but_not_scored()
    {
        var y = ForecastTestData.Seasonal(60);
        y[^2] = double.NaN;
        var cv = ForecastCrossValidation.Run(ForecastTestData.One(y), Tiny(3), windows: 1);
        Assert.True(double.IsNaN(cv.Points[1].Actual));
        var scored = cv.Points.Where(p => !double.IsNaN(p.Actual)).ToList();
        Assert.Equal(scored.Average(p => 200 * Math.Abs(p.Actual - p.SeasonalNaive) / (Math.Abs(p.Actual) + Math.Abs(p.SeasonalNaive))), cv.Overall.SeasonalNaive.Smape, 9);
    }

    [Fact]
    public void Windows_that_do_not_fit_the_shortest_series_are_refused_with_the_length_needed()
    {
        var e = Assert.Throws<DataException>(() => ForecastCrossValidation.Run(
            [new ForecastSeries("long", ForecastTestData.Seasonal(80)), new ForecastSeries("short", ForecastTestData.Seasonal(30))], Tiny(12), windows: 3));
        Assert.Contains("series 'short' has 30 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 + 12 + (3 − 1) × 12 = 39", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "windows")]
    [InlineData(2, -1, "step")]
    public void Windows_and_step_out_of_range_are_argument_errors(int windows, int step, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ForecastCrossValidation.Run(ForecastTestData.One(ForecastTestData.Seasonal(60)), Tiny(3), windows, step));
        Assert.Equal(parameter, e.ParamName);
    }

    private sealed class Collect(List<string> infos) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Kind == TrainingProgressKind.Info && value.Message is { } m) infos.Add(m);
            if (value.Kind == TrainingProgressKind.Epoch) Assert.StartsWith("window ", value.Stage, StringComparison.Ordinal);
        }
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using RnnOnnx.Motor;
using RnnOnnx.Motor.Analysis;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Motor;

/// <summary>`motor analyze`'s outputs: analysis.json and PNG plots (OxyPlot on SkiaSharp 2.88).</summary>
internal sealed class MotorAnalysisReport
{
    private readonly MotorAnalysisResult _r;

    private MotorAnalysisReport(MotorAnalysisResult result) => _r = result;

    public static MotorAnalysisReport Run(MotorModel model, int targets) => new(MotorAnalysis.Run(model, targets));

    private static double Round(double v) => Math.Round(v, 6);

    public JsonObject ToJson()
    {
        var pca = _r.Pca;
        var j = _r.JPca;
        var first = _r.Reaches[0];
        return new JsonObject
        {
            ["conditions"] = _r.Reaches.Count,
            ["steps"] = first.Steps,
            ["hidden"] = first.Units,
            ["meanEndpointErrorCm"] = Round(_r.Reaches.Average(x => x.ErrorCm)),
            ["speedProfile"] = new JsonObject
            {
                ["bellShaped"] = _r.Reaches.Count(x => x.IsBellShaped),
                ["rule"] = FormattableString.Invariant($"one speed maximum of at least {ReachResult.BellPeakFloor} of the peak; start and end speed below {ReachResult.BellEndFraction} of the peak"),
                ["peaks"] = new JsonArray([.. _r.Reaches.Select(x => JsonValue.Create(x.SpeedPeaks))]),
                ["maxStartFraction"] = Round(_r.Reaches.Max(x => x.StartSpeedFraction)),
                ["maxEndFraction"] = Round(_r.Reaches.Max(x => x.EndSpeedFraction)),
                ["peakSpeedMps"] = new JsonArray([.. _r.Reaches.Select(x => JsonValue.Create(Round(x.PeakSpeed)))]),
            },
            ["pca"] = PcaJson(pca),
            ["jpca"] = JPcaJson(j, _r.JPcaSteps),
            ["fixedPoints"] = new JsonObject
            {
                ["input"] = "hold: arm at rest at the start posture, goal at the start fingertip",
                ["initialStates"] = _r.InitialStates,
                ["count"] = _r.FixedPoints.Count,
                ["points"] = new JsonArray([.. _r.FixedPoints.Select(p => (JsonNode)new JsonObject
                {
                    ["q"] = p.Q,
                    ["hits"] = p.Hits,
                    ["spectralRadius"] = Round(p.SpectralRadius),
                    ["stable"] = p.SpectralRadius < 1,
                    ["pc"] = new JsonArray([.. pca.Project([.. p.State], 3).Select(v => JsonValue.Create(Round(v)))]),
                    ["eigenvalues"] = new JsonArray([.. p.Eigenvalues.Take(10).Select(c => (JsonNode)new JsonArray(Round(c.Real), Round(c.Imaginary)))]),
                })]),
            },
        };
    }

    public void Write(string dir)
    {
        string json = ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        AtomicFile.WriteAllBytes(Path.Combine(dir, "analysis.json"), System.Text.Encoding.UTF8.GetBytes(json));
        Png(Path.Combine(dir, "reaches.png"), Reaches());
        Png(Path.Combine(dir, "speed.png"), Speeds());
        Png(Path.Combine(dir, "pca.png"), PcaPlot());
        Png(Path.Combine(dir, "jpca.png"), JPcaPlot());
        if (_r.FixedPoints.Count > 0) Png(Path.Combine(dir, "eigenvalues.png"), EigenPlot());
        AtomicFile.WriteAllBytes(Path.Combine(dir, "hidden.csv"), System.Text.Encoding.UTF8.GetBytes(HiddenCsv(_r.Reaches)));
    }

    /// <summary>
    /// The hidden states the analyses used, one row per condition and step (<c>condition,step,h0..</c>): the format
    /// <c>motor jpca --hidden</c> reads, so that another network's states (e.g. MotorNet's) go through the same code.
    /// </summary>
    internal static string HiddenCsv(IReadOnlyList<ReachResult> reaches)
    {
        var text = new System.Text.StringBuilder();
        int h = reaches[0].Units;
        text.Append("condition,step");
        for (int j = 0; j < h; j++) text.Append(CultureInfo.InvariantCulture, $",h{j}");
        text.Append('\n');
        for (int c = 0; c < reaches.Count; c++)
            for (int t = 0; t < reaches[c].Steps; t++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{c},{t + 1}");
                for (int j = 0; j < h; j++) text.Append(',').Append(((double)reaches[c].HiddenStates[t * h + j]).ToString("R", CultureInfo.InvariantCulture)); // the float's exact value
                text.Append('\n');
            }
        return text.ToString();
    }

    /// <summary>PCA and jPCA of hidden states read from a file (<see cref="HiddenCsv"/>'s format), as JSON.</summary>
    public static JsonObject AnalyseStates(double[] states, int conditions, int steps, int units, int window)
    {
        var pca = Pca.Fit(states, conditions * steps, units);
        int w = Math.Clamp(window, 3, steps);
        var win = new double[conditions * w * units];
        for (int c = 0; c < conditions; c++) states.AsSpan(c * steps * units, w * units).CopyTo(win.AsSpan(c * w * units, w * units));
        var j = JPca.Fit(win, conditions, w, units, Effector.Timestep);
        return new JsonObject
        {
            ["conditions"] = conditions,
            ["steps"] = steps,
            ["hidden"] = units,
            ["pca"] = PcaJson(pca),
            ["jpca"] = JPcaJson(j, w),
        };
    }

    /// <summary>The "pca" object both analyze and jpca write: variance explained by the top 10 and cumulative shares.</summary>
    private static JsonObject PcaJson(PcaResult pca) => new()
    {
        ["varianceExplained"] = new JsonArray([.. pca.ExplainedRatio.Take(10).Select(v => JsonValue.Create(Round(v)))]),
        ["cumulative3"] = Round(pca.Cumulative(3)),
        ["cumulative6"] = Round(pca.Cumulative(6)),
        ["cumulative10"] = Round(pca.Cumulative(10)),
    };

    /// <summary>The "jpca" object both analyze and jpca write.</summary>
    private static JsonObject JPcaJson(JPcaResult j, int windowSteps) => new()
    {
        ["windowSteps"] = windowSteps,
        ["components"] = j.Components,
        ["r2Unconstrained"] = Round(j.R2),
        ["r2Skew"] = Round(j.R2Skew),
        ["ratio"] = Round(j.Ratio),
        ["frequencyRadPerS"] = Round(j.Frequency),
        ["planeVarianceFraction"] = Round(j.PlaneVarianceFraction),
    };

    public string Summary()
    {
        var j = _r.JPca;
        return string.Create(CultureInfo.InvariantCulture,
            $"PCA: top 3 PCs {100 * _r.Pca.Cumulative(3):F1}% of variance, top 6 {100 * _r.Pca.Cumulative(6):F1}%\n" +
            $"jPCA: R² skew {j.R2Skew:F3}, unconstrained {j.R2:F3}, ratio {j.Ratio:F3}, top-plane frequency {j.Frequency:F2} rad/s\n" +
            $"fixed points (hold input): {_r.FixedPoints.Count} ({_r.FixedPoints.Count(p => p.SpectralRadius < 1)} stable) from {_r.InitialStates} initial states\n" +
            $"centre-out mean endpoint error {_r.Reaches.Average(x => x.ErrorCm):F3} cm\n" +
            $"speed profiles: {_r.Reaches.Count(x => x.IsBellShaped)} of {_r.Reaches.Count} bell-shaped (peaks {string.Join(" ", _r.Reaches.Select(x => x.SpeedPeaks))}; start ≤ {_r.Reaches.Max(x => x.StartSpeedFraction):F2}, end ≤ {_r.Reaches.Max(x => x.EndSpeedFraction):F2} of the peak)");
    }

    private static PlotModel Model(string title, string x, string y)
    {
        var m = new PlotModel { Title = title, Background = OxyColors.White };
        m.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = x, MajorGridlineStyle = LineStyle.Dot });
        m.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = y, MajorGridlineStyle = LineStyle.Dot });
        return m;
    }

    private OxyColor Colour(int c) => OxyColor.FromHsv((double)c / _r.Reaches.Count, 0.8, 0.85);

    private PlotModel Reaches()
    {
        var m = Model("Centre-out reaches (fingertip)", "x (m)", "y (m)");
        for (int c = 0; c < _r.Reaches.Count; c++)
        {
            var r = _r.Reaches[c];
            var line = new LineSeries { Color = Colour(c), StrokeThickness = 1.5 };
            for (int t = 0; t <= r.Steps; t++) line.Points.Add(new DataPoint(r.Tip[2 * t], r.Tip[2 * t + 1]));
            m.Series.Add(line);
            var target = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 5, MarkerFill = Colour(c) };
            target.Points.Add(new ScatterPoint(r.TargetX, r.TargetY));
            m.Series.Add(target);
        }
        return m;
    }

    private PlotModel Speeds()
    {
        var m = Model("Fingertip speed", "time (s)", "speed (m/s)");
        for (int c = 0; c < _r.Reaches.Count; c++)
        {
            var r = _r.Reaches[c];
            var line = new LineSeries { Color = Colour(c), StrokeThickness = 1.5 };
            for (int t = 1; t <= r.Steps; t++) line.Points.Add(new DataPoint(t * Effector.Timestep, r.Speed(t)));
            m.Series.Add(line);
        }
        return m;
    }

    private PlotModel PcaPlot()
    {
        var m = Model("Hidden states on PC1/PC2 (dots: fixed points)", "PC1", "PC2");
        int h = _r.Reaches[0].Units;
        for (int c = 0; c < _r.Reaches.Count; c++)
        {
            var r = _r.Reaches[c];
            var line = new LineSeries { Color = Colour(c), StrokeThickness = 1.5 };
            var states = r.HiddenStates.Select(v => (double)v).ToArray();
            for (int t = 0; t < r.Steps; t++)
            {
                var y = _r.Pca.Project(states.AsSpan(t * h, h), 2);
                line.Points.Add(new DataPoint(y[0], y[1]));
            }
            m.Series.Add(line);
        }
        var fp = new ScatterSeries { MarkerType = MarkerType.Diamond, MarkerSize = 6, MarkerFill = OxyColors.Black };
        foreach (var p in _r.FixedPoints)
        {
            var y = _r.Pca.Project([.. p.State], 2);
            fp.Points.Add(new ScatterPoint(y[0], y[1]));
        }
        m.Series.Add(fp);
        return m;
    }

    private PlotModel JPcaPlot()
    {
        var m = Model($"Top jPCA plane (first {_r.JPcaSteps} steps, skew-symmetric fit R^2 = {_r.JPca.R2Skew:F2})", "jPC1", "jPC2");
        int h = _r.Reaches[0].Units, n = _r.Reaches.Count, w = _r.JPcaSteps;
        var mean = new double[w * h];
        foreach (var r in _r.Reaches)
            for (int i = 0; i < w * h; i++) mean[i] += r.HiddenStates[i] / n;
        for (int c = 0; c < n; c++)
        {
            var r = _r.Reaches[c];
            var line = new LineSeries { Color = Colour(c), StrokeThickness = 1.5 };
            var x = new double[h];
            for (int t = 0; t < w; t++)
            {
                for (int j = 0; j < h; j++) x[j] = r.HiddenStates[t * h + j] - mean[t * h + j];
                var (a, b) = _r.JPca.ProjectPlane(x);
                line.Points.Add(new DataPoint(a, b));
            }
            m.Series.Add(line);
        }
        return m;
    }

    private PlotModel EigenPlot()
    {
        var p = _r.FixedPoints[0];
        var m = Model($"Jacobian eigenvalues at the main fixed point (q = {p.Q:E1})", "Re", "Im");
        var circle = new FunctionSeries(Math.Cos, Math.Sin, 0, 2 * Math.PI, 200) { Color = OxyColors.Gray };
        m.Series.Add(circle);
        var s = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 3, MarkerFill = OxyColors.SteelBlue };
        foreach (var c in p.Eigenvalues) s.Points.Add(new ScatterPoint(c.Real, c.Imaginary));
        m.Series.Add(s);
        return m;
    }

    private static void Png(string path, PlotModel model)
    {
        var exporter = new PngExporter { Width = 800, Height = 700 };
        AtomicFile.Write(path, stream => exporter.Export(model, stream));
    }
}

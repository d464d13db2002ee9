using System.Globalization;
using RnnOnnx.Forecasting.Training;
using RnnOnnx.Onnx.Triton;
using RnnOnnx.Tests.Triton;

namespace RnnOnnx.Forecasting.Tests.Triton;

/// <summary>
/// The shipped forecaster exported for Triton and replayed as Triton's sequence batcher runs it (one request per
/// step, batch 1, state fed back, START on the first request): the same forecasts as our streaming engine.
/// </summary>
public sealed class TritonForecastReplayTests
{
    private static double[] AirPassengers() => File.ReadAllLines(Repository.File("data", "forecast", "AirPassengers.csv")).Skip(1)
        .Select(l => double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void Triton_replay_reproduces_the_streaming_engine_and_START_restarts_it()
    {
        var series = AirPassengers();
        using var model = RnnForecastModel.Load(Repository.File("models", "forecast", "airpassengers.onnx"));
        string repo = Path.Combine(Path.GetTempPath(), $"rnnonnx-triton-{Guid.NewGuid():N}");
        try
        {
            var export = TritonExporter.Export(model.OnnxModel, repo, new TritonExportOptions { Name = "airpassengers" });
            using var triton = new TritonSequenceEmulator(export.Directory) { GarbageOnStart = true };
            foreach (int start in new[] { 100, 60 })   // the second sequence restarts the slot with START
            {
                var history = series[..start];
                using var engine = model.CreateEngine(history);
                var prepared = model.Prepare(history, "");
                var scaler = prepared.Scaler;
                var context = ForecastWindows.Context(prepared.Adjusted, prepared.Adjusted.Length - 1, model.WindowSize, scaler.Scale);
                var output = triton.Infer("input", context, [1, context.Length, 1], start: true)["output"];
                double[] levels = [model.ConfidenceLevel];
                AssertSame(engine.Predict(), model.Decode(output[^model.Horizon..], prepared, null, null, levels));
                for (int t = start; t < start + 30; t++)
                {
                    engine.Update(series[t]);
                    double next = scaler.Forward(series[t]) - prepared.Seasonal(t);
                    output = triton.Infer("input", new[] { (float)((next - prepared.LastAdjusted) / scaler.Scale) }, [1, 1, 1], start: false)["output"];
                    prepared = prepared with { Adjusted = [next], Next = t + 1 };
                    AssertSame(engine.Predict(), model.Decode(output, prepared, null, null, levels));
                }
            }
        }
        finally
        {
            if (Directory.Exists(repo)) Directory.Delete(repo, true);
        }
    }

    private static void AssertSame(RnnForecast want, RnnForecast got)
    {
        for (int i = 0; i < want.Forecast.Length; i++)
        {
            Assert.True(Math.Abs(want.Forecast[i] - got.Forecast[i]) <= 1e-5 * Math.Max(1, Math.Abs(want.Forecast[i])), $"step {i + 1}: engine {want.Forecast[i]}, Triton {got.Forecast[i]}");
            Assert.True(Math.Abs(want.Lower[i] - got.Lower[i]) <= 1e-5 * Math.Max(1, Math.Abs(want.Lower[i])));
            Assert.True(Math.Abs(want.Upper[i] - got.Upper[i]) <= 1e-5 * Math.Max(1, Math.Abs(want.Upper[i])));
        }
    }
}

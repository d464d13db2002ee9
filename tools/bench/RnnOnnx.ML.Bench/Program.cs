using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using RnnOnnx.ML;
using RnnOnnx.ML.Bench;

// Throughput of an LSTM forecaster over 10,000 fixed-shape rows through ML.NET's ApplyOnnxModel (one row per ONNX
// Runtime call), ApplyRecurrentOnnxModel (batched), and raw batched InferenceSession.Run calls on arrays the caller
// already has (the floor), for three model sizes: how much batching buys depends on how much of a row's cost is the
// per-call overhead and how much is arithmetic. Then streaming: the cost of one new observation with the step model
// after 100 and after 10,000 past observations, against re-running the whole history.
//
// usage: dotnet run -c Release --project tools/bench/RnnOnnx.ML.Bench [-- --rows N --repeat K --batch B]
int rows = Argument("--rows", 10_000), repeat = Argument("--repeat", 21), batch = Argument("--batch", 256);
var ml = new MLContext(seed: 1);
Console.WriteLine($"{rows:N0} rows, batch {batch}, {Environment.ProcessorCount} cores, ONNX Runtime {OrtEnv.Instance().GetVersionString()} CPU; median of {repeat} interleaved rounds; ratios are medians of same-round ratios (quartiles in brackets)");
Console.WriteLine();
Console.WriteLine("| model | ML.NET ApplyOnnxModel rows/s | ApplyRecurrentOnnxModel rows/s | raw batched Run rows/s | ours ÷ ML.NET | ours over raw |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var (units, window) in new[] { (16, 10), (32, 24), (50, 30) })
    Throughput(ml, new Workload(units, window, rows), rows, batch, repeat);
Streaming(ml, new Workload(32, 24, 1), repeat);
return 0;

void Throughput(MLContext ml, Workload work, int rows, int batch, int repeat)
{
    var data = work.Load(ml);
    string path = Workload.WriteTemp(work.Full);
    // ML.NET's own needs fixed shapes: [1, window, 1] through its shape dictionary.
    using var mlnet = ml.Transforms.ApplyOnnxModel(["output"], ["input"], path,
        shapeDictionary: new Dictionary<string, int[]> { ["input"] = [1, work.Window, 1] }, gpuDeviceId: null, fallbackToCpu: false, recursionLimit: 100).Fit(data);
    using var ours = ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
    {
        OutputColumnName = "output", InputColumnName = "input", ModelBytes = work.Full, BatchSize = batch,
    }).Fit(data);
    using var raw = new RawBatches(work, rows, batch);
    float[] mlnetOut = new float[rows], oursOut = new float[rows];

    // Rounds interleave the three paths, so that drift on a shared machine hits them alike.
    var seconds = Rounds(repeat,
        () => ReadColumn(mlnet.Transform(data), "output", mlnetOut),
        () => ReadColumn(ours.Transform(data), "output", oursOut),
        raw.Run);
    File.Delete(path);

    var rawOut = raw.Output;
    for (int i = 0; i < rows; i++)
        if (Math.Abs(oursOut[i] - mlnetOut[i]) > 1e-5f || Math.Abs(oursOut[i] - rawOut[i]) > 1e-5f)
            throw new InvalidOperationException($"{work.Name}: row {i} differs: ours {oursOut[i]}, ML.NET {mlnetOut[i]}, raw {rawOut[i]}");
    // Ratios are taken within each round (the paths ran back to back there), then their median: a busy spell on the
    // shared machine slows one round's paths together, which a ratio of separate medians would not cancel.
    var speedup = Quartiles(seconds[0].Zip(seconds[1], (m, o) => m / o));
    var overhead = Quartiles(seconds[1].Zip(seconds[2], (o, r) => (o / r - 1) * 100));
    Console.WriteLine($"| {work.Name} | {Rate(seconds[0])} | {Rate(seconds[1])} | {Rate(seconds[2])} | {speedup.Median:F1}× | "
        + $"{overhead.Median:+0.0;-0.0} % ({overhead.Lower:+0.0;-0.0} … {overhead.Upper:+0.0;-0.0}) |");
    string Rate(List<double> s) => (rows / MedianOf(s)).ToString("N0", CultureInfo.InvariantCulture);
}

static void Streaming(MLContext ml, Workload work, int repeat)
{
    const int Probe = 1_000;
    int[] histories = [100, 10_000];
    var series = new float[histories[^1] + Probe];
    for (int i = 0; i < series.Length; i++) series[i] = (float)Math.Sin(i * 0.05);
    var observations = series.Select(v => new ObservationRow { Sensor = "motor-1", Value = [v] }).ToArray();

    using var step = ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
    {
        OutputColumnName = "Forecast", InputColumnName = "Value", KeyColumnName = "Sensor", ModelBytes = work.Step,
    }).Fit(ml.Data.LoadFromEnumerable(observations.Take(1)));
    using var whole = new InferenceSession(work.Sequences);

    Console.WriteLine();
    Console.WriteLine($"Streaming one sensor, {work.Name.Replace(", window 24", "", StringComparison.Ordinal)}: PredictionEngine with the step model, state carried per key; {Probe:N0} new observations timed after each history length.");
    Console.WriteLine();
    Console.WriteLine("| past observations | step model: µs per new observation | without state (re-run the whole history): µs per new observation |");
    Console.WriteLine("|---:|---:|---:|");
    foreach (int history in histories)
    {
        var perObservation = new List<double>();
        for (int r = 0; r < repeat; r++)
        {
            using var engine = ml.Model.CreatePredictionEngine<ObservationRow, ForecastRow>(step, new PredictionEngineOptions { OwnsTransformer = false });
            var output = new ForecastRow();
            for (int i = 0; i < history; i++) engine.Predict(observations[i], ref output);
            var clock = Stopwatch.StartNew();
            for (int i = history; i < history + Probe; i++) engine.Predict(observations[i], ref output);
            perObservation.Add(clock.Elapsed.TotalMicroseconds / Probe);
        }
        var rerun = Rounds(Math.Min(repeat, 3), () =>
        {
            using var x = OrtValue.CreateTensorValueFromMemory(series[..(history + 1)], [1, history + 1, 1]);
            using var runOptions = new RunOptions();
            using var y = whole.Run(runOptions, ["input"], [x], ["output"]);
        })[0];
        Console.WriteLine($"| {history:N0} | {MedianOf(perObservation):F1} | {MedianOf(rerun) * 1e6:N0} |");
    }
}

static void ReadColumn(IDataView scored, string name, float[] into)
{
    var column = scored.Schema[name];
    using var cursor = scored.GetRowCursor([column]);
    var getter = cursor.GetGetter<VBuffer<float>>(column);
    VBuffer<float> value = default;
    int i = 0;
    while (cursor.MoveNext())
    {
        getter(ref value);
        into[i++] = value.GetValues()[0];
    }
}

/// <summary>Seconds of each path in each round: [path][round].</summary>
static List<double>[] Rounds(int repeat, params Action[] paths)
{
    // Warm-up long enough for tiered compilation to reach optimised code on every path (it recompiles hot methods
    // in the background after a short delay), so that steady state is measured, as a long-running service sees it.
    var warm = Stopwatch.StartNew();
    do foreach (var path in paths) path();
    while (warm.ElapsedMilliseconds < 1500);
    Thread.Sleep(300);
    var seconds = paths.Select(_ => new List<double>()).ToArray();
    // Each round starts with the next path: a path that follows another session's calls pays for that session's
    // ONNX Runtime threads still spinning, so no path may always come second.
    for (int r = 0; r < repeat; r++)
        for (int k = 0; k < paths.Length; k++)
        {
            int p = (r + k) % paths.Length;
            var clock = Stopwatch.StartNew();
            paths[p]();
            seconds[p].Add(clock.Elapsed.TotalSeconds);
        }
    return seconds;
}

static double MedianOf(IEnumerable<double> values) => Quartiles(values).Median;

static (double Lower, double Median, double Upper) Quartiles(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return (sorted[sorted.Length / 4], sorted[sorted.Length / 2], sorted[sorted.Length * 3 / 4]);
}

int Argument(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

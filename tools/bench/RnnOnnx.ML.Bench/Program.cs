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
int rows = Argument("--rows", 10_000), repeat = Argument("--repeat", 30), batch = Argument("--batch", 256);
var ml = new MLContext(seed: 1);
Console.WriteLine($"{rows:N0} rows, batch {batch}, {Environment.ProcessorCount} cores, ONNX Runtime {OrtEnv.Instance().GetVersionString()} CPU; interleaved rounds: {repeat} of ML.NET vs ours, {3 * repeat} of ours vs raw; rates are medians, ratios medians of same-round ratios (quartiles in brackets)");
Console.WriteLine();
Console.WriteLine("| model | ML.NET ApplyOnnxModel rows/s | ApplyRecurrentOnnxModel rows/s | raw batched Run rows/s | ours ÷ ML.NET | ours over raw | ours over raw, thread CPU |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
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

    // Each comparison runs in its own interleaved rounds, so that drift on a shared machine hits both of its paths
    // alike, and the third path (ML.NET's, which allocates per row and runs its own ONNX Runtime threads) does not
    // land its garbage collections and spinning threads on one side of the other comparison.
    var (versus, _) = TimedRounds(repeat,
        () => ReadColumn(mlnet.Transform(data), "output", mlnetOut),
        () => ReadColumn(ours.Transform(data), "output", oursOut));
    // Ours and raw differ by a few per cent, and one pass can be slowed by a third on a busy machine: three times
    // the rounds for that comparison.
    var (seconds, cpu) = TimedRounds(3 * repeat,
        () => ReadColumn(ours.Transform(data), "output", oursOut),
        raw.Run);
    File.Delete(path);

    var rawOut = raw.Output;
    for (int i = 0; i < rows; i++)
        if (Math.Abs(oursOut[i] - mlnetOut[i]) > 1e-5f || Math.Abs(oursOut[i] - rawOut[i]) > 1e-5f)
            throw new InvalidOperationException($"{work.Name}: row {i} differs: ours {oursOut[i]}, ML.NET {mlnetOut[i]}, raw {rawOut[i]}");
    // Ratios are taken within each round (the paths ran back to back there), then their median: a busy spell on the
    // shared machine slows one round's paths together, which a ratio of separate medians would not cancel.
    var speedup = Quartiles(versus[0].Zip(versus[1], (m, o) => m / o));
    var overhead = Quartiles(seconds[0].Zip(seconds[1], (o, r) => (o / r - 1) * 100));
    var cpuOverhead = Quartiles(cpu[0].Zip(cpu[1], (o, r) => (o / r - 1) * 100));
    Console.WriteLine($"| {work.Name} | {Rate(versus[0])} | {Rate(seconds[0])} | {Rate(seconds[1])} | {speedup.Median:F1}× | {Percent(overhead)} | {Percent(cpuOverhead)} |");
    string Rate(List<double> s) => (rows / MedianOf(s)).ToString("N0", CultureInfo.InvariantCulture);
    static string Percent((double Lower, double Median, double Upper) q) =>
        string.Create(CultureInfo.InvariantCulture, $"{q.Median:+0.0;-0.0} % ({q.Lower:+0.0;-0.0} … {q.Upper:+0.0;-0.0})");
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

/// <summary>Wall-clock seconds of each path in each round: [path][round].</summary>
static List<double>[] Rounds(int repeat, params Action[] paths) => TimedRounds(repeat, paths).Wall;

/// <summary>
/// Wall-clock and calling-thread CPU seconds of each path in each round: [path][round]. ONNX Runtime runs these small
/// LSTMs on the calling thread (its pool threads stay all but idle), so thread CPU time is the work a path does,
/// without the time other processes on a shared machine took the core away.
/// </summary>
static (List<double>[] Wall, List<double>[] Cpu) TimedRounds(int repeat, params Action[] paths)
{
    // Warm-up long enough for tiered compilation to reach optimised code on every path (it recompiles hot methods
    // in the background after a short delay), so that steady state is measured, as a long-running service sees it.
    var warm = Stopwatch.StartNew();
    do foreach (var path in paths) path();
    while (warm.ElapsedMilliseconds < 1500);
    Thread.Sleep(300);
    var seconds = paths.Select(_ => new List<double>()).ToArray();
    var cpu = paths.Select(_ => new List<double>()).ToArray();
    // A path that follows another session's calls pays for that session's ONNX Runtime threads still spinning, so
    // the rounds go through every order of the paths (each path follows each other equally often; a plain rotation
    // of three puts one path after the same other in two rounds of three) and a short pause lets those threads go to sleep first.
    var orders = Orders(Enumerable.Range(0, paths.Length).ToArray()).ToArray();
    for (int r = 0; r < repeat; r++)
        foreach (int p in orders[r % orders.Length])
        {
            Thread.Sleep(20);
            double cpuBefore = ThreadCpu.Seconds();
            var clock = Stopwatch.StartNew();
            paths[p]();
            seconds[p].Add(clock.Elapsed.TotalSeconds);
            cpu[p].Add(ThreadCpu.Seconds() - cpuBefore);
        }
    return (seconds, cpu);
}

static IEnumerable<int[]> Orders(int[] items) => items.Length <= 1 ? [items]
    : items.SelectMany(first => Orders(items.Where(i => i != first).ToArray()).Select(rest => (int[])[first, .. rest]));

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

using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnOnnx.Forecasting;
using RnnOnnx.Runtime;

// Managed bytes allocated and microseconds per step of the shipped forecaster's and text model's step graphs:
// StepSession (pinned buffers, two I/O bindings) against what the runners did before it (a NamedOnnxValue/DenseTensor
// call with cloned states for the forecaster; fresh OrtValues and RunOptions per call for the text generator).
// Usage: dotnet run -c Release --project tools/bench/step/RnnOnnx.Step.Bench [-- --steps N]
int steps = args.Length >= 2 && args[0] == "--steps" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
string root = FindRoot();
string forecastPath = Path.Combine(root, "models", "forecast", "airpassengers.onnx");
string textPath = Path.Combine(root, "models", "textgen", "kjv-char.onnx");
Console.WriteLine($"{steps} measured steps after warm-up; .NET {Environment.Version}, {Environment.ProcessorCount} cores, ONNX Runtime intra-op threads 1");
Console.WriteLine($"{"case",-52} {"bytes/step",12} {"µs/step",10}");

using var options = new SessionOptions { IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
using (var forecast = new InferenceSession(File.ReadAllBytes(forecastPath), options))
{
    using var stepSession = new StepSession(forecast, rows: 1);
    float x = 0.01f;
    Report("forecast airpassengers, StepSession, 1 row", steps, () => stepSession.Run([x], 1));
    Report("forecast airpassengers, legacy NamedOnnxValue, 1 row", steps, LegacyForecastStep(forecast));
    using var model = RnnForecastModel.Load(forecastPath);
    var history = File.ReadLines(Path.Combine(root, "data", "forecast", "AirPassengers.csv")).Skip(1)
        .Select(l => double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture)).ToArray();
    using var engine = model.CreateEngine(history);
    double last = history[^1];
    Report("forecast airpassengers, RnnForecastEngine.Update", steps, () => engine.Update(last));
    var inputs = Enumerable.Range(0, 64).Select(i => model.PrepareInput(history.Take(history.Length - i % 8).ToArray())).ToArray();
    var random = new Random(1);
    var contexts = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, model.WindowSize).Select(_ => (float)(random.NextDouble() * 0.2 - 0.1)).ToArray()).ToArray();
    using var batchSession = new StepSession(forecast, rows: 0);
    Report($"forecast batch {contexts.Length}×{contexts[0].Length}, StepSession (per call)", Math.Max(1, steps / 100), () => StepBatch(batchSession, contexts));
    Report($"forecast batch {contexts.Length}×{contexts[0].Length}, legacy OrtValue RunBatch (per call)", Math.Max(1, steps / 100), () => LegacyBatch(forecast, contexts));
    Report("forecast ForecastBatch 64 series, 8 lengths (per call)", Math.Max(1, steps / 200), () => model.ForecastBatch(inputs));
}
using (var text = new InferenceSession(File.ReadAllBytes(textPath), options))
{
    foreach (int rows in new[] { 1, 16 })
    {
        using var stepSession = new StepSession(text, rows);
        var ids = new long[rows];
        Report($"text kjv-char, StepSession, {rows} row(s)", steps / rows, () => stepSession.Run(ids, 1));
        Report($"text kjv-char, legacy OrtValue + RunOptions per call, {rows} row(s)", steps / rows, LegacyTextStep(text, rows));
    }
}

static void Report(string name, int steps, Action step)
{
    for (int i = 0; i < Math.Min(200, steps); i++) step();
    GC.Collect();
    long before = GC.GetAllocatedBytesForCurrentThread();
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++) step();
    clock.Stop();
    long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
    Console.WriteLine($"{name,-52} {bytes / (double)steps,12:F1} {clock.Elapsed.TotalMicroseconds / steps,10:F2}");
}

// What ForecastSession.RunBatch does now (without the pool): zero states, one call, each row's last step.
static void StepBatch(StepSession session, float[][] contexts)
{
    int b = contexts.Length, t = contexts[0].Length;
    var steps = new float[b * t];
    for (int r = 0; r < b; r++) contexts[r].CopyTo(steps, r * t);
    session.Resize(b);
    session.Reset();
    session.Run(steps, t);
    for (int r = 0; r < b; r++) _ = session.LastStep(r)[^1];
}

// What ForecastSession.RunBatch did before StepSession.
static void LegacyBatch(InferenceSession session, float[][] contexts)
{
    var stateInputs = session.InputMetadata.Keys.Where(k => k != "input").Order(StringComparer.Ordinal).ToArray();
    var widths = stateInputs.Select(k => session.InputMetadata[k].Dimensions[^1]).ToArray();
    int b = contexts.Length, t = contexts[0].Length;
    var steps = new float[b * t];
    for (int r = 0; r < b; r++) contexts[r].CopyTo(steps, r * t);
    var inputs = new OrtValue[1 + stateInputs.Length];
    try
    {
        inputs[0] = OrtValue.CreateTensorValueFromMemory(steps, [b, t, 1]);
        for (int i = 0; i < stateInputs.Length; i++) inputs[i + 1] = OrtValue.CreateTensorValueFromMemory(new float[b * widths[i]], [b, widths[i]]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input", .. stateInputs], inputs, ["output"]);
        var output = results[0].GetTensorDataAsSpan<float>();
        int width = output.Length / (b * t);
        for (int r = 0; r < b; r++) _ = output.Slice(((r * t) + t - 1) * width, width).ToArray();
    }
    finally
    {
        foreach (var value in inputs) value?.Dispose();
    }
}

// What ForecastSession.Run did before StepSession.
static Action LegacyForecastStep(InferenceSession session)
{
    var stateInputs = session.InputMetadata.Keys.Where(k => k != "input").Order(StringComparer.Ordinal).ToArray();
    var stateOutputs = stateInputs.Select(k => k.Replace("_in_", "_out_", StringComparison.Ordinal)).ToArray();
    var states = stateInputs.Select(k => new float[session.InputMetadata[k].Dimensions[^1]]).ToArray();
    string[] outputs = ["output", .. stateOutputs];
    return () =>
    {
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(new[] { 0.01f }, [1, 1, 1])) };
        for (int i = 0; i < stateInputs.Length; i++)
            inputs.Add(NamedOnnxValue.CreateFromTensor(stateInputs[i], new DenseTensor<float>((float[])states[i].Clone(), [1, states[i].Length])));
        using var results = session.Run(inputs, outputs);
        _ = results[0].AsTensor<float>().ToArray();
        for (int i = 0; i < stateInputs.Length; i++) results[i + 1].AsTensor<float>().ToArray().CopyTo(states[i], 0);
    };
}

// What TextGenerator.Run did before StepSession.
static Action LegacyTextStep(InferenceSession session, int rows)
{
    var stateInputs = session.InputMetadata.Keys.Where(k => k != "input").Order(StringComparer.Ordinal).ToArray();
    string[] inputNames = ["input", .. stateInputs];
    string[] outputNames = ["output", .. stateInputs.Select(k => k.Replace("_in_", "_out_", StringComparison.Ordinal))];
    var widths = stateInputs.Select(k => session.InputMetadata[k].Dimensions[^1]).ToArray();
    var states = widths.Select(w => new float[rows * w]).ToArray();
    var ids = new long[rows];
    int classes = session.OutputMetadata["output"].Dimensions[^1];
    var logits = new float[rows * classes];
    return () =>
    {
        var inputs = new OrtValue[inputNames.Length];
        try
        {
            inputs[0] = OrtValue.CreateTensorValueFromMemory(ids, [rows, 1]);
            for (int s = 0; s < states.Length; s++) inputs[s + 1] = OrtValue.CreateTensorValueFromMemory(states[s], [rows, widths[s]]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputNames, inputs, outputNames);
            results[0].GetTensorDataAsSpan<float>().CopyTo(logits);
            for (int s = 0; s < states.Length; s++) results[s + 1].GetTensorDataAsSpan<float>().CopyTo(states[s]);
        }
        finally
        {
            foreach (var input in inputs) input?.Dispose();
        }
    };
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "RnnOnnx.sln"))) return dir.FullName;
    throw new InvalidOperationException("RnnOnnx.sln not found above " + AppContext.BaseDirectory);
}

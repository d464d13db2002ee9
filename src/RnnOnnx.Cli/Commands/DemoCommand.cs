using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RnnOnnx.Data;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Onnx;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx demo [--model stacked|seed000]`: a seed document's model trained on a generated noisy sine, reporting
/// validation MSE against the variance of the targets. Needs no data files. <c>stacked</c> is the seeds' example
/// (3×LSTM(50) with dropout, Dense(1)); <c>seed000</c> is seed 000's LSTM(50, activation='relu') → Dropout(0.2) → Dense(1).
/// Both with Adam and MSE.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 15 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for data noise, weights, shuffling and dropout", DefaultValueFactory = _ => 7 };
        var threads = new Option<int>("--threads") { Description = "Threads for the kernels (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var save = CliPaths.Output("--save", "Also write the trained model as a native model file (- = standard output)");
        var onnx = CliPaths.Output("--onnx", "Also export the trained model to this ONNX file (- = standard output)");
        var architecture = new Option<string>("--model")
        {
            Description = "Which seed model: stacked (3×LSTM(50) with dropout, the default) or seed000 (LSTM(50, relu) → Dropout(0.2) → Dense(1))",
            DefaultValueFactory = _ => "stacked",
        };
        architecture.AcceptOnlyFromAmong("stacked", "seed000");
        var command = new Command("demo", "Train the seed documents' stacked LSTM on a generated noisy sine and report how well it fits.")
        {
            architecture, epochs, seed, threads, save, onnx,
        };
        command.SetAction(parse =>
        {
            int threadCount = parse.GetValue(threads);
            if (threadCount < 1) throw new ArgumentException($"--threads must be at least 1, got {threadCount}.");
            // With a model written to standard output, the progress lines go to standard error.
            bool binaryOut = CliPaths.IsStandardOutput(parse.GetValue(save)) || CliPaths.IsStandardOutput(parse.GetValue(onnx));
            var model = Run(binaryOut ? error : output, parse.GetValue(architecture)!, parse.GetValue(epochs), parse.GetValue(seed), threadCount);
            if (parse.GetValue(save) is { } native) { model.Save(native); CliPaths.Wrote(output, native); }
            if (parse.GetValue(onnx) is { } file)
            {
                OnnxExporter.Export(model, file, new OnnxExportOptions { Task = ModelTask.Forecast, Config = """{"window":10,"horizon":1}""" });
                CliPaths.Wrote(output, file);
            }
            return 0;
        });
        return command;
    }

    private static Sequential Build(string architecture) => architecture switch
    {
        "seed000" => new Sequential(new Lstm(50, activation: Activation.Relu), new Dropout(0.2f), new Dense(1)),
        _ => new Sequential(
            new Lstm(50, returnSequences: true), new Dropout(0.2f),
            new Lstm(50, returnSequences: true), new Dropout(0.2f),
            new Lstm(50), new Dropout(0.2f),
            new Dense(1)),
    };

    private static Sequential Run(TextWriter output, string architecture, int epochs, ulong seed, int threads)
    {
        Compute.MaxThreads = threads;
        var series = SyntheticSeries.NoisySine(1200, period: 25f, noise: 0.1f, seed: seed);
        var data = SlidingWindows.Create(series, window: 10);
        var model = Build(architecture);
        model.Compile(new Adam(), new MeanSquaredError());
        output.WriteLine($"Noisy sine: {series.Length} points, {data.Count} windows of 10 → next value; 20 % held out for validation.");
        var clock = Stopwatch.StartNew();
        var history = model.Fit(data, new FitOptions
        {
            Epochs = epochs, BatchSize = 32, ValidationSplit = 0.2, Seed = seed,
            OnEpochEnd = e => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {e.Epoch,3}/{e.Epochs}  loss {e.Loss:F5}  val_loss {e.ValidationLoss:F5}  {e.Elapsed.TotalMilliseconds,6:F0} ms")),
        });
        int trainCount = (int)(data.Count * 0.8);
        var targets = data.Slice(trainCount, data.Count - trainCount).Targets.Data;
        double mean = targets.Average(v => (double)v);
        double variance = targets.Average(v => (v - mean) * (v - mean));
        double mse = history.ValidationLoss[^1];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation MSE {mse:F5} vs target variance {variance:F5}: {variance / mse:F1}× below; {model.ParameterCount} weights, {clock.Elapsed.TotalSeconds:F1} s"));
        return model;
    }
}

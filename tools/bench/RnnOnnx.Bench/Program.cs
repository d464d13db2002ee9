using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Running;
using RnnOnnx.Bench.Training;
using RnnOnnx.Kernels;

namespace RnnOnnx.Bench;

/// <summary>
/// Entry point. <c>train</c> and <c>gemm</c> are the measurements of the README's Performance section (what
/// <c>tools/bench/compare_train.sh</c> runs beside PyTorch); anything else goes to BenchmarkDotNet's switcher, so
/// <c>--filter</c>, <c>--job</c>, <c>--list</c> etc. work.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("train" or "gemm"))
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }
        var root = new RootCommand("Training and SGEMM speed of RnnOnnx's trainer on this machine.");
        root.Subcommands.Add(Train(Console.Out));
        root.Subcommands.Add(GemmCommand(Console.Out));
        return root.Parse(args).Invoke();
    }

    private static Option<bool> Json() => new("--json") { Description = "Print JSON (one object per config)" };

    private static Option<int> Threads() => new("--threads") { Description = "Kernel threads", DefaultValueFactory = _ => Environment.ProcessorCount };

    private static Command Train(TextWriter output)
    {
        var config = new Option<string>("--config") { Description = "seed, mid, big, gru-mid, charlm or all", DefaultValueFactory = _ => "all" };
        var steps = new Option<int>("--steps") { Description = "Measured steps per config (median reported)", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured steps first", DefaultValueFactory = _ => 3 };
        var json = Json();
        var threads = Threads();
        var command = new Command("train", "Median ms per training step (forward + backward + Adam), sequences/s, GFLOP/s, bytes allocated per step.")
        {
            config, steps, warmup, json, threads,
        };
        command.SetAction(parse =>
        {
            Compute.MaxThreads = parse.GetValue(threads);
            string name = parse.GetValue(config)!;
            var chosen = name == "all" ? TrainingConfig.All : TrainingConfig.All.Where(c => c.Name == name).ToList();
            if (chosen.Count == 0) throw new ArgumentException($"Unknown config '{name}': choose {string.Join(", ", TrainingConfig.All.Select(c => c.Name))} or all.");
            int measured = parse.GetValue(steps);
            if (measured < 1) throw new ArgumentException($"--steps must be at least 1, got {measured}.");
            var results = new List<TrainingResult>();
            bool asJson = parse.GetValue(json);
            if (!asJson) output.WriteLine($"{"config",-8} {"ms/step",9} {"min",8} {"max",8} {"seq/s",9} {"GFLOP/s",8} {"alloc B/step",12}  ({Compute.MaxThreads} threads)");
            foreach (var c in chosen)
            {
                var r = TrainingBenchmark.Run(c, parse.GetValue(warmup), measured);
                results.Add(r);
                if (!asJson)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Config,-8} {r.MsPerStep,9:F2} {r.MinMs,8:F2} {r.MaxMs,8:F2} {r.SeqPerS,9:F0} {r.Gflops,8:F1} {r.AllocBytesPerStep,12:F0}"));
            }
            if (asJson)
                output.WriteLine(JsonSerializer.Serialize(results.Select(r => new
                {
                    config = r.Config, ms_per_step = r.MsPerStep, seq_per_s = r.SeqPerS, gflops = r.Gflops, alloc_bytes_per_step = r.AllocBytesPerStep,
                    min_ms = r.MinMs, max_ms = r.MaxMs, threads = Compute.MaxThreads,
                })));
            return 0;
        });
        return command;
    }

    private static Command GemmCommand(TextWriter output)
    {
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per shape (median reported)", DefaultValueFactory = _ => 7 };
        var json = Json();
        var threads = Threads();
        var command = new Command("gemm", "Our SGEMM at 2048³ and at the shapes the training configs use.") { repeats, json, threads };
        command.SetAction(parse =>
        {
            Compute.MaxThreads = parse.GetValue(threads);
            var results = GemmBenchmark.Shapes.Select(s => GemmBenchmark.Run(s, Math.Max(1, parse.GetValue(repeats)))).ToList();
            if (parse.GetValue(json))
                output.WriteLine(JsonSerializer.Serialize(results.Select(r => new { shape = r.Shape, m = r.M, n = r.N, k = r.K, trans_a = r.TransA, trans_b = r.TransB, ms = r.Ms, gflops = r.Gflops })));
            else
                foreach (var r in results)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Shape,-36} {r.M,5}×{r.N,-5}×{r.K,-5} {r.Ms,9:F3} ms {r.Gflops,7:F1} GFLOP/s"));
            return 0;
        });
        return command;
    }
}

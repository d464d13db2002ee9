using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Parity;

/// <summary>One torch.nn.LSTM/GRU/RNN: <paramref name="Layers"/> stacked layers of one cell (our Sequential gets one layer each).</summary>
internal sealed record TorchModule(string Cell, int Units, int Layers = 1, bool Bidirectional = false);

/// <summary>A parity case: modules in order; <paramref name="ReturnSequences"/> applies to the very last layer.</summary>
internal sealed record ParityCase(string Name, TorchModule[] Modules, bool ReturnSequences = true, int[]? Lengths = null);

/// <summary>A tensor as PyTorch computed it (float64), in our layout.</summary>
internal sealed record ReferenceTensor(int[] Shape, double[] Data);

/// <summary>PyTorch's loss, output and parameter gradients for one case; gradients in our parameter order.</summary>
internal sealed record TorchResult(double Loss, ReferenceTensor Output, IReadOnlyList<IReadOnlyDictionary<string, ReferenceTensor>> Directions);

/// <summary>A case built with our trainer: the model with its weights and the data it is evaluated on.</summary>
internal sealed record PreparedCase(ParityCase Case, Sequential Model, SequenceDataset Data)
{
    /// <summary>Each recurrent direction in order: per Sequential layer, the layer itself or forward then backward.</summary>
    public IEnumerable<RecurrentLayer> Directions() => Model.Layers.SelectMany(layer => layer switch
    {
        Bidirectional bi => new[] { bi.ForwardLayer, bi.BackwardLayer },
        RecurrentLayer cell => new[] { cell },
        _ => throw new InvalidOperationException($"Parity models hold only recurrent layers, got {layer.GetType().Name}."),
    });
}

/// <summary>Builds the parity models, writes them to JSON, runs tools/parity/torch_recurrent.py once for all of them.</summary>
internal static class TorchReference
{
    public const string Python = "/usr/bin/python3";
    public const string SetupHint = "Run `bash tools/setup.sh` (installs Debian's python3-torch and python3-numpy) and try again.";
    private const int Samples = 3, Steps = 6, Features = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static PreparedCase Prepare(ParityCase c, ulong seed)
    {
        var layers = new List<Layer>();
        var last = (Module: c.Modules.Length - 1, Layer: c.Modules[^1].Layers - 1);
        for (int m = 0; m < c.Modules.Length; m++)
            for (int k = 0; k < c.Modules[m].Layers; k++)
            {
                bool sequences = (m, k) != last || c.ReturnSequences;
                var cell = Cell(c.Modules[m].Cell, c.Modules[m].Units, sequences);
                layers.Add(c.Modules[m].Bidirectional ? new Bidirectional(cell) : cell);
            }
        var model = new Sequential([.. layers]);
        model.Compile(new Sgd(), new MeanSquaredError());
        var x = TestData.Uniform(seed, 1f, Samples, Steps, Features);
        model.EnsureBuilt(x, seed);
        // Replace the initialisation (zero GRU recurrent bias, forget bias 1, …) by random values so every weight matters.
        ulong s = seed * 100;
        foreach (var p in model.Parameters)
            TestData.Uniform(++s, 0.5f, p.Value.Length).Data.CopyTo(p.Value, 0);
        int width = c.Modules[^1].Units * (c.Modules[^1].Bidirectional ? 2 : 1);
        var y = c.ReturnSequences ? TestData.Uniform(seed + 1, 1f, Samples, Steps, width) : TestData.Uniform(seed + 1, 1f, Samples, width);
        return new PreparedCase(c, model, new SequenceDataset(x, y, c.Lengths));
    }

    private static RecurrentLayer Cell(string cell, int units, bool sequences) => cell switch
    {
        "lstm" => new Lstm(units, sequences),
        "gru" => new Gru(units, sequences),
        "rnn_tanh" => new SimpleRnn(units, sequences, Activation.Tanh),
        "rnn_relu" => new SimpleRnn(units, sequences, Activation.Relu),
        _ => throw new ArgumentException($"Unknown cell '{cell}'.", nameof(cell)),
    };

    /// <summary>Runs PyTorch on all cases; returns its results by case name, or throws with the reason and the setup hint.</summary>
    public static (string TorchVersion, Dictionary<string, TorchResult> Results) Run(IReadOnlyList<PreparedCase> cases)
    {
        string root = RepositoryRoot();
        string script = Path.Combine(root, "tools", "parity", "torch_recurrent.py");
        if (!File.Exists(Python))
            throw new InvalidOperationException($"PyTorch parity needs {Python}, which does not exist. {SetupHint}");
        string dir = Path.Combine(Path.GetTempPath(), "rnnonnx-parity-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string input = Path.Combine(dir, "in.json"), output = Path.Combine(dir, "out.json");
            File.WriteAllBytes(input, Serialize(cases));
            var (exitCode, stdout, stderr) = Execute(script, input, output);
            if (exitCode != 0 || !File.Exists(output))
                throw new InvalidOperationException(
                    $"{Python} {script} failed with exit code {exitCode}. {SetupHint}\nstderr:\n{stderr}\nstdout:\n{stdout}");
            return Parse(File.ReadAllBytes(output));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) Execute(string script, string input, string output)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(input);
        start.ArgumentList.Add(output);
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}. {SetupHint}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {script} did not finish within {Timeout.TotalSeconds} s.");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RnnOnnx.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No RnnOnnx.sln above {AppContext.BaseDirectory}: cannot find tools/parity/torch_recurrent.py.");
    }

    private static byte[] Serialize(IReadOnlyList<PreparedCase> cases)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("cases");
            foreach (var prepared in cases)
            {
                var c = prepared.Case;
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                WriteTensor(w, "x", prepared.Data.Inputs.Shape.ToArray(), prepared.Data.Inputs.Data);
                WriteTensor(w, "y", prepared.Data.Targets.Shape.ToArray(), prepared.Data.Targets.Data);
                w.WritePropertyName("lengths");
                if (c.Lengths is null) w.WriteNullValue();
                else
                {
                    w.WriteStartArray();
                    foreach (int length in c.Lengths) w.WriteNumberValue(length);
                    w.WriteEndArray();
                }
                w.WriteBoolean("returnSequences", c.ReturnSequences);
                w.WriteStartArray("modules");
                using var directions = prepared.Directions().GetEnumerator();
                foreach (var module in c.Modules)
                {
                    w.WriteStartObject();
                    w.WriteString("cell", module.Cell);
                    w.WriteNumber("units", module.Units);
                    w.WriteBoolean("bidirectional", module.Bidirectional);
                    w.WriteStartArray("layers");
                    for (int k = 0; k < module.Layers; k++)
                    {
                        w.WriteStartObject();
                        w.WriteStartArray("directions");
                        for (int d = 0; d < (module.Bidirectional ? 2 : 1); d++)
                        {
                            directions.MoveNext();
                            w.WriteStartObject();
                            foreach (var p in directions.Current.Parameters) WriteTensor(w, p.Name, [.. p.Shape], p.Value);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WriteTensor(Utf8JsonWriter w, string name, int[] shape, float[] data)
    {
        w.WriteStartObject(name);
        w.WriteStartArray("shape");
        foreach (int d in shape) w.WriteNumberValue(d);
        w.WriteEndArray();
        w.WriteStartArray("data");
        foreach (float v in data) w.WriteNumberValue((double)v); // exact: every float is a double
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static (string, Dictionary<string, TorchResult>) Parse(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var results = new Dictionary<string, TorchResult>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var directions = new List<IReadOnlyDictionary<string, ReferenceTensor>>();
            foreach (var module in c.GetProperty("modules").EnumerateArray())
                foreach (var layer in module.GetProperty("layers").EnumerateArray())
                    foreach (var direction in layer.GetProperty("directions").EnumerateArray())
                        directions.Add(direction.EnumerateObject().ToDictionary(p => p.Name, p => ReadTensor(p.Value)));
            results[c.GetProperty("name").GetString()!] =
                new TorchResult(c.GetProperty("loss").GetDouble(), ReadTensor(c.GetProperty("output")), directions);
        }
        return (doc.RootElement.GetProperty("torch").GetString() ?? "?", results);
    }

    private static ReferenceTensor ReadTensor(JsonElement e) => new(
        e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
        e.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray());

    /// <summary>max|ours − torch| / max(max|torch|, 1e-6), over one tensor.</summary>
    public static double RelativeError(ReadOnlySpan<float> ours, ReadOnlySpan<double> torch)
    {
        if (ours.Length != torch.Length) return double.PositiveInfinity;
        double scale = 1e-6, worst = 0;
        foreach (double t in torch) scale = Math.Max(scale, Math.Abs(t));
        for (int i = 0; i < torch.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] - torch[i]));
        return double.IsFinite(worst) ? worst / scale : double.PositiveInfinity;
    }

    public static string Describe(IEnumerable<(string Name, double Error)> errors)
    {
        var text = new StringBuilder();
        foreach (var (name, error) in errors) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name} {error:0.00E+00}; ");
        return text.ToString();
    }
}

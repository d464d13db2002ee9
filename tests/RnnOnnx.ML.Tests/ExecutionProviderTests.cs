using Microsoft.ML;
using static RnnOnnx.Tests.TestModels;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML.Tests;

/// <summary>
/// This machine has the CPU-only ONNX Runtime and no GPU: Cuda must fail saying what to install, Auto must run on the
/// CPU after exactly one warning, and both must be expressible and parseable.
/// </summary>
public class ExecutionProviderTests
{
    private readonly MLContext _ml = new(seed: 1);

    private RecurrentOnnxEstimator Estimator(ExecutionProvider provider, List<string> warnings) =>
        _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull, ExecutionProvider = provider, Warning = warnings.Add,
        });

    [Fact]
    public void Cuda_without_the_CUDA_provider_fails_saying_what_to_install()
    {
        var data = _ml.Data.LoadFromEnumerable(ApplyRecurrentOnnxModelTests.Windows(2));
        var warnings = new List<string>();
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => Estimator(ExecutionProvider.Cuda(1), warnings).Fit(data));
        Assert.Contains("ExecutionProvider.Cuda(1)", e.Message);
        Assert.Contains("CPU-only", e.Message);
        Assert.Contains("-p:RnnOnnxGpu=true", e.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", e.Message);
        Assert.Contains("CUDA 12", e.Message);
        Assert.Contains("cuDNN 9", e.Message);
        Assert.Empty(warnings);
        Assert.IsAssignableFrom<RnnOnnxException>(e);
    }

    [Fact]
    public void Auto_falls_back_to_the_CPU_with_one_warning_and_gives_CPU_results()
    {
        var rows = ApplyRecurrentOnnxModelTests.Windows(5);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var warnings = new List<string>();
        using var auto = Estimator(ExecutionProvider.Auto(), warnings).Fit(data);
        Assert.Single(warnings);
        Assert.Contains("CPU", warnings[0]);
        Assert.Equal(ExecutionProvider.Cpu, auto.ExecutionProvider);

        using var cpu = Estimator(ExecutionProvider.Cpu, warnings).Fit(data);
        Assert.Single(warnings);
        Outputs.Identical(Outputs.Read(cpu.Transform(data), "Output"), Outputs.Read(auto.Transform(data), "Output"));
        // Using the transformer warns no more.
        using var engine = _ml.Model.CreatePredictionEngine<WindowRow, Scored>(auto);
        engine.Predict(rows[0]);
        Assert.Single(warnings);
    }

    [Fact]
    public void Auto_warns_on_standard_error_when_no_callback_is_given()
    {
        var data = _ml.Data.LoadFromEnumerable(ApplyRecurrentOnnxModelTests.Windows(1));
        var original = Console.Error;
        using var captured = new StringWriter();
        lock (ConsoleLock.Instance)
        {
            Console.SetError(captured);
            try
            {
                using var auto = _ml.Transforms.ApplyRecurrentOnnxModel("Output", "Window", TestModels.TempFile(LstmFull), executionProvider: ExecutionProvider.Auto()).Fit(data);
            }
            finally { Console.SetError(original); }
        }
        Assert.StartsWith("warning: ExecutionProvider.Auto runs this model on the CPU", captured.ToString(), StringComparison.Ordinal);
        Assert.Single(captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("cpu", ExecutionProviderKind.Cpu, 0)]
    [InlineData("CUDA", ExecutionProviderKind.Cuda, 0)]
    [InlineData("cuda:2", ExecutionProviderKind.Cuda, 2)]
    [InlineData("auto:1", ExecutionProviderKind.Auto, 1)]
    public void Providers_parse_and_print(string text, ExecutionProviderKind kind, int device)
    {
        var provider = ExecutionProvider.Parse(text);
        Assert.Equal(kind, provider.Kind);
        Assert.Equal(device, provider.DeviceId);
        Assert.Equal(provider, ExecutionProvider.Parse(provider.ToString()));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cpu:1")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void Unknown_providers_are_refused(string text) => Assert.ThrowsAny<FormatException>(() => ExecutionProvider.Parse(text));
}

/// <summary>Serialises tests that redirect the console.</summary>
internal static class ConsoleLock
{
    public static readonly object Instance = new();
}

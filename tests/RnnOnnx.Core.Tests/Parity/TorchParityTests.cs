using RnnOnnx.Tests.Gradients;
using Xunit.Abstractions;

namespace RnnOnnx.Tests.Parity;

/// <summary>
/// Builds every parity case once and asks PyTorch (tools/parity/torch_recurrent.py, one process) for its reference.
/// A missing python3/torch is recorded and makes every test fail: parity is never silently skipped.
/// </summary>
public sealed class TorchParityFixture
{
    private static readonly string[] Cells = ["lstm", "gru", "rnn_tanh", "rnn_relu"];
    private static readonly int[] Ragged = [6, 2, 4];

    internal static IEnumerable<ParityCase> AllCases()
    {
        foreach (string c in Cells)
        {
            yield return new($"{c}", [new(c, 4)]);
            yield return new($"{c}-stacked", [new(c, 5, Layers: 2)]);
            yield return new($"{c}-bidirectional-stacked", [new(c, 4, Layers: 2, Bidirectional: true), new(c, 3)]);
            yield return new($"{c}-bidirectional-last-step", [new(c, 4, Bidirectional: true)], ReturnSequences: false);
            yield return new($"{c}-ragged-bidirectional", [new(c, 4, Bidirectional: true), new(c, 3)], Lengths: Ragged);
            yield return new($"{c}-ragged-stacked-last-step", [new(c, 5, Layers: 2)], ReturnSequences: false, Lengths: Ragged);
        }
    }

    public TorchParityFixture()
    {
        ulong seed = 11;
        Cases = AllCases().ToDictionary(c => c.Name, c => TorchReference.Prepare(c, seed += 10));
        try
        {
            (TorchVersion, Results) = TorchReference.Run([.. Cases.Values]);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception or System.Text.Json.JsonException or KeyNotFoundException)
        {
            Error = e.Message;
        }
    }

    internal Dictionary<string, PreparedCase> Cases { get; }

    internal Dictionary<string, TorchResult> Results { get; } = [];

    internal string TorchVersion { get; } = "";

    /// <summary>Why PyTorch gave no reference (null when it did).</summary>
    internal string? Error { get; }
}

/// <summary>
/// Parity with an independent implementation: for LSTM, GRU and SimpleRnn (tanh, relu) — single, stacked,
/// bidirectional, last-step output and ragged (padded) batches — our float32 outputs, loss and every parameter
/// gradient match PyTorch's float64 torch.nn.LSTM/GRU/RNN given identical weights and inputs, to 1e-5 relative
/// (max|ours − torch| / max|torch| per tensor).
/// </summary>
public sealed class TorchParityTests(TorchParityFixture fixture, ITestOutputHelper output) : IClassFixture<TorchParityFixture>
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> CaseNames() => [.. TorchParityFixture.AllCases().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Outputs_and_gradients_match_pytorch(string name)
    {
        Assert.True(fixture.Error is null, $"No PyTorch reference: {fixture.Error}");
        var prepared = fixture.Cases[name];
        var torch = fixture.Results[name];
        var errors = new List<(string Name, double Error)>();

        var predicted = prepared.Model.Predict(prepared.Data.Inputs, prepared.Data.Lengths);
        Assert.Equal(torch.Output.Shape, predicted.Shape.ToArray());
        errors.Add(("output", TorchReference.RelativeError(predicted.Data, torch.Output.Data)));

        double loss = GradientChecker.Loss(prepared.Model, prepared.Data);
        errors.Add(("loss", Math.Abs(loss - torch.Loss) / Math.Max(Math.Abs(torch.Loss), 1e-6)));

        GradientChecker.Backpropagate(prepared.Model, prepared.Data);
        var directions = prepared.Directions().ToList();
        Assert.Equal(torch.Directions.Count, directions.Count);
        for (int d = 0; d < directions.Count; d++)
        {
            var layer = directions[d];
            Assert.Equal(layer.Parameters.Count, torch.Directions[d].Count);
            foreach (var p in layer.Parameters)
            {
                var reference = torch.Directions[d][p.Name];
                Assert.Equal([.. p.Shape], reference.Shape);
                errors.Add(($"{layer.Name}.{p.Name}", TorchReference.RelativeError(p.Gradient, reference.Data)));
            }
        }

        string report = TorchReference.Describe(errors);
        output.WriteLine($"torch {fixture.TorchVersion}, {name}: {report}");
        var failures = errors.Where(e => !(e.Error <= Tolerance)).ToList();
        Assert.True(failures.Count == 0,
            $"{name} differs from PyTorch {fixture.TorchVersion} by more than {Tolerance:0E+0} relative: {TorchReference.Describe(failures)}| all: {report}");
    }

    [Fact]
    public void Every_case_has_a_pytorch_reference()
    {
        Assert.True(fixture.Error is null, $"No PyTorch reference: {fixture.Error}");
        Assert.Equal(fixture.Cases.Keys.Order(), fixture.Results.Keys.Order());
    }
}

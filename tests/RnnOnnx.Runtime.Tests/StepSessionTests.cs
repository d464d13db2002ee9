using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Onnx;

namespace RnnOnnx.Runtime.Tests;

/// <summary>The step session: state carried between calls, reset, row independence, typed shape errors, no allocation per step.</summary>
public sealed class StepSessionTests : IDisposable
{
    private static readonly byte[] TokensStep = OnnxExporter.Export(TestModels.Tokens, new OnnxExportOptions { Kind = OnnxGraphKind.Step });
    private readonly InferenceSession _lstm = new(TestModels.LstmStep);
    private readonly InferenceSession _tokens = new(TokensStep);

    public void Dispose()
    {
        _lstm.Dispose();
        _tokens.Dispose();
    }

    private static float[] Input(int rows, int steps, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * steps * TestModels.Features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Steps [from, to) of every row of a [rows, steps, features] input.</summary>
    private static float[] Slice(float[] input, int rows, int steps, int from, int to)
    {
        int f = TestModels.Features, n = to - from;
        var slice = new float[rows * n * f];
        for (int r = 0; r < rows; r++) input.AsSpan((r * steps + from) * f, n * f).CopyTo(slice.AsSpan(r * n * f));
        return slice;
    }

    private static float[] State(StepSession session, int row)
    {
        var state = new float[session.StateWidth];
        session.GetState(row, state);
        return state;
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void The_contract_names_the_states_and_the_data_input_and_output()
    {
        var graph = StepSession.ContractOf(_lstm);
        Assert.Equal(["h_in_0", "c_in_0"], graph.States.Select(s => s.InputName));
        Assert.Equal(["h_out_0", "c_out_0"], graph.States.Select(s => s.OutputName));
        Assert.All(graph.States, s => Assert.Equal(TestModels.Units, s.Width));
        Assert.Equal(["input"], graph.DataInputs.Select(i => i.Name));
        Assert.Equal(["output"], graph.DataOutputs.Select(o => o.Name));
        Assert.Equal(ModelTask.Sequence, graph.Task);
        Assert.Equal(OnnxGraphKind.Step, graph.Kind);
        // What the session declares is what the file declares.
        var fromFile = StepGraph.Read(TestModels.LstmStep);
        Assert.Equal(fromFile.States.Select(s => (s.InputName, s.OutputName, s.Kind, s.Layer, s.Width)), graph.States.Select(s => (s.InputName, s.OutputName, s.Kind, s.Layer, s.Width)));
        using var steps = new StepSession(_lstm, rows: 2);
        Assert.Equal(2 * TestModels.Units, steps.StateWidth);
        Assert.Equal(TestModels.Width, steps.OutputWidth);
        Assert.True(steps.OutputIsSequence);
    }

    [Fact]
    public void State_carried_across_calls_equals_one_long_call()
    {
        const int rows = 2, total = 6;
        var input = Input(rows, total, seed: 1);
        using var whole = new StepSession(_lstm, rows);
        var wholeOutput = whole.Run(input, total).ToArray();

        using var pieces = new StepSession(_lstm, rows);
        var outputs = new List<float[]>();
        foreach (var (from, to) in new[] { (0, 2), (2, 5), (5, 6) })
            outputs.Add(pieces.Run(Slice(input, rows, total, from, to), to - from).ToArray());
        for (int r = 0; r < rows; r++)
        {
            Close(whole.LastStep(r), pieces.LastStep(r));
            Close(State(whole, r), State(pieces, r));
            // Every step's output, not only the last.
            for (int t = 0; t < total; t++)
            {
                int piece = t < 2 ? 0 : t < 5 ? 1 : 2, start = piece == 0 ? 0 : piece == 1 ? 2 : 5, length = piece == 0 ? 2 : piece == 1 ? 3 : 1;
                Close(wholeOutput.AsSpan((r * total + t) * TestModels.Width, TestModels.Width),
                      outputs[piece].AsSpan((r * length + t - start) * TestModels.Width, TestModels.Width));
            }
        }
    }

    [Fact]
    public void Rows_of_a_batch_are_independent()
    {
        const int rows = 3, steps = 4;
        var input = Input(rows, steps, seed: 2);
        using var batch = new StepSession(_lstm, rows);
        batch.Run(input, steps);
        for (int r = 0; r < rows; r++)
        {
            using var alone = new StepSession(_lstm, 1);
            alone.Run(input.AsSpan(r * steps * TestModels.Features, steps * TestModels.Features), steps);
            Close(alone.LastStep(0), batch.LastStep(r));
            Close(State(alone, 0), State(batch, r));
        }
    }

    [Fact]
    public void Reset_zeroes_one_row_or_all_and_leaves_the_others()
    {
        const int rows = 2, steps = 3;
        var input = Input(rows, steps, seed: 3);
        using var session = new StepSession(_lstm, rows);
        session.Run(input, steps);
        var row0 = State(session, 0);
        Assert.Contains(row0, v => v != 0);
        session.Reset(1);
        Assert.Equal(row0, State(session, 0));
        Assert.All(State(session, 1), v => Assert.Equal(0f, v));

        // Row 1 now runs as from a fresh start.
        using var fresh = new StepSession(_lstm, rows);
        session.Run(input, steps);
        fresh.Run(input, steps);
        Close(fresh.LastStep(1), session.LastStep(1));
        Assert.NotEqual(fresh.LastStep(0).ToArray(), session.LastStep(0).ToArray());

        session.Reset();
        for (int r = 0; r < rows; r++) Assert.All(State(session, r), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void State_set_from_another_session_continues_exactly()
    {
        var input = Input(1, 5, seed: 4);
        using var a = new StepSession(_lstm, 1);
        a.Run(input.AsSpan(0, 3 * TestModels.Features), 3);
        using var b = new StepSession(_lstm, 1);
        b.SetState(0, State(a, 0));
        a.Run(input.AsSpan(3 * TestModels.Features), 2);
        b.Run(input.AsSpan(3 * TestModels.Features), 2);
        Assert.Equal(a.LastStep(0).ToArray(), b.LastStep(0).ToArray());
        Assert.Equal(State(a, 0), State(b, 0));
    }

    [Fact]
    public void Gather_rebuilds_rows_from_parents_and_resize_keeps_the_rows_kept()
    {
        using var session = new StepSession(_lstm, 2);
        session.Run(Input(2, 2, seed: 5), 2);
        var (s0, s1) = (State(session, 0), State(session, 1));
        session.Gather([1, 1, 0]);
        Assert.Equal(3, session.Rows);
        Assert.Equal(s1, State(session, 0));
        Assert.Equal(s1, State(session, 1));
        Assert.Equal(s0, State(session, 2));
        session.Run(Input(3, 1, seed: 6), 1); // rebinds for 3 rows
        var kept = State(session, 0);
        session.Resize(5);
        Assert.Equal(kept, State(session, 0));
        Assert.All(State(session, 4), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Token_ids_run_and_carry_state()
    {
        long[] ids = [1, 4, 2, 7, 3, 0];
        using var whole = new StepSession(_tokens, 2);
        Assert.Equal(TensorElement.Int64, whole.InputElement);
        whole.Run(ids, 3);
        using var pieces = new StepSession(_tokens, 2);
        pieces.Run([1, 7], 1);
        pieces.Run([4, 2, 3, 0], 2);
        for (int r = 0; r < 2; r++) Close(whole.LastStep(r), pieces.LastStep(r));
    }

    [Fact]
    public void Bad_shapes_give_a_shape_error_naming_the_input_and_the_shape()
    {
        using var session = new StepSession(_lstm, 2);
        var e = Assert.Throws<ShapeException>(() => session.Run(new float[17], 3));
        Assert.Contains("'input'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("18", e.Message, StringComparison.Ordinal);
        Assert.Contains("17", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 0, 3]", Assert.Throws<ShapeException>(() => session.Run(ReadOnlySpan<float>.Empty, 0)).Message, StringComparison.Ordinal);
        Assert.Contains("token ids", Assert.Throws<ShapeException>(() => session.Run(new long[6], 3)).Message, StringComparison.Ordinal);
        var state = Assert.Throws<ShapeException>(() => session.SetState(0, new float[3]));
        Assert.Contains("h_in_0 [8]", state.Message, StringComparison.Ordinal);
        Assert.Contains("c_in_0 [8]", state.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.State(2, 0));

        using var ids = new StepSession(_tokens, 1);
        Assert.Contains("float values", Assert.Throws<ShapeException>(() => ids.Run(new float[3], 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_model_is_not_a_step_model()
    {
        using var full = new InferenceSession(TestModels.LstmFull);
        var e = Assert.Throws<ModelConfigurationException>(() => new StepSession(full));
        Assert.Contains("OnnxGraphKind.Step", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_after_warm_up_allocates_no_managed_memory()
    {
        using var session = new StepSession(_lstm, 4);
        var input = Input(4, 1, seed: 7);
        for (int i = 0; i < 3; i++) session.Run(input, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        float sum = 0;
        for (int i = 0; i < 100; i++) sum += session.Run(input, 1)[0];
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(float.IsFinite(sum));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void No_source_file_uses_the_legacy_NamedOnnxValue_or_DenseTensor_API()
    {
        var offenders = Directory.EnumerateFiles(Repository.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("NamedOnnxValue", StringComparison.Ordinal) || text.Contains("DenseTensor", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .ToList();
        Assert.Empty(offenders);
    }
}

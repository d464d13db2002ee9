using Microsoft.ML;
using static RnnOnnx.Tests.TestModels;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML.Tests;

/// <summary>
/// A model RnnOnnx did not export — time-major, states [1, batch, units] with other names, no sequence-lengths input —
/// and exporter-fixed shapes run too, giving what plain one-sequence-per-call ONNX Runtime runs give.
/// </summary>
public class ForeignModelTests
{
    private const float Tolerance = 1e-5f;
    private const int ForeignWidth = 2, ForeignUnits = 5;
    private readonly MLContext _ml = new(seed: 1);

    private static float[] At(float[] y, int step, int width) => y.AsSpan(step * width, width).ToArray();

    [Fact]
    public void A_torch_style_model_runs_ragged_rows_grouped_by_length()
    {
        int[] lengths = [4, 1, 6, 4, 2, 6, 3];
        var rows = lengths.Select((l, i) => new RaggedRow { Sequence = Seeded.Floats(600 + i, l * Features), Length = l }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(RaggedRow.Sequence), LengthColumnName = nameof(RaggedRow.Length),
            ModelBytes = Foreign.TorchLstm, TimeMajor = true, Output = RecurrentOutputKind.Sequence, BatchSize = 16,
        }).Fit(data);
        var actual = Outputs.Read(transformer.Transform(data), "Output");

        using var raw = new RawOrt(Foreign.TorchLstm);
        for (int i = 0; i < rows.Length; i++) Outputs.Near(raw.Run(rows[i].Sequence, Features)["y"], actual[i], Tolerance, $"row {i}");
    }

    [Fact]
    public void A_torch_style_model_carries_its_three_dimensional_state_per_key()
    {
        var (rows, series, ends) = StreamStateTests.Streams(singleSteps: false);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(StreamRow.Values), LengthColumnName = nameof(StreamRow.Length),
            KeyColumnName = nameof(StreamRow.Sensor), ModelBytes = Foreign.TorchLstm, TimeMajor = true, BatchSize = 5,
        }).Fit(data);
        var actual = Outputs.Read(transformer.Transform(data), "Output");

        using var raw = new RawOrt(Foreign.TorchLstm);
        var whole = series.ToDictionary(p => p.Key, p => raw.Run(p.Value, Features)["y"]);
        for (int i = 0; i < rows.Length; i++) Outputs.Near(At(whole[rows[i].Sensor], ends[i], ForeignWidth), actual[i], Tolerance, $"row {i}");
    }

    [Fact]
    public void The_final_state_of_a_torch_style_model_is_hn_then_cn()
    {
        var rows = new[] { new RaggedRow { Sequence = Seeded.Floats(700, 5 * Features), Length = 5 } };
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(RaggedRow.Sequence), ModelBytes = Foreign.TorchLstm, TimeMajor = true, Output = RecurrentOutputKind.FinalState,
        }).Fit(data);
        using var raw = new RawOrt(Foreign.TorchLstm);
        var expected = raw.Run(rows[0].Sequence, Features);
        Outputs.Near([.. expected["hn"], .. expected["cn"]], Outputs.Read(transformer.Transform(data), "Output")[0], Tolerance, "state");
        Assert.Equal(2 * ForeignUnits, expected["hn"].Length + expected["cn"].Length);
    }

    [Fact]
    public void A_model_exported_for_batch_one_and_a_fixed_window_runs_one_row_per_call()
    {
        // What ML.NET's ApplyOnnxModel needs: every dimension fixed, here [1, 6, 3].
        var pinned = Foreign.PinDimensions(LstmFull, "input", (0, 1), (1, Steps));
        var rows = ApplyRecurrentOnnxModelTests.Windows(9);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = pinned, BatchSize = 4,
        }).Fit(data);
        using var dynamic = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull }).Fit(data);
        Outputs.Near(Outputs.Read(dynamic.Transform(data), "Output"), Outputs.Read(transformer.Transform(data), "Output"), Tolerance);
    }

    [Fact]
    public void A_fixed_window_with_sequence_lengths_pads_short_rows()
    {
        var pinned = Foreign.PinDimensions(LstmRagged, "input", (1, Steps));
        int[] lengths = [6, 2, 5];
        var rows = lengths.Select((l, i) => new RaggedRow { Sequence = Seeded.Floats(800 + i, l * Features), Length = l }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(rows);
        RecurrentOnnxOptions Options(byte[] model) => new()
        {
            OutputColumnName = "Output", InputColumnName = nameof(RaggedRow.Sequence), LengthColumnName = nameof(RaggedRow.Length), ModelBytes = model,
        };
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(Options(pinned)).Fit(data);
        using var dynamic = _ml.Transforms.ApplyRecurrentOnnxModel(Options(LstmRagged)).Fit(data);
        Outputs.Near(Outputs.Read(dynamic.Transform(data), "Output"), Outputs.Read(transformer.Transform(data), "Output"), Tolerance);

        var tooLong = _ml.Data.LoadFromEnumerable(new[] { new RaggedRow { Sequence = new float[7 * Features], Length = 7 } });
        var e = Assert.Throws<DataException>(() => Outputs.Read(transformer.Transform(tooLong), "Output"));
        Assert.Equal("Row 0, column 'Sequence': 7 steps, more than the 6 allowed (the model's fixed time dimension).", e.Message);
    }
}

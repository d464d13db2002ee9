using Microsoft.ML;
using Microsoft.ML.Data;
using static RnnOnnx.Tests.TestModels;

namespace RnnOnnx.ML.Tests;

/// <summary>In steady state the transformer allocates per batch, not per row.</summary>
public class AllocationTests
{
    private readonly MLContext _ml = new(seed: 1);

    /// <summary>Bytes this thread allocates reading the output of every row of <paramref name="data"/>.</summary>
    private static long AllocatedReading(IDataView data)
    {
        var column = data.Schema["Output"];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        cursor.MoveNext();
        getter(ref value);
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (cursor.MoveNext()) getter(ref value);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Batched_transform_allocates_no_memory_per_row_once_warm()
    {
        var rows = ApplyRecurrentOnnxModelTests.Windows(64);
        var many = Enumerable.Range(0, 80).SelectMany(_ => rows).ToArray(); // 5,120 rows
        var data = _ml.Data.LoadFromEnumerable(many);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull, BatchSize = 256,
        }).Fit(data);
        var scored = transformer.Transform(data);
        AllocatedReading(scored);
        long bytes = AllocatedReading(scored);
        // 20 batches of 256 rows: what little is allocated is per batch (the last, shorter batch's tensors), not per row.
        double perRow = bytes / (double)many.Length;
        Assert.True(perRow < 8, $"{perRow:F1} bytes per row ({bytes} bytes for {many.Length} rows)");
    }

    [Fact]
    public void A_new_pass_starts_with_the_last_cursors_buffers_and_bindings()
    {
        var rows = ApplyRecurrentOnnxModelTests.Windows(64);
        var data = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 8).SelectMany(_ => rows).ToArray()); // 512 rows
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull, BatchSize = 256,
        }).Fit(data);
        var scored = transformer.Transform(data);
        Outputs.Read(scored, "Output");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var column = scored.Schema["Output"];
        using (var cursor = scored.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = new(Width, new float[Width]);
            while (cursor.MoveNext()) getter(ref value);
        }
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        // The cursors themselves, not 256-row tensors, batch arrays and I/O bindings built again (about 90 kB here).
        Assert.True(bytes < 8_000, $"{bytes} bytes for a second pass");
    }

    /// <summary>A disposed cursor's buffers go to the next cursor: a stale call must fail, not read or clear that cursor's batch.</summary>
    [Fact]
    public void A_disposed_cursor_cannot_touch_the_buffers_it_handed_on()
    {
        var rows = ApplyRecurrentOnnxModelTests.Windows(8);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull, BatchSize = 256,
        }).Fit(data);
        var scored = transformer.Transform(data);
        var expected = Outputs.Read(scored, "Output");
        var column = scored.Schema["Output"];
        var first = scored.GetRowCursor([column]);
        var staleGetter = first.GetGetter<VBuffer<float>>(column);
        Assert.True(first.MoveNext());
        first.Dispose();

        using var second = scored.GetRowCursor([column]);
        var getter = second.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        Assert.True(second.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => staleGetter(ref value));
        Assert.Throws<ObjectDisposedException>(() => first.MoveNext());
        int row = 0;
        do
        {
            getter(ref value);
            Assert.Equal(expected[row++], value.DenseValues().ToArray());
        }
        while (second.MoveNext());
        Assert.Equal(rows.Length, row);
    }

    [Fact]
    public void A_streaming_prediction_engine_allocates_nothing_per_observation()
    {
        var (rows, _, _) = StreamStateTests.Streams(singleSteps: true);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(StreamRow.Values), KeyColumnName = nameof(StreamRow.Sensor), ModelBytes = LstmStep,
        }).Fit(data);
        using var engine = _ml.Model.CreatePredictionEngine<StreamRow, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        var output = new Scored();
        foreach (var row in rows) engine.Predict(row, ref output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Calls = 2000;
        for (int i = 0; i < Calls; i++) engine.Predict(rows[i % rows.Length], ref output);
        double perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
        // Reused output object, pinned tensors, OrtValues and an I/O binding that is not touched while shapes stay the same.
        Assert.True(perCall < 32, $"{perCall:F0} bytes per call");
    }
}

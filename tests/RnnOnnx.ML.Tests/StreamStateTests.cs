using Microsoft.ML;
using static RnnOnnx.Tests.TestModels;

namespace RnnOnnx.ML.Tests;

/// <summary>
/// State carried per key: feeding a stream chunk by chunk, interleaved with other streams, gives what the trainer
/// gives for the stream's whole sequence at once.
/// </summary>
public class StreamStateTests
{
    private const float Tolerance = 1e-5f;
    private readonly MLContext _ml = new(seed: 1);

    /// <summary>Three sensors, each a 12-step series, cut into chunks of 1–3 steps and interleaved.</summary>
    internal static (StreamRow[] Rows, Dictionary<string, float[]> Series, int[] EndStep) Streams(bool singleSteps)
    {
        string[] sensors = ["north", "south", "east"];
        var series = sensors.Select((s, i) => (s, Seeded.Floats(500 + i, 12 * Features))).ToDictionary(p => p.s, p => p.Item2);
        var cursor = sensors.ToDictionary(s => s, _ => 0);
        var random = new Random(9);
        var rows = new List<StreamRow>();
        var ends = new List<int>();
        while (cursor.Values.Any(c => c < 12))
        {
            var open = sensors.Where(s => cursor[s] < 12).ToArray();
            string sensor = open[random.Next(open.Length)];
            int steps = singleSteps ? 1 : Math.Min(12 - cursor[sensor], random.Next(1, 4));
            rows.Add(new StreamRow
            {
                Sensor = sensor,
                Values = series[sensor].AsSpan(cursor[sensor] * Features, steps * Features).ToArray(),
                Length = steps,
            });
            cursor[sensor] += steps;
            ends.Add(cursor[sensor] - 1);
        }
        return ([.. rows], series, [.. ends]);
    }

    /// <summary>The trainer's output for each row: the whole series of its sensor, read at the row's last step.</summary>
    internal static float[][] Expected(StreamRow[] rows, Dictionary<string, float[]> series, int[] ends)
    {
        var byStream = series.ToDictionary(p => p.Key, p => Lstm.Predict(new Tensor(p.Value, 1, 12, Features)));
        return rows.Select((r, i) => byStream[r.Sensor].Data.AsSpan(ends[i] * Width, Width).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(true, 256)]
    [InlineData(true, 1)]
    [InlineData(false, 4)]
    [InlineData(false, 256)]
    public void Interleaved_streams_carry_state_per_key(bool singleSteps, int batchSize)
    {
        var (rows, series, ends) = Streams(singleSteps);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(StreamRow.Values), LengthColumnName = nameof(StreamRow.Length),
            KeyColumnName = nameof(StreamRow.Sensor), ModelBytes = LstmStepRagged, BatchSize = batchSize,
        }).Fit(data);
        var scored = transformer.Transform(data);
        var expected = Expected(rows, series, ends);
        Outputs.Near(expected, Outputs.Read(scored, "Output"), Tolerance);
        // State lives in the cursor: a second pass starts from zero again and gives the same.
        Outputs.Near(expected, Outputs.Read(scored, "Output"), Tolerance);
    }

    [Fact]
    public void A_step_model_without_sequence_lengths_carries_state_through_chunks_of_different_lengths()
    {
        var (rows, series, ends) = Streams(singleSteps: false);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel("Output", nameof(StreamRow.Values), TestModels.TempFile(LstmStep),
            lengthColumnName: nameof(StreamRow.Length), keyColumnName: nameof(StreamRow.Sensor), batchSize: 8).Fit(data);
        Outputs.Near(Expected(rows, series, ends), Outputs.Read(transformer.Transform(data), "Output"), Tolerance);
    }

    [Fact]
    public void A_prediction_engine_continues_each_stream_from_one_call_to_the_next()
    {
        var (rows, series, ends) = Streams(singleSteps: true);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(StreamRow.Values), KeyColumnName = nameof(StreamRow.Sensor), ModelBytes = LstmStep,
        }).Fit(data);
        var expected = Expected(rows, series, ends);
        using var engine = _ml.Model.CreatePredictionEngine<StreamRow, Scored>(transformer);
        for (int i = 0; i < rows.Length; i++) Outputs.Near(expected[i], engine.Predict(rows[i]).Output, Tolerance, $"call {i}");

        // A second engine has streams of its own, starting from zero.
        using var other = _ml.Model.CreatePredictionEngine<StreamRow, Scored>(transformer);
        Outputs.Near(expected[0], other.Predict(rows[0]).Output, Tolerance, "first call of a new engine");
    }

    [Fact]
    public void Integer_keys_name_streams_too()
    {
        var (rows, series, ends) = Streams(singleSteps: true);
        string[] sensors = [.. series.Keys];
        var numbered = rows.Select(r => new NumberedStreamRow { Sensor = Array.IndexOf(sensors, r.Sensor) * 1000, Values = r.Values }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(numbered);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(NumberedStreamRow.Values), KeyColumnName = nameof(NumberedStreamRow.Sensor), ModelBytes = LstmStep,
        }).Fit(data);
        Outputs.Near(Expected(rows, series, ends), Outputs.Read(transformer.Transform(data), "Output"), Tolerance);
    }
}

/// <summary>A stream row keyed by a number.</summary>
public sealed class NumberedStreamRow
{
    public int Sensor { get; set; }

    public float[] Values { get; set; } = [];
}

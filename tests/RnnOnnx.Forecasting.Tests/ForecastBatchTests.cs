using RnnOnnx.Forecasting;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests;

public class ForecastBatchTests
{
    [Fact]
    public void A_batch_gives_each_series_what_it_gets_alone_in_input_order()
    {
        using var model = RnnForecastTrainer.Train(One(Seasonal(120)), Fast());
        // Long and short histories (shorter than the window: their own call), a gap, an unseen key, another level.
        double[][] histories =
        [
            Seasonal(120), Seasonal(10, seed: 2), Seasonal(90, seed: 3).Select(v => v * 3).ToArray(),
            Seasonal(10, seed: 4), Seasonal(100, seed: 5),
        ];
        histories[4][50] = double.NaN;
        string[] keys = ["", "", "other", "", ""];
        var inputs = histories.Select((h, i) => model.PrepareInput(h, keys[i])).ToList();
        var batch = model.ForecastBatch(inputs);
        Assert.Equal(histories.Length, batch.Count);
        for (int i = 0; i < histories.Length; i++)
        {
            var alone = model.Forecast(histories[i], keys[i]);
            for (int h = 0; h < model.Horizon; h++)
            {
                Assert.Equal(alone.Forecast[h], batch[i].Forecast[h], 1e-3f * Math.Abs(alone.Forecast[h]));
                Assert.Equal(alone.Lower[h], batch[i].Lower[h], 1e-3f * Math.Abs(alone.Lower[h]));
                Assert.Equal(alone.Upper[h], batch[i].Upper[h], 1e-3f * Math.Abs(alone.Upper[h]));
            }
        }
        // Different series really get different forecasts (a batch that repeated row 0 would fail here).
        Assert.NotEqual(batch[0].Forecast[0], batch[2].Forecast[0]);
    }

    [Fact]
    public void Bad_histories_are_rejected_when_prepared_and_inputs_of_another_model_are_refused()
    {
        using var model = RnnForecastTrainer.Train(One(Seasonal(100)), Fast());
        using var other = RnnForecastTrainer.Train(One(Seasonal(100)), Fast(seed: 9));
        var tooShort = Assert.Throws<DataException>(() => model.PrepareInput([1.0]));
        Assert.Contains("1 point", tooShort.Message, StringComparison.Ordinal);
        Assert.Throws<DataException>(() => model.PrepareInput([double.NaN, double.NaN, double.NaN]));
        var foreign = other.PrepareInput(Seasonal(100));
        var e = Assert.Throws<ArgumentException>(() => model.ForecastBatch([foreign]));
        Assert.Contains("PrepareInput", e.Message, StringComparison.Ordinal);
        Assert.Empty(model.ForecastBatch([]));
    }
}

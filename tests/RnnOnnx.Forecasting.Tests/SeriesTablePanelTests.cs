using RnnOnnx.Forecasting.Data;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>Long-format panels and timestamps as users have them (issue #16): real cuts of vega-datasets, and the refusals.</summary>
public sealed class SeriesTablePanelTests
{
    private static string VegaFile(string name) => Repository.File("tests", "data", "vega", name);

    [Fact]
    public void A_real_long_format_panel_splits_into_dated_monthly_series()
    {
        var table = SeriesTable.Read(VegaFile("unemployment-across-industries.csv"), new() { IdColumn = "series", ValueColumn = "count" });
        Assert.Equal(["Construction", "Finance", "Leisure and hospitality"], table.Series.Select(s => s.Id));
        Assert.All(table.Series, s => Assert.Equal(36, s.Values.Count));
        Assert.Equal("date", table.TimeColumn);
        Assert.Equal(SeriesFrequency.Monthly, table.Frequency);
        Assert.Equal(new DateTime(2009, 12, 1), table.Series[2].Times![^1]);
        // Construction, January 2007, as in the JSON it was cut from.
        Assert.Equal(922, table.Series[0].Values[0]);
        Assert.Contains(table.Notes, n => n.Contains("values from column 'count', times from 'date', series ids from 'series'", StringComparison.Ordinal));
        Assert.Contains("series 'Finance': 36 values, monthly", table.Notes);
    }

    [Fact]
    public void A_real_hourly_file_is_hourly_with_a_daily_season()
    {
        var table = SeriesTable.Read(VegaFile("seattle-weather-hourly-normals.csv"));
        Assert.Equal("hourly", table.Frequency!.Name);
        Assert.Equal([24], table.Frequency.DefaultSeasons);
        Assert.Equal(168, table.Series.Single().Values.Count);
        Assert.Equal("2010-01-08T00:00:00", table.Frequency.Format(table.Series[0].Times![^1]));
    }

    [Fact]
    public void Rows_in_any_order_with_quoted_ids_are_grouped_and_sorted()
    {
        var table = SeriesTable.Parse("id,day,v\r\n\"b, east\",2020-01-03,30\r\na,2020-01-02,2\r\n\"b, east\",2020-01-01,10\r\na,2020-01-01,1\r\n\"b, east\",2020-01-02,20\r\na,2020-01-03,3\r\n",
            "'p.csv'", new() { IdColumn = "id" });
        Assert.Equal(["b, east", "a"], table.Series.Select(s => s.Id));
        Assert.Equal([10.0, 20, 30], table.Series[0].Values);
        Assert.Equal([1.0, 2, 3], table.Series[1].Values);
    }

    [Fact]
    public void Series_of_different_frequencies_in_one_table_are_refused_naming_both()
    {
        var e = Assert.Throws<DataException>(() => SeriesTable.Parse(
            "id,t,v\na,2020-01-01,1\na,2020-02-01,2\na,2020-03-01,3\nb,2020-01-01,1\nb,2020-01-02,2\nb,2020-01-03,3\n", "'p.csv'", new() { IdColumn = "id" }));
        Assert.Contains("series 'a' is monthly but series 'b' is daily", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Large_panels_describe_ten_series_and_sum_up_the_rest()
    {
        var rows = Enumerable.Range(0, 25).SelectMany(s => Enumerable.Range(0, 3 + s % 4).Select(t => $"s{s},{t},{s + t}"));
        var table = SeriesTable.Parse(string.Join("\n", rows.Prepend("id,t,v")), "'p.csv'", new() { IdColumn = "id", ValueColumn = "v" });
        Assert.Equal(25, table.Series.Count);
        Assert.Equal(1 + 10 + 1, table.Notes.Count);
        Assert.Equal("… and 15 more series, 3 to 6 values each (gaps included)", table.Notes[^1]);
    }

    [Fact]
    public void Frequencies_compare_by_step_and_format_as_the_data_does()
    {
        Assert.Equal(SeriesFrequency.Every(TimeSpan.FromHours(1)), SeriesFrequency.Every(TimeSpan.FromHours(1)));
        Assert.NotEqual(SeriesFrequency.Every(TimeSpan.FromHours(1)), SeriesFrequency.Every(TimeSpan.FromHours(2)));
        Assert.NotEqual(SeriesFrequency.Monthly, SeriesFrequency.Quarterly);
        Assert.Equal("2024-02-29", SeriesFrequency.Monthly.Format(new DateTime(2024, 2, 29)));
        Assert.Equal("2024-02-29", SeriesFrequency.Every(TimeSpan.FromDays(7)).Format(new DateTime(2024, 2, 29)));
        Assert.Equal("2024-02-29T00:00:00", SeriesFrequency.Every(TimeSpan.FromMinutes(30)).Format(new DateTime(2024, 2, 29)));
        Assert.Equal("2024-02-29T08:00:00", SeriesFrequency.Every(TimeSpan.FromDays(1)).Format(new DateTime(2024, 2, 29, 8, 0, 0)));
    }

    [Fact]
    public void Local_midnights_written_in_utc_across_daylight_saving_keep_their_frequency()
    {
        // vega-datasets' JSON writes US Pacific midnights in UTC: 08:00Z in winter, 07:00Z in summer.
        static string Utc(DateTime local) => local.AddHours(local.Month is >= 4 and <= 10 ? 7 : 8).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var monthly = SeriesTable.Parse("date,v\n" + string.Concat(Enumerable.Range(0, 24).Select(i => $"{Utc(new DateTime(2000, 1, 1).AddMonths(i))},{i + 1}\n")), "'m.csv'", new());
        Assert.Equal(SeriesFrequency.Monthly, monthly.Frequency);
        Assert.Equal(24, monthly.Series[0].Values.Count);
        Assert.DoesNotContain(monthly.Series[0].Values, double.IsNaN);
        // Daily: steps of 23 and 25 hours are days; a skipped day is still a gap.
        var days = Enumerable.Range(0, 60).Where(i => i != 40).Select(i => new DateTime(2000, 3, 1).AddDays(i)).ToList();
        var daily = SeriesTable.Parse("date,v\n" + string.Concat(days.Select((d, i) => $"{Utc(d)},{i + 1}\n")), "'d.csv'", new());
        Assert.Equal(SeriesFrequency.Every(TimeSpan.FromDays(1)), daily.Frequency);
        Assert.Equal(60, daily.Series[0].Values.Count);
        Assert.Single(daily.Series[0].Values, double.IsNaN);
        // More than an hour of drift is not daylight saving: still refused.
        var drifting = "date,v\n2000-01-01T08:00:00Z,1\n2000-02-01T08:00:00Z,2\n2000-03-01T11:00:00Z,3\n2000-04-01T08:00:00Z,4\n";
        Assert.Throws<DataException>(() => SeriesTable.Parse(drifting, "'x.csv'", new()));
    }

    [Theory]
    [InlineData("t,v\n2020-01-01,1\n2020-01-02,2\nyesterday,3\n", "line 4, column 't': 'yesterday' is not a date or time")]
    [InlineData("t,v\n2020-01-01 00:00,1\n2020-01-01 01:00,2\n2020-01-01 01:45,3\n", "no single frequency")]
    [InlineData("id,t,v\na,2020-01-01,1\na,2020-01-02,2\na,2020-01-03,3\nb,2020-01-01,4\n", "series 'b' has 1 row(s) (line 5)")]
    [InlineData("id,t,v\na,2020-01-01,1\na,2020-01-02,2\na,2020-01-02,3\n", "series 'a' has the time 2020-01-02T00:00:00 twice (lines 3 and 4)")]
    public void Bad_panels_and_times_are_refused_naming_line_and_series(string text, string expected)
    {
        var e = Assert.Throws<DataException>(() => SeriesTable.Parse(text, "'p.csv'", new() { TimeColumn = "t", IdColumn = text.StartsWith("id", StringComparison.Ordinal) ? "id" : null }));
        Assert.Contains("'p.csv'", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}

using RnnOnnx.Forecasting.Data;

namespace RnnOnnx.Forecasting.Tests;

public sealed class SeriesTableTests
{
    private static SeriesTable Parse(string text, SeriesTableOptions? options = null) => SeriesTable.Parse(text, "'t.csv'", options);

    [Fact]
    public void A_quoted_field_holding_the_separator_does_not_shift_columns()
    {
        var table = Parse("month,passengers\r\n\"Jan, 1949\",112\r\n\"Feb, 1949\",118\r\n\"Mar, 1949\",132\r\n", new() { ValueColumn = "passengers" });
        Assert.Equal([112.0, 118, 132], table.Series.Single().Values);
        Assert.Equal("passengers", table.ValueColumn);
        Assert.Equal("month", table.TimeColumn);
        Assert.Equal(SeriesFrequency.Monthly, table.Series[0].Frequency);
        Assert.Equal(new DateTime(1949, 2, 1), table.Series[0].Times![1]);
    }

    [Fact]
    public void Byte_order_mark_semicolons_and_crlf_are_read()
    {
        var table = Parse("\uFEFFdate;value\r\n2020-01-01;1,5\r\n2020-01-02;2\r\n2020-01-03;3\r\n".Replace("1,5", "1.5"));
        Assert.Equal(';', table.Separator);
        Assert.Equal("date", table.TimeColumn);
        Assert.Equal("daily", table.Series[0].Frequency!.Name);
        Assert.Equal([7], table.Series[0].Frequency!.DefaultSeasons);
    }

    [Fact]
    public void Without_a_time_column_the_last_numeric_column_is_read_in_row_order()
    {
        var table = Parse("t,a,b\n0,1,10\n1,2,20\n2,3,\n3,4,40\n");
        Assert.Equal("b", table.ValueColumn);
        Assert.Null(table.TimeColumn);
        Assert.Equal(4, table.Series[0].Values.Count);
        Assert.True(double.IsNaN(table.Series[0].Values[2]));
        Assert.Contains(table.Notes, n => n.Contains("1 empty cell", StringComparison.Ordinal));
    }

    [Fact]
    public void Long_format_panels_split_by_id_and_sort_by_time()
    {
        var table = Parse("""
            store,week,sales
            b,2024-01-08,5
            a,2024-01-01,1
            a,2024-01-15,3
            b,2024-01-01,4
            a,2024-01-08,2
            b,2024-01-15,6
            """, new() { IdColumn = "store" });
        Assert.Equal(["b", "a"], table.Series.Select(s => s.Id));
        Assert.Equal([4.0, 5, 6], table.Series[0].Values);
        Assert.Equal([1.0, 2, 3], table.Series[1].Values);
        Assert.Equal("weekly", table.Series[1].Frequency!.Name);
    }

    [Fact]
    public void Gaps_in_the_times_become_missing_values_and_are_reported()
    {
        var table = Parse("time,v\n2024-01-01 00:00,1\n2024-01-01 01:00,2\n2024-01-01 04:00,5\n2024-01-01 05:00,6\n");
        var series = table.Series.Single();
        Assert.Equal("hourly", series.Frequency!.Name);
        Assert.Equal(6, series.Values.Count);
        Assert.True(double.IsNaN(series.Values[2]) && double.IsNaN(series.Values[3]));
        Assert.Equal(new DateTime(2024, 1, 1, 3, 0, 0), series.Times![3]);
        Assert.Contains(table.Notes, n => n.Contains("2 missing time(s)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1949-01-31", "1949-02-28", "1949-03-31", "monthly")]
    [InlineData("1949 Q1", "1949 Q2", "1949 Q3", "quarterly")]
    [InlineData("2020-01-01", "2021-01-01", "2022-01-01", "yearly")]
    [InlineData("2020-01-01 00:00", "2020-01-01 00:30", "2020-01-01 01:00", "half-hourly")]
    public void Frequencies_are_inferred_from_the_times(string t0, string t1, string t2, string frequency)
    {
        var table = Parse($"t,v\n{t0},1\n{t1},2\n{t2},3\n");
        Assert.Equal(frequency, table.Series[0].Frequency!.Name);
    }

    [Fact]
    public void Half_hourly_series_default_to_daily_and_weekly_seasons() =>
        Assert.Equal([48, 336], SeriesFrequency.Every(TimeSpan.FromMinutes(30)).DefaultSeasons);

    [Fact]
    public void Month_ends_advance_to_month_ends() =>
        Assert.Equal(new DateTime(1949, 4, 30), SeriesFrequency.Monthly.Advance(new DateTime(1949, 1, 31), 3));

    [Fact]
    public void Extreme_finite_values_are_numbers_not_NaN()
    {
        var table = Parse("v\n1.7e308\n-1.7e308\n1e-300\n");
        Assert.Equal([1.7e308, -1.7e308, 1e-300], table.Series[0].Values);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("t,v\n", "no rows")]
    [InlineData("t,v\n0,1\n1,abc\n2,3\n", "line 3, column 'v': 'abc' is not a number")]
    [InlineData("t,v\n0,1\n1,1e999\n2,3\n", "outside the range")]
    [InlineData("name,label\na,x\nb,y\nc,z\n", "no numeric column")]
    [InlineData("date,v\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", "twice")]
    [InlineData("date,v\n2020-01-01 00:00,1\n2020-01-01 01:00,2\n2020-01-01 01:45,3\n", "no single frequency")]
    [InlineData("id,v\na,1\na,2\na,3\nb,4\n", "series 'b' has 1 row")]
    [InlineData("a,b\n1,2\n3\n", "not a well-formed CSV")]
    public void Bad_tables_are_refused_naming_the_problem(string text, string expected)
    {
        var options = text.StartsWith("id,", StringComparison.Ordinal) ? new SeriesTableOptions { IdColumn = "id" } : null;
        var e = Assert.Throws<DataException>(() => Parse(text, options));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unparseable_times_in_a_named_time_column_name_the_line()
    {
        var e = Assert.Throws<DataException>(() => Parse("when,v\n2020-01-01,1\nsoon,2\n2020-01-03,3\n", new() { TimeColumn = "when" }));
        Assert.Contains("line 3, column 'when': 'soon' is not a date or time", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_named_columns_list_the_columns()
    {
        var e = Assert.Throws<DataException>(() => Parse("t,v\n0,1\n1,2\n2,3\n", new() { ValueColumn = "passengers" }));
        Assert.Contains("no value column 'passengers' (columns: 't', 'v')", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_separator_that_leaves_one_column_is_named()
    {
        var e = Assert.Throws<DataException>(() => Parse("t,v\n0,1\n1,2\n2,3\n", new() { Separator = ';' }));
        Assert.Contains("separator ';' leaves the header as one column", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_bad_cell_is_quoted_as_a_short_excerpt()
    {
        string cell = new('x', 2_000_000);
        var e = Assert.Throws<DataException>(() => Parse($"t,v\n0,1\n1,{cell}\n2,3\n"));
        Assert.True(e.Message.Length < 300, $"message of {e.Message.Length} characters");
        Assert.Contains("2,000,000 characters", e.Message, StringComparison.Ordinal);
    }
}

using System.CommandLine;
using System.Globalization;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>
/// The options `forecast` and `forecast cv` share — how the table is read (value, time and id columns, separator),
/// seasons, interval levels and training effort — and what they turn into: a <see cref="SeriesTable"/> and
/// <see cref="RnnForecastOptions"/>. One definition, so both commands read a file the same way.
/// </summary>
internal sealed class ForecastInput
{
    public Option<string> Input { get; } = new("--input") { Description = "CSV with a header (RFC 4180: quoted fields, BOM, CRLF); empty cells, NA or NaN are missing values", Required = true };
    public Option<string?> Column { get; } = new("--column") { Description = "Value column (default: the last numeric column)" };
    public Option<string?> TimeColumn { get; } = new("--time-column") { Description = "Time column (default: the first column whose cells are all dates or times); sets the frequency, the default season and the output's timestamps" };
    public Option<string?> IdColumn { get; } = new("--id-column") { Description = "Series id column of a long-format table (id, time, value rows): one global model over all series, each scaled on its own, each forecast" };
    public Option<string?> Separator { get; } = new("--separator") { Description = "Field separator: one character, or tab (default: detected from the header: , ; tab |)" };
    public Option<string?> Season { get; } = new("--season") { Description = "Season length(s), e.g. 12 or 48,336 (1 = none; default: from the time column's frequency — monthly 12, quarterly 4, weekly 52, daily 7, hourly 24, half-hourly 48,336 — else detected)" };
    public Option<string?> Level { get; } = new("--level") { Description = "Prediction interval level(s) in percent, in (0, 100), e.g. 95 or 80,95 (default 95)" };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed: the same seed and data give the same forecast", DefaultValueFactory = _ => 0 };
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Most epochs per network", DefaultValueFactory = _ => 150 };
    public Option<int> Ensemble { get; } = new("--ensemble") { Description = "Networks averaged (seeds)", DefaultValueFactory = _ => 3 };

    public Option<RnnOnnx.Forecasting.ForecastMethodChoice> Method { get; } = new("--method") { Description = "auto: the network, blended with exponential smoothing where smoothing was clearly better on the held-out last horizon (smoothing alone for series too short for the network); network: the network alone for every series long enough for it", DefaultValueFactory = _ => RnnOnnx.Forecasting.ForecastMethodChoice.Auto };

    public IEnumerable<Option> All => [Input, Column, TimeColumn, IdColumn, Separator, Season, Level, Seed, Epochs, Ensemble, Method];

    /// <summary>The table as the options say to read it.</summary>
    /// <exception cref="DataException">The file cannot be read as a table of series (the message names file, column, line).</exception>
    public SeriesTable ReadTable(ParseResult parse) => SeriesTable.Read(parse.GetValue(Input)!, new SeriesTableOptions
    {
        ValueColumn = parse.GetValue(Column), TimeColumn = parse.GetValue(TimeColumn), IdColumn = parse.GetValue(IdColumn), Separator = SeparatorChar(parse.GetValue(Separator)),
    });

    /// <summary>
    /// The separator as a character. The option is text because System.CommandLine cannot bind ";" or a tab to a
    /// char, and a shell user types "tab" or "\t" more easily than a literal tab.
    /// </summary>
    private static char? SeparatorChar(string? text) => text switch
    {
        null => null,
        "\\t" or "tab" or "TAB" => '\t',
        { Length: 1 } => text[0],
        _ => throw new ArgumentException($"--separator must be one character (or tab), got '{Excerpt(text)}'."),
    };

    /// <summary>The interval levels as fractions in (0, 1), in the order given (default 0.95).</summary>
    /// <exception cref="ArgumentException">A level is not a number in (0, 100), or repeats.</exception>
    public IReadOnlyList<double> Levels(ParseResult parse)
    {
        var levels = List(parse.GetValue(Level), "--level", cell =>
            double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v < 100 ? v / 100 : (double?)null,
            "a percentage between 0 and 100 exclusive, e.g. 80 or 97.5");
        return levels.Count == 0 ? [0.95] : levels;
    }

    /// <summary>The seasons the user named, or those of the table's frequency, or none (empty: the trainer detects one).</summary>
    /// <exception cref="ArgumentException">A season is not a whole number ≥ 1, or repeats.</exception>
    public IReadOnlyList<int> Seasons(ParseResult parse, SeriesTable table, out string? note)
    {
        var given = List(parse.GetValue(Season), "--season", cell =>
            int.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v : (int?)null, "a whole number ≥ 1 (1 = no season)");
        note = null;
        if (given.Count > 1 && given.Contains(1)) throw new ArgumentException($"--season: 1 means no season and cannot be listed with others ({parse.GetValue(Season)}).");
        if (given.Count > 0) return given;
        if (table.Frequency is { DefaultSeasons.Count: > 0 } frequency)
        {
            note = $"season {string.Join(",", frequency.DefaultSeasons)} from the {frequency} timestamps (--season overrides)";
            return frequency.DefaultSeasons;
        }
        return [];
    }

    /// <summary>Training options from the command line: horizon, seasons, levels, seed and effort.</summary>
    public RnnForecastOptions Training(ParseResult parse, int horizon, IReadOnlyList<int> seasons, IReadOnlyList<double> levels) => new()
    {
        Horizon = horizon, Seed = parse.GetValue(Seed), Epochs = parse.GetValue(Epochs), EnsembleSize = parse.GetValue(Ensemble), Method = parse.GetValue(Method),
        // The first level is the saved model's own level (what a plain Forecast of it gives); all of them are asked for at forecast time.
        Seasons = seasons, ConfidenceLevel = (float)levels[0],
    };

    /// <summary>A comma-separated list of distinct values; empty when the option is absent.</summary>
    private static List<T> List<T>(string? text, string option, Func<string, T?> parse, string expected) where T : struct
    {
        if (text is null) return [];
        var values = new List<T>();
        foreach (var cell in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var value = parse(cell) ?? throw new ArgumentException($"{option}: '{Excerpt(cell)}' is not {expected}.");
            if (values.Contains(value)) throw new ArgumentException($"{option}: {cell} is listed twice.");
            values.Add(value);
        }
        return values;
    }

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

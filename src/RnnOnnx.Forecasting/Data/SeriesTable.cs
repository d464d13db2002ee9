using System.Globalization;
using nietras.SeparatedValues;

namespace RnnOnnx.Forecasting.Data;

/// <summary>Which columns of a table hold what; null columns are found as described on <see cref="SeriesTable"/>.</summary>
public sealed record SeriesTableOptions
{
    /// <summary>The value column; null: the last numeric column that is neither the time nor the id column.</summary>
    public string? ValueColumn { get; init; }

    /// <summary>The time column; null: the first column whose every cell is a date or time (none: the rows are steps).</summary>
    public string? TimeColumn { get; init; }

    /// <summary>The series id column of a long-format panel (one row per id and time); null: one series.</summary>
    public string? IdColumn { get; init; }

    /// <summary>The separator; null: detected from the header (comma, semicolon, tab, pipe).</summary>
    public char? Separator { get; init; }
}

/// <summary>One series of a table: its id, values in time order (NaN where missing) and times when the table has them.</summary>
/// <param name="Id">The id column's value ("" for a table of one series).</param>
/// <param name="Values">Observations in time order; NaN for empty cells and for gaps in the times.</param>
/// <param name="Times">The time of each value (gaps included), or null when the table has no time column.</param>
/// <param name="Frequency">The frequency the times show, or null without times.</param>
public sealed record TableSeries(string Id, IReadOnlyList<double> Values, IReadOnlyList<DateTime>? Times, SeriesFrequency? Frequency);

/// <summary>
/// Series read from a CSV file as users have them (RFC 4180 through the Sep parser: quoted fields with separators or
/// line breaks, a byte-order mark, CRLF): one series in a column, or a long-format panel (id, time, value). A time
/// column is parsed as dates/times and gives each series its frequency; rows may come in any order, gaps in the times
/// become missing values, and duplicate times are refused. What was read and what was done is in <see cref="Notes"/>,
/// one line each, for the caller to show.
/// </summary>
public sealed class SeriesTable
{
    /// <summary>Longest excerpt of a bad cell quoted in an error: a 2 MB line must not become a 2 MB message.</summary>
    private const int ExcerptLength = 40;

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ssK",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM", "yyyy/MM/dd", "yyyy/MM", "yyyy/MM/dd HH:mm", "yyyy/MM/dd HH:mm:ss", "MMM yyyy", "MMM, yyyy",
        "MMMM yyyy", "yyyy MMM", "yyyyMMdd", "dd.MM.yyyy", "MM/dd/yyyy", "MM/dd/yyyy HH:mm", "M/d/yyyy", "M/d/yyyy H:mm",
    ];

    /// <summary>Series described one line each in <see cref="Notes"/>; the rest of a large panel is summed up in one line.</summary>
    private const int DescribedSeries = 10;

    private SeriesTable(string source, IReadOnlyList<TableSeries> series, string valueColumn, string? timeColumn, string? idColumn, char separator, IReadOnlyList<string> notes)
    {
        (Source, Series, ValueColumn, TimeColumn, IdColumn, Separator, Notes) = (source, series, valueColumn, timeColumn, idColumn, separator, notes);
    }

    /// <summary>The frequency every series shows (a table holds one), or null without a time column.</summary>
    public SeriesFrequency? Frequency => Series[0].Frequency;

    /// <summary>The file (or what the caller named the text).</summary>
    public string Source { get; }

    /// <summary>The series, in order of first appearance.</summary>
    public IReadOnlyList<TableSeries> Series { get; }

    /// <summary>The column the values were read from.</summary>
    public string ValueColumn { get; }

    /// <summary>The time column, or null.</summary>
    public string? TimeColumn { get; }

    /// <summary>The id column, or null.</summary>
    public string? IdColumn { get; }

    /// <summary>The separator used.</summary>
    public char Separator { get; }

    /// <summary>What was read: columns used, values per series, frequency, missing values, gaps.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Reads a CSV file with a header line.</summary>
    /// <exception cref="DataException">The file is empty, a column is missing, a cell is not a number or a time, times repeat or mix frequencies.</exception>
    public static SeriesTable Read(string path, SeriesTableOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new DataException($"'{path}' is a folder, not a CSV file.");
        string text;
        try { text = Serialization.InputFile.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"'{path}' cannot be read: {e.Message}");
        }
        return Parse(text, $"'{path}'", options);
    }

    /// <summary>Reads CSV text with a header line; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="DataException">As for <see cref="Read(string, SeriesTableOptions?)"/>.</exception>
    public static SeriesTable Parse(string text, string source, SeriesTableOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new SeriesTableOptions();
        text = text.TrimStart('\uFEFF');
        if (text.Trim().Length == 0) throw new DataException($"{source} is empty: expected a CSV file with a header line.");
        var (header, rows, separator) = ReadCells(text, source, options.Separator);
        if (rows.Count == 0) throw new DataException($"{source} has a header but no rows.");

        int Column(string? name, string what)
        {
            if (name is null) return -1;
            int index = Array.IndexOf(header, name);
            return index >= 0 ? index : throw new DataException($"{source} has no {what} column '{Excerpt(name)}' (columns: {Columns(header)}).");
        }
        int id = Column(options.IdColumn, "id");
        int time = Column(options.TimeColumn, "time");
        int value = Column(options.ValueColumn, "value");
        if (time < 0 && options.TimeColumn is null)
            time = Enumerable.Range(0, header.Length).FirstOrDefault(c => c != id && c != value && rows.All(r => TryParseTime(r.Cells[c], out _)), -1);
        if (value < 0)
        {
            // Numeric = most filled cells are numbers, so that a bad cell is reported rather than the column skipped.
            value = Enumerable.Range(0, header.Length).Reverse().FirstOrDefault(c => c != id && c != time && IsNumeric(rows, c), -1);
            if (value < 0) throw new DataException($"{source} has no numeric column: name the value column (columns: {Columns(header)}).");
        }
        if (value == time || value == id || (id >= 0 && id == time))
            throw new DataException($"{source}: the value, time and id columns must differ (value '{header[value]}', time '{(time >= 0 ? header[time] : "")}', id '{(id >= 0 ? header[id] : "")}').");

        var notes = new List<string>
        {
            // A one-column file has no separator to speak of (Sep still reports its default guess).
            $"read {source}: {rows.Count} rows, " + (header.Length == 1 ? "one column" : $"separator '{(separator == '\t' ? "\\t" : separator.ToString())}'") + $", values from column '{header[value]}'"
                + (time >= 0 ? $", times from '{header[time]}'" : ", no time column (rows are consecutive steps)")
                + (id >= 0 ? $", series ids from '{header[id]}'" : ""),
        };
        var groups = new List<(string Id, List<(DateTime Time, double Value, int Line)> Rows)>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string key = id >= 0 ? row.Cells[id] : "";
            if (!byId.TryGetValue(key, out int g)) { byId[key] = g = groups.Count; groups.Add((key, [])); }
            double v = ParseValue(row.Cells[value], source, row.Line, header[value]);
            DateTime t = default;
            if (time >= 0 && !TryParseTime(row.Cells[time], out t))
                throw new DataException($"{source} line {row.Line}, column '{header[time]}': '{Excerpt(row.Cells[time])}' is not a date or time (write e.g. 1949-01, 1949-01-31 or 2020-05-01 13:30).");
            groups[g].Rows.Add((t, v, row.Line));
        }

        var series = new List<TableSeries>();
        var described = new List<string>();
        foreach (var (key, group) in groups)
        {
            string name = id >= 0 ? $"series '{Excerpt(key)}'" : "the series";
            if (group.Count < 3)
                throw new DataException($"{source}: {name} has {group.Count} row(s) (line {group[0].Line}); a series needs at least 3 values to forecast.");
            if (time < 0)
            {
                series.Add(new TableSeries(key, group.Select(r => r.Value).ToList(), null, null));
                described.Add(Describe(name, group.Count, group.Count(r => double.IsNaN(r.Value)), null, 0));
                continue;
            }
            group.Sort((a, b) => a.Time.CompareTo(b.Time));
            for (int i = 1; i < group.Count; i++)
                if (group[i].Time == group[i - 1].Time)
                    throw new DataException($"{source}: {name} has the time {group[i].Time:s} twice (lines {group[i - 1].Line} and {group[i].Line}); keep one row per time.");
            var times = group.Select(r => r.Time).ToList();
            var frequency = SeriesFrequency.Infer(times, out var missing, out var problem)
                ?? throw new DataException($"{source}: {name} has no single frequency: {problem}.");
            // One model and one season for the table: series observed at different frequencies do not belong together.
            if (series.Count > 0 && series[0].Frequency != frequency)
                throw new DataException($"{source}: series '{Excerpt(series[0].Id)}' is {series[0].Frequency} but {name} is {frequency}; forecast one frequency per table (filter the rows).");
            long total = group.Count + missing.Sum(m => (long)m);
            if (total > 10_000_000) throw new DataException($"{source}: {name}'s times span {total:N0} {frequency} steps; at most 10,000,000 are read.");
            var values = new List<double>((int)total);
            var filledTimes = new List<DateTime>((int)total);
            for (int i = 0; i < group.Count; i++)
            {
                values.Add(group[i].Value);
                filledTimes.Add(group[i].Time);
                if (i < missing.Length)
                    for (int k = 1; k <= missing[i]; k++) { values.Add(double.NaN); filledTimes.Add(frequency.Advance(group[i].Time, k)); }
            }
            series.Add(new TableSeries(key, values, filledTimes, frequency));
            described.Add(Describe(name, group.Count, group.Count(r => double.IsNaN(r.Value)), frequency, missing.Sum(m => (long)m)));
        }
        notes.AddRange(described.Take(DescribedSeries));
        if (series.Count > DescribedSeries)
        {
            var lengths = series.Skip(DescribedSeries).Select(s => s.Values.Count).ToList();
            notes.Add($"… and {lengths.Count} more series, {lengths.Min()} to {lengths.Max()} values each (gaps included)");
        }
        return new SeriesTable(source, series, header[value], time >= 0 ? header[time] : null, id >= 0 ? header[id] : null, separator, notes);
    }

    private static string Describe(string name, int count, int empty, SeriesFrequency? frequency, long gaps) =>
        $"{name}: {count} values" + (frequency is null ? "" : $", {frequency}")
        + (empty > 0 ? $", {empty} empty cell(s)" : "") + (gaps > 0 ? $", {gaps} missing time(s) in gaps" : "")
        + (empty + gaps > 0 ? " (filled by interpolation)" : "");

    private sealed record Row(int Line, string[] Cells);

    private static (string[] Header, List<Row> Rows, char Separator) ReadCells(string text, string source, char? separator)
    {
        try
        {
            // No separator given: Sep detects it from the header line.
            var options = (separator is { } s ? Sep.New(s).Reader() : Sep.Reader()) with { Unescape = true };
            using var reader = options.FromText(text);
            var header = reader.Header.ColNames.Select(n => n.Trim()).ToArray();
            if (header.Length == 0 || (header.Length == 1 && header[0].Length == 0)) throw new DataException($"{source} has an empty header line.");
            char used = reader.Spec.Sep.Separator;
            if (header.Length == 1 && header[0].IndexOfAny([',', ';', '\t', '|']) >= 0)
                throw new DataException($"{source}: the separator '{(used == '\t' ? "\\t" : used.ToString())}' leaves the header as one column ('{Excerpt(header[0])}'); name the file's separator.");
            var rows = new List<Row>();
            foreach (var row in reader)
            {
                var cells = new string[row.ColCount];
                bool blank = true;
                for (int c = 0; c < cells.Length; c++) { cells[c] = row[c].ToString().Trim(); blank &= cells[c].Length == 0; }
                if (!blank) rows.Add(new Row(row.LineNumberFrom, cells));
            }
            return (header, rows, used);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{source} is not a well-formed CSV table: {Excerpt(e.Message.ReplaceLineEndings(" "), 200)}");
        }
    }

    private static bool IsNumeric(List<Row> rows, int c)
    {
        int filled = 0, numbers = 0;
        foreach (var row in rows)
        {
            string cell = row.Cells[c];
            if (cell.Length == 0 || IsMissing(cell)) continue;
            filled++;
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) numbers++;
        }
        return filled > 0 && 2 * numbers > filled;
    }

    private static bool IsMissing(string cell) =>
        cell.Length == 0 || cell.Equals("NA", StringComparison.OrdinalIgnoreCase) || cell.Equals("NaN", StringComparison.OrdinalIgnoreCase);

    private static double ParseValue(string cell, string source, long line, string column)
    {
        if (IsMissing(cell)) return double.NaN;
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw new DataException($"{source} line {line}, column '{column}': '{Excerpt(cell)}' is not a number (leave the cell empty or write NA for a missing value).");
        if (!double.IsFinite(v))
            throw new DataException($"{source} line {line}, column '{column}': '{Excerpt(cell)}' is {(double.IsNaN(v) ? "not a number" : "outside the range of a double (±1.8e308)")}.");
        return v;
    }

    private static bool TryParseTime(string cell, out DateTime time)
    {
        time = default;
        if (cell.Length is < 4 or > 40) return false;
        // A bare number is a step index or a value, not a date, unless it is a plausible year with no other reading.
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return false;
        const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        if (DateTime.TryParseExact(cell, DateFormats, CultureInfo.InvariantCulture, Styles, out time)) return true;
        if (QuarterFormat(cell, out time)) return true;
        return DateTime.TryParse(cell, CultureInfo.InvariantCulture, Styles, out time) && cell.Any(char.IsDigit) && cell.Any(c => !char.IsDigit(c));
    }

    /// <summary>"1949 Q1", "1949-Q1", "1949Q1": the first day of the quarter.</summary>
    private static bool QuarterFormat(string cell, out DateTime time)
    {
        time = default;
        string s = cell.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (s.Length != 6 || (s[4] != 'Q' && s[4] != 'q') || s[5] is < '1' or > '4') return false;
        if (!int.TryParse(s.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int year) || year < 1) return false;
        time = new DateTime(year, 3 * (s[5] - '1') + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return true;
    }

    private static string Columns(string[] header) => string.Join(", ", header.Take(20).Select(h => $"'{Excerpt(h)}'")) + (header.Length > 20 ? $", … ({header.Length} in all)" : "");

    /// <summary>At most <paramref name="length"/> characters of <paramref name="text"/>, marked when cut.</summary>
    internal static string Excerpt(string text, int length = ExcerptLength) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, length), $"… ({text.Length:N0} characters)");
}

using System.Globalization;
using nietras.SeparatedValues;

namespace RnnOnnx.Cli.Motor;

/// <summary>
/// Reads the motor commands' numeric CSV inputs (RFC 4180 via Sep): a fixed number of columns, an optional header
/// line (a first line in which no cell is a number), comma separator. Errors name the file, line and column.
/// </summary>
internal static class MotorCsv
{
    public static List<double[]> Read(string path, string name, IReadOnlyList<string> columns, bool unitInterval)
    {
        string text;
        try { text = Serialization.InputFile.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"'{name}' cannot be read: {e.Message}");
        }
        int n = columns.Count;
        var rows = new List<double[]>();
        try
        {
            using var reader = Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true }).FromText(text);
            bool first = true;
            foreach (var row in reader)
            {
                var cells = new string[row.ColCount];
                for (int c = 0; c < cells.Length; c++) cells[c] = row[c].ToString().Trim();
                if (cells.All(c => c.Length == 0)) continue;
                int line = row.LineNumberFrom;
                bool header = first && cells.All(c => !double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                first = false;
                if (cells.Length != n)
                    throw new DataException($"'{name}' line {line} has {cells.Length} column(s); expected {n} ({string.Join(", ", columns)}).");
                if (header) continue;
                var values = new double[n];
                for (int c = 0; c < n; c++)
                {
                    if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                        throw new DataException($"'{name}' line {line}, column {c + 1} ({columns[c]}): '{Excerpt(cells[c])}' is not a finite number.");
                    if (unitInterval && !(v >= 0 && v <= 1))
                        throw new DataException($"'{name}' line {line}, column {c + 1} ({columns[c]}): {cells[c]} is outside [0, 1].");
                    values[c] = v;
                }
                rows.Add(values);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"'{name}' is not a well-formed CSV table: {Excerpt(e.Message.ReplaceLineEndings(" "))}");
        }
        return rows;
    }

    private static string Excerpt(string s) => s.Length <= 60 ? s : s[..57] + "...";
}

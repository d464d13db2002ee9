using System.Globalization;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>
/// Reads one column of a CSV file with a header: the column named, or else the last column whose cells are all
/// numbers or empty. Empty cells and NaN are missing values (NaN); any other text is an error naming line and column.
/// </summary>
internal static class SeriesCsv
{
    public static double[] Read(string path, string? column, out string columnName)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0) throw new ArgumentException($"'{path}' is empty: expected a CSV file with a header line.");
        var header = Split(lines[0]);
        var rows = lines.Skip(1).Select(Split).ToList();
        int index;
        if (column is not null)
        {
            index = Array.FindIndex(header, h => h == column);
            if (index < 0) throw new ArgumentException($"'{path}' has no column '{column}' (columns: {string.Join(", ", header)}).");
        }
        else
        {
            // Numeric = most of its filled cells are numbers, so that one bad cell is reported rather than the column skipped.
            index = Enumerable.Range(0, header.Length).Reverse().FirstOrDefault(c => IsNumeric(rows, c), -1);
            if (index < 0) throw new ArgumentException($"'{path}' has no numeric column: name one with --column (columns: {string.Join(", ", header)}).");
        }
        columnName = header[index];
        var values = new double[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            string cell = index < rows[i].Length ? rows[i][index] : "";
            if (!TryParse(cell, out values[i]))
                throw new ArgumentException($"'{path}' line {i + 2}, column '{columnName}': '{cell}' is not a number (leave the cell empty or write NaN for a missing value).");
        }
        return values;
    }

    private static bool IsNumeric(List<string[]> rows, int c)
    {
        var filled = rows.Where(r => c < r.Length && r[c].Length > 0).Select(r => r[c]).ToList();
        return filled.Count > 0 && filled.Count(cell => TryParse(cell, out _)) >= 0.9 * filled.Count;
    }

    private static string[] Split(string line) => line.Split(',').Select(c => c.Trim().Trim('"')).ToArray();

    private static bool TryParse(string cell, out double value)
    {
        if (cell.Length == 0 || cell.Equals("NA", StringComparison.OrdinalIgnoreCase)) { value = double.NaN; return true; }
        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsInfinity(value);
    }
}

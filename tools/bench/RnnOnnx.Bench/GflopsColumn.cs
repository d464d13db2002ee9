using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnOnnx.Bench;

/// <summary>Marks a GEMM benchmark with its shape: one call does 2·m·n·k floating-point operations.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GemmShapeAttribute(int m, int n, int k) : Attribute
{
    public int M { get; } = m;
    public int N { get; } = n;
    public int K { get; } = k;
    public double Flops => 2.0 * M * N * K;
}

/// <summary>
/// GFLOP/s = 2·m·n·k / time per call (ns), from the mean, or from the fastest iteration (<see cref="Best"/>), which is
/// the steadier figure on a small machine where other work steals a core now and then.
/// </summary>
public sealed class GflopsColumn(bool best) : IColumn
{
    public static readonly GflopsColumn Mean = new(false);
    public static readonly GflopsColumn Best = new(true);

    public string Id => nameof(GflopsColumn) + (best ? ".Best" : ".Mean");
    public string ColumnName => best ? "GFLOP/s (best)" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => best ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => best
        ? "2·m·n·k / fastest iteration's time per call, in 10⁹ floating-point operations per second"
        : "2·m·n·k / mean time per call, in 10⁹ floating-point operations per second";

    public static double? FlopsOf(BenchmarkCase benchmarkCase)
    {
        var method = benchmarkCase.Descriptor.WorkloadMethod;
        if (method.GetCustomAttribute<GemmShapeAttribute>() is { } shape) return shape.Flops;
        // Square products take their shape from a "Size" parameter (m = n = k = Size).
        var size = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Size")?.Value;
        return size is int s ? 2.0 * s * s * s : null;
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        double? nanoseconds = best ? statistics?.Min : statistics?.Mean;
        if (nanoseconds is not > 0 || FlopsOf(benchmarkCase) is not { } flops) return "-";
        return (flops / nanoseconds.Value).ToString("F1", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public override string ToString() => ColumnName;
}

/// <summary>The job chosen on the command line (default otherwise), plus Min/Median and the GFLOP/s columns.</summary>
public sealed class GemmConfig : ManualConfig
{
    public GemmConfig()
    {
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, GflopsColumn.Mean, GflopsColumn.Best);
    }
}

namespace RnnOnnx.Forecasting.Data;

/// <summary>How often a dated series is observed: a number of calendar months, or a fixed duration.</summary>
public sealed record SeriesFrequency
{
    private SeriesFrequency(string name, int months, TimeSpan step, IReadOnlyList<int> seasons)
    {
        Name = name;
        Months = months;
        Step = step;
        DefaultSeasons = seasons;
    }

    /// <summary>A readable name: yearly, quarterly, monthly, weekly, daily, hourly, half-hourly, or the duration.</summary>
    public string Name { get; }

    /// <summary>Calendar months between observations (12, 3, 1), or 0 for a fixed duration.</summary>
    public int Months { get; }

    /// <summary>The fixed duration between observations (zero for calendar months).</summary>
    public TimeSpan Step { get; }

    /// <summary>
    /// The seasons this frequency usually has (monthly → 12, quarterly → 4, weekly → 52, daily → 7, hourly → 24,
    /// half-hourly → 48 and 336), used when the user names none; empty for yearly and unusual steps.
    /// </summary>
    public IReadOnlyList<int> DefaultSeasons { get; }

    /// <summary>Every 12 months.</summary>
    public static SeriesFrequency Yearly { get; } = new("yearly", 12, TimeSpan.Zero, []);

    /// <summary>Every 3 months.</summary>
    public static SeriesFrequency Quarterly { get; } = new("quarterly", 3, TimeSpan.Zero, [4]);

    /// <summary>Every month.</summary>
    public static SeriesFrequency Monthly { get; } = new("monthly", 1, TimeSpan.Zero, [12]);

    /// <summary>A fixed step; common steps get their usual name and seasons.</summary>
    public static SeriesFrequency Every(TimeSpan step)
    {
        if (step <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive.");
        return step switch
        {
            _ when step == TimeSpan.FromDays(7) => new("weekly", 0, step, [52]),
            _ when step == TimeSpan.FromDays(1) => new("daily", 0, step, [7]),
            _ when step == TimeSpan.FromHours(1) => new("hourly", 0, step, [24]),
            _ when step == TimeSpan.FromMinutes(30) => new("half-hourly", 0, step, [48, 336]),
            _ when step == TimeSpan.FromMinutes(15) => new("quarter-hourly", 0, step, [96, 672]),
            _ when step == TimeSpan.FromMinutes(1) => new("minutely", 0, step, [60, 1440]),
            _ => new($"every {step}", 0, step, []),
        };
    }

    /// <summary>The time <paramref name="steps"/> observations after <paramref name="time"/>.</summary>
    public DateTime Advance(DateTime time, int steps) =>
        Months > 0 ? AddMonths(time, Months * steps) : time + Step * steps;

    /// <summary>
    /// How many steps of this frequency lead from <paramref name="from"/> to <paramref name="to"/> (1 for the next
    /// observation, more across a gap), or null when <paramref name="to"/> is not on the grid after <paramref name="from"/>
    /// (earlier, equal, or between two steps). Daily and longer steps may land up to an hour off the grid, as local
    /// midnights written in UTC do across daylight saving time (what <see cref="Infer"/> accepts).
    /// </summary>
    public long? StepsBetween(DateTime from, DateTime to)
    {
        if (to <= from) return null;
        bool daylight = Months > 0 || Step >= TimeSpan.FromDays(1);
        var tolerance = daylight ? DaylightShift : TimeSpan.Zero;
        // Read the target at the start's clock time, within the tolerance, so a shift across midnight keeps its date.
        var aligned = to - DaylightOffset(from, to, tolerance);
        long steps = Months > 0
            ? ((aligned.Year - from.Year) * 12L + aligned.Month - from.Month) / Months
            : (long)Math.Round((aligned - from).Ticks / (double)Step.Ticks);
        return steps >= 1 && steps <= int.MaxValue && Advance(from, (int)steps) == aligned ? steps : null;
    }

    /// <summary>The most a clock time moves at a daylight saving change.</summary>
    private static readonly TimeSpan DaylightShift = TimeSpan.FromHours(1);

    /// <summary>The clock-time difference of <paramref name="to"/> to <paramref name="from"/> in (−12 h, 12 h] when it is within <paramref name="tolerance"/>, else zero.</summary>
    private static TimeSpan DaylightOffset(DateTime from, DateTime to, TimeSpan tolerance)
    {
        var offset = to.TimeOfDay - from.TimeOfDay;
        if (offset > TimeSpan.FromHours(12)) offset -= TimeSpan.FromDays(1);
        if (offset <= TimeSpan.FromHours(-12)) offset += TimeSpan.FromDays(1);
        return offset.Duration() <= tolerance ? offset : TimeSpan.Zero;
    }

    /// <summary>Month arithmetic that keeps month ends at month ends (31 Jan + 1 month = 28/29 Feb, + 2 = 31 Mar).</summary>
    private static DateTime AddMonths(DateTime time, int months)
    {
        bool monthEnd = time.Day == DateTime.DaysInMonth(time.Year, time.Month) && time.Day > 28;
        var moved = time.AddMonths(months);
        return monthEnd ? moved.AddDays(DateTime.DaysInMonth(moved.Year, moved.Month) - moved.Day) : moved;
    }

    /// <summary>
    /// The frequency of increasing times, and how many observations each gap leaves out: calendar months when every
    /// step is a whole number of months (the same day of the month, or month ends), else the smallest step, of which
    /// every other step must be a whole multiple. Daily and longer steps whose clock time moves by up to an hour (local
    /// midnights written in UTC across daylight saving time: 08:00Z in winter, 07:00Z in summer) are read at the first
    /// time's clock time.
    /// </summary>
    /// <param name="times">At least two increasing times.</param>
    /// <param name="missing">Per step i → i + 1, the observations missing between them.</param>
    /// <param name="problem">Why no frequency fits (steps that are not multiples of one step), else null.</param>
    public static SeriesFrequency? Infer(IReadOnlyList<DateTime> times, out int[] missing, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(times);
        missing = new int[Math.Max(0, times.Count - 1)];
        problem = null;
        if (times.Count < 2) { problem = "at least two times are needed to tell the frequency"; return null; }
        var original = times;
        times = AlignDaylightSaving(times);
        var monthSteps = new int[times.Count - 1];
        bool calendar = true;
        for (int i = 0; i + 1 < times.Count && calendar; i++)
        {
            var (a, b) = (times[i], times[i + 1]);
            int months = (b.Year - a.Year) * 12 + b.Month - a.Month;
            calendar = months > 0 && a.TimeOfDay == b.TimeOfDay && (a.Day == b.Day || (IsMonthEnd(a) && IsMonthEnd(b)));
            monthSteps[i] = months;
        }
        if (calendar)
        {
            int unit = monthSteps.Aggregate(Gcd);
            var frequency = unit % 12 == 0 ? Yearly : unit % 3 == 0 ? Quarterly : Monthly;
            for (int i = 0; i < monthSteps.Length; i++) missing[i] = monthSteps[i] / frequency.Months - 1;
            return frequency;
        }
        var steps = new long[times.Count - 1];
        for (int i = 0; i < steps.Length; i++) steps[i] = (times[i + 1] - times[i]).Ticks;
        long smallest = steps.Min();
        if (smallest <= 0) { problem = "the times are not increasing"; return null; }
        for (int i = 0; i < steps.Length; i++)
        {
            if (steps[i] % smallest != 0)
            {
                problem = $"the steps mix {TimeSpan.FromTicks(smallest)} and {TimeSpan.FromTicks(steps[i])} (between {original[i]:s} and {original[i + 1]:s}), which is not a whole number of the smaller step";
                return null;
            }
            missing[i] = (int)Math.Min(int.MaxValue, steps[i] / smallest - 1);
        }
        return Every(TimeSpan.FromTicks(smallest));
    }

    /// <summary>
    /// The times moved to the first one's clock time when every step is at least 23 hours and every clock time is
    /// within an hour of the first's (a daylight saving shift); otherwise the times as they are.
    /// </summary>
    private static IReadOnlyList<DateTime> AlignDaylightSaving(IReadOnlyList<DateTime> times)
    {
        var offsets = new TimeSpan[times.Count];
        bool shifted = false;
        for (int i = 0; i < times.Count; i++)
        {
            if (i > 0 && times[i] - times[i - 1] < TimeSpan.FromHours(23)) return times;
            // The clock-time difference to the first time, in (−12 h, 12 h]: 00:30 against 23:30 is +1 h, not −23 h.
            var offset = DaylightOffset(times[0], times[i], TimeSpan.FromHours(12));
            if (offset.Duration() > DaylightShift) return times;
            offsets[i] = offset;
            shifted |= offset != TimeSpan.Zero;
        }
        return shifted ? times.Select((t, i) => t - offsets[i]).ToArray() : times;
    }

    private static bool IsMonthEnd(DateTime t) => t.Day == DateTime.DaysInMonth(t.Year, t.Month);

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>
    /// <paramref name="time"/> in ISO 8601 as the data shows it: a date (2024-01-31) for daily and longer steps whose
    /// times are midnight, else date and time (2024-01-31T13:30:00).
    /// </summary>
    public string Format(DateTime time) =>
        (Months > 0 || Step.Ticks % TimeSpan.TicksPerDay == 0) && time.TimeOfDay == TimeSpan.Zero
            ? time.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : time.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Two frequencies are equal when their steps are (the seasons follow from the step).</summary>
    public bool Equals(SeriesFrequency? other) => other is not null && Months == other.Months && Step == other.Step;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Months, Step);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

using System.Globalization;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// Speed and time left of a training run, from how much of it is done and when: what the progress bar and the plain
/// progress lines both show. The clock starts at the first observation, so a resumed run measures only its own work.
/// </summary>
/// <param name="total">Units (samples, characters) the whole run processes, including any done before a resume.</param>
internal sealed class TrainingPace(long total)
{
    private long _startDone = -1;
    private TimeSpan _startTime;
    private long _done;
    private TimeSpan _time;

    public long Total { get; set; } = total;

    public long Done => _done;

    /// <summary>Share of the run done, in [0, 1].</summary>
    public double Fraction => Total <= 0 ? 1 : Math.Clamp((double)_done / Total, 0, 1);

    /// <summary>Units per second since the first observation, or null before any time has passed.</summary>
    public double? Speed => _startDone < 0 || _time <= _startTime ? null : (_done - _startDone) / (_time - _startTime).TotalSeconds;

    /// <summary>Time left at <see cref="Speed"/>, or null while the speed is unknown.</summary>
    public TimeSpan? Remaining => Speed is { } speed && speed > 0 ? TimeSpan.FromSeconds(Math.Max(0, Total - _done) / speed) : null;

    /// <summary>Records that <paramref name="done"/> units of the run are done after <paramref name="elapsed"/> of wall time.</summary>
    public void Observe(long done, TimeSpan elapsed)
    {
        if (_startDone < 0) (_startDone, _startTime) = (done, elapsed);
        (_done, _time) = (Math.Min(done, Total), elapsed);
    }

    /// <summary>"1234 chars/s  ETA 1:05" (or "ETA -" while unknown).</summary>
    public string Describe(string unit) => string.Create(CultureInfo.InvariantCulture,
        $"{(Speed is { } s ? s.ToString("F0", CultureInfo.InvariantCulture) : "-")} {unit}/s  ETA {(Remaining is { } r ? Clock(r) : "-")}");

    /// <summary>m:ss below an hour, h:mm:ss above.</summary>
    public static string Clock(TimeSpan t) =>
        t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
}

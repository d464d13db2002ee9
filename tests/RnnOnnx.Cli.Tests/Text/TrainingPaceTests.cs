using RnnOnnx.Cli.Training;

namespace RnnOnnx.Cli.Tests.Text;

/// <summary>The speed and ETA arithmetic the progress bar and the plain lines share, on given times (no clock).</summary>
public sealed class TrainingPaceTests
{
    [Fact]
    public void Speed_and_time_left_follow_the_work_done_since_the_first_observation()
    {
        var pace = new TrainingPace(total: 10_000);
        Assert.Null(pace.Speed);
        Assert.Null(pace.Remaining);
        Assert.Equal("- chars/s  ETA -", pace.Describe("chars"));

        // A resumed run starts with 4000 units already done: only its own 1000 units in 2 s count.
        pace.Observe(4_000, TimeSpan.FromSeconds(10));
        Assert.Null(pace.Speed);
        pace.Observe(5_000, TimeSpan.FromSeconds(12));
        Assert.Equal(500, pace.Speed);
        Assert.Equal(TimeSpan.FromSeconds(10), pace.Remaining);
        Assert.Equal(0.5, pace.Fraction);
        Assert.Equal("500 chars/s  ETA 0:10", pace.Describe("chars"));

        pace.Observe(12_000, TimeSpan.FromSeconds(20)); // a last partial batch counted whole is capped at the total
        Assert.Equal(1, pace.Fraction);
        Assert.Equal(TimeSpan.Zero, pace.Remaining);
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(59.4, "0:59")]
    [InlineData(61, "1:01")]
    [InlineData(3599, "59:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(90061, "25:01:01")]
    public void Clock_shows_minutes_and_seconds_or_hours(double seconds, string expected) =>
        Assert.Equal(expected, TrainingPace.Clock(TimeSpan.FromSeconds(seconds)));
}

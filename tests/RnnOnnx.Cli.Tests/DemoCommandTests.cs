using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests;

public class DemoCommandTests
{
    [Fact]
    public void Demo_trains_and_reports_the_fit()
    {
        var (exit, output, error) = Run("demo", "--epochs", "3", "--seed", "1");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("epoch   3/3", output);
        Assert.Matches(@"validation MSE [0-9.]+ vs target variance [0-9.]+: [0-9.]+× below", output);
    }

    [Fact]
    public void Bad_values_exit_non_zero_with_one_message_and_no_stack_trace()
    {
        var (exit, _, error) = Run("demo", "--epochs", "-1");
        Assert.NotEqual(0, exit);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain(" at ", error);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var (exit, _, error) = Run("demo", "--epochs", "-1", "--verbose");
        Assert.NotEqual(0, exit);
        Assert.Contains(" at ", error);
    }

    [Fact]
    public void Unknown_options_are_a_usage_error()
    {
        var (exit, _, error) = Run("demo", "--nope");
        Assert.NotEqual(0, exit);
        Assert.Contains("--nope", error);
    }
}

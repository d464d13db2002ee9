using System.Globalization;
using RnnOnnx.Motor;

namespace RnnOnnx.Cli.Tests.Motor;

public sealed class MotorCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"motor-cli-{Guid.NewGuid():N}");

    public MotorCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string P(string name) => Path.Combine(_dir, name);

    private static double[] Excitations(int steps, int muscles)
    {
        var e = new double[steps * muscles];
        for (int t = 0; t < steps; t++)
            for (int m = 0; m < muscles; m++) e[t * muscles + m] = Math.Round(0.5 + 0.45 * Math.Sin(0.3 * t + m), 3);
        return e;
    }

    [Theory]
    [InlineData("arm26", true)]
    [InlineData("pointmass", false)]
    public void Simulate_writes_the_library_trajectory(string name, bool header)
    {
        var body = Effector.Create(name);
        int m = body.MuscleCount, steps = 25;
        var exc = Excitations(steps, m);
        var lines = new List<string>();
        if (header) lines.Add(string.Join(',', body.MuscleNames));
        for (int t = 0; t < steps; t++) lines.Add(string.Join(',', exc.Skip(t * m).Take(m).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        string input = Write("exc.csv", string.Join('\n', lines) + "\n");
        var (exit, _, error) = CliRunner.Run("motor", "simulate", "--effector", name, "--excitations", input, "--out", P("traj.csv"));
        Assert.True(exit == 0, error);
        var rows = File.ReadAllLines(P("traj.csv"));
        Assert.Equal("step,time,x,y,q1,q2,qd1,qd2," + string.Join(',', body.MuscleNames.Select(n => "a_" + n)), rows[0]);
        Assert.Equal(steps + 2, rows.Length);
        var traj = body.Simulate([], exc, 1);
        for (int t = 0; t <= steps; t++)
        {
            var cells = rows[t + 1].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(t, cells[0]);
            var (x, y) = traj.Fingertip(0, t);
            var (q0, q1) = traj.JointPosition(0, t);
            var (v0, v1) = traj.JointVelocity(0, t);
            Assert.Equal([x, y, q0, q1, v0, v1], cells[2..8]);
            for (int k = 0; k < m; k++) Assert.Equal(traj.Activation(0, t, k), cells[8 + k]);
        }
    }

    [Fact]
    public void Simulate_with_a_start_posture()
    {
        string input = Write("exc.csv", "0.1,0.2,0.3,0.4,0.5,0.6\n0.1,0.2,0.3,0.4,0.5,0.6\n");
        var (exit, _, error) = CliRunner.Run("motor", "simulate", "--effector", "arm26", "--excitations", input, "--out", P("traj.csv"), "--start", "0.5,1.2");
        Assert.True(exit == 0, error);
        var first = File.ReadAllLines(P("traj.csv"))[1].Split(',');
        Assert.Equal(0.5, double.Parse(first[4], CultureInfo.InvariantCulture));
        Assert.Equal(1.2, double.Parse(first[5], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("0.1,0.2,0.3\n", "arm26", null, "3 column(s)")]
    [InlineData("0.1,0.2,0.3,0.4,0.5,0.6\n0.1,0.2,1.5,0.4,0.5,0.6\n", "arm26", null, "line 2, column 3 (brachioradialis): 1.5 is outside [0, 1]")]
    [InlineData("0.1,0.2,0.3,0.4,0.5,0.6\n", "arm26", "3,1", "outside its limits")]
    [InlineData("0.1,0.2,0.3,0.4\n", "octopus", null, "Unknown effector 'octopus'")]
    [InlineData("0.1,abc,0.3,0.4\n", "pointmass", null, "'abc' is not a finite number")]
    public void Simulate_bad_input_exits_1_naming_the_problem_and_writes_nothing(string csv, string effector, string? start, string expected)
    {
        string input = Write("exc.csv", csv);
        var args = new List<string> { "motor", "simulate", "--effector", effector, "--excitations", input, "--out", P("traj.csv") };
        if (start is not null) args.AddRange(["--start", start]);
        var (exit, _, error) = CliRunner.Run([.. args]);
        Assert.Equal(1, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(P("traj.csv")));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    private string TinyModel()
    {
        string recipe = Write("recipe.json", """
            { "effector": "arm26", "task": { "kind": "randomTarget", "steps": 20 },
              "training": { "hidden": 8, "batchSize": 4, "seed": 2 }, "batches": 4, "checkpointEvery": 2, "reportEvery": 2 }
            """);
        var (exit, output, error) = CliRunner.Run("motor", "train", "--recipe", recipe, "--out", P("tiny.onnx"));
        Assert.True(exit == 0, error);
        Assert.Contains("trained 4 batches", output, StringComparison.Ordinal);
        Assert.Contains("batch 4/4", error, StringComparison.Ordinal);
        Assert.True(File.Exists(P("tiny.ckpt")));
        return P("tiny.onnx");
    }

    [Fact]
    public void Train_then_evaluate_writes_the_result_columns_and_prints_the_mean_error()
    {
        string model = TinyModel();
        string targets = Write("targets.csv", "x,y\n0.0,0.45\n-0.1,0.5\n");
        var (exit, output, error) = CliRunner.Run("motor", "evaluate", "--model", model, "--targets", targets, "--out", P("result.csv"), "--force-field", "5");
        Assert.True(exit == 0, error);
        var rows = File.ReadAllLines(P("result.csv"));
        Assert.Equal("x,y,end_x,end_y,error_cm,peak_speed,movement_time", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.Equal(7, rows[1].Split(',').Length);
        Assert.Contains("mean endpoint error", output, StringComparison.Ordinal);
        Assert.Contains(" cm", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_continues_to_the_recipe_count_and_gives_the_uninterrupted_model()
    {
        string model = TinyModel();
        string recipe = P("recipe.json");
        // Checkpoint at batch 2 of a second run, then resume it: same bytes as the uninterrupted 4-batch run.
        File.WriteAllText(P("half.json"), File.ReadAllText(recipe).Replace("\"batches\": 4", "\"batches\": 2", StringComparison.Ordinal));
        Assert.Equal(0, CliRunner.Run("motor", "train", "--recipe", P("half.json"), "--out", P("half.onnx")).Exit);
        var (exit, _, error) = CliRunner.Run("motor", "train", "--recipe", recipe, "--out", P("resumed.onnx"), "--resume", P("half.ckpt"));
        Assert.True(exit == 0, error);
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(P("resumed.onnx")));
    }

    [Fact]
    public void Evaluate_target_outside_the_workspace_exits_1_and_writes_nothing()
    {
        string model = TinyModel();
        string targets = Write("targets.csv", "0.0,0.45\n3.0,0.0\n");
        var (exit, _, error) = CliRunner.Run("motor", "evaluate", "--model", model, "--targets", targets, "--out", P("result.csv"));
        Assert.Equal(1, exit);
        Assert.Contains("Target 2", error, StringComparison.Ordinal);
        Assert.Contains("workspace", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("result.csv")));
    }

    [Theory]
    [InlineData("""{ "batches": 3, "trainig": {} }""", "trainig")]
    [InlineData("""{ "effector": "arm27" }""", "arm27")]
    public void Train_bad_recipe_exits_1_naming_it(string json, string expected)
    {
        string recipe = Write("bad.json", json);
        var (exit, _, error) = CliRunner.Run("motor", "train", "--recipe", recipe, "--out", P("m.onnx"));
        Assert.Equal(1, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.onnx")));
        Assert.False(File.Exists(P("m.ckpt")));
    }

    [Fact]
    public void Analyze_writes_json_and_plots()
    {
        string model = TinyModel();
        var (exit, output, error) = CliRunner.Run("motor", "analyze", "--model", model, "--out", P("an"), "--targets", "4");
        Assert.True(exit == 0, error);
        Assert.Contains("jPCA", output, StringComparison.Ordinal);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(P("an/analysis.json"))).RootElement;
        Assert.True(json.GetProperty("jpca").GetProperty("r2Skew").GetDouble() <= 1);
        Assert.True(File.Exists(P("an/pca.png")));
        Assert.True(File.Exists(P("an/jpca.png")));
        var speed = json.GetProperty("speedProfile");
        Assert.InRange(speed.GetProperty("bellShaped").GetInt32(), 0, 4);
        Assert.Equal(4, speed.GetProperty("peaks").GetArrayLength());
    }

    [Fact]
    public void Jpca_of_the_hidden_states_file_reproduces_analyze_and_bad_files_are_named()
    {
        string model = TinyModel();
        var (exit, _, error) = CliRunner.Run("motor", "analyze", "--model", model, "--out", P("an"), "--targets", "4");
        Assert.True(exit == 0, error);
        var analysis = System.Text.Json.JsonDocument.Parse(File.ReadAllText(P("an/analysis.json"))).RootElement;
        string[] lines = File.ReadAllLines(P("an/hidden.csv"));
        Assert.Equal("condition,step,h0,h1,h2,h3,h4,h5,h6,h7", lines[0]);
        Assert.Equal(1 + 4 * 20, lines.Length);

        (exit, string output, error) = CliRunner.Run("motor", "jpca", "--hidden", P("an/hidden.csv"), "--window", "20");
        Assert.True(exit == 0, error);
        var fromFile = System.Text.Json.JsonDocument.Parse(output).RootElement;
        foreach (string key in new[] { "r2Skew", "r2Unconstrained", "frequencyRadPerS" })
            Assert.Equal(analysis.GetProperty("jpca").GetProperty(key).GetDouble(), fromFile.GetProperty("jpca").GetProperty(key).GetDouble());
        Assert.Equal(analysis.GetProperty("pca").GetProperty("cumulative3").GetDouble(), fromFile.GetProperty("pca").GetProperty("cumulative3").GetDouble());

        string shuffled = Write("shuffled.csv", string.Join("\n", new[] { lines[0], lines[2], lines[1] }.Concat(lines.Skip(3))));
        (exit, _, error) = CliRunner.Run("motor", "jpca", "--hidden", shuffled);
        Assert.Equal(1, exit);
        Assert.Contains("row 1: expected condition 0, step 1", error, StringComparison.Ordinal);
        string noHeader = Write("noheader.csv", string.Join("\n", lines.Skip(1)));
        (exit, _, error) = CliRunner.Run("motor", "jpca", "--hidden", noHeader);
        Assert.Equal(1, exit);
        Assert.Contains("must start with a header condition,step,h0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_recipe_trains_to_the_same_onnx_bytes()
    {
        // The shipped controller's promise ("the recipe rebuilds it byte for byte") on a recipe CI can afford: a full
        // retrain of models/motor/recipe.json is documented in models/motor/README.md with its SHA-256.
        string recipe = Write("rebuild.json", """
            { "effector": "arm26", "task": { "kind": "randomTarget", "steps": 25 },
              "training": { "hidden": 16, "batchSize": 6, "seed": 5, "learningRate": 0.003, "finalLearningRate": 0.0003, "decayBatches": 6,
                            "activationWeight": 0.01, "activationDerivativeWeight": 1, "hiddenWeight": 0.001, "hiddenDerivativeWeight": 0.1 },
              "batches": 6, "checkpointEvery": 0, "reportEvery": 3 }
            """);
        string Hash(string name)
        {
            var (exit, _, error) = CliRunner.Run("motor", "train", "--recipe", recipe, "--out", P(name));
            Assert.True(exit == 0, error);
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(P(name))));
        }
        string first = Hash("a.onnx"), second = Hash("b.onnx");
        Assert.Equal(first, second);
        // The weights moved: a recipe with another seed gives other bytes.
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("\"seed\": 5", "\"seed\": 6", StringComparison.Ordinal));
        Assert.NotEqual(first, Hash("c.onnx"));
    }
}

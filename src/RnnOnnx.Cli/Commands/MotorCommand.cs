using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using RnnOnnx.Cli.Motor;
using RnnOnnx.Motor;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx motor train|simulate|evaluate|analyze` (issue #18): controllers for musculoskeletal effectors trained by
/// backpropagation through the body, open-loop simulation, closed-loop evaluation on ONNX Runtime, and the
/// population analyses (PCA, jPCA, fixed points).
/// </summary>
internal static class MotorCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("motor", "Motor control: train a GRU controller for a simulated arm or point mass, simulate, evaluate reaches, analyse its dynamics.");
        command.Subcommands.Add(Train(output, error));
        command.Subcommands.Add(Simulate(output));
        command.Subcommands.Add(Evaluate(output));
        command.Subcommands.Add(Analyze(output));
        command.Subcommands.Add(JPcaFromFile(output));
        return command;
    }

    // ---- train ----

    private static Command Train(TextWriter output, TextWriter error)
    {
        var recipe = new Option<FileInfo>("--recipe") { Description = "Recipe JSON: effector, task, sensing, training, batches", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "The trained controller as an ONNX step model (checkpoint written beside it as NAME.ckpt)", Required = true };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue from this checkpoint (same recipe) up to the recipe's batch count" };
        var command = new Command("train", "Train a controller by backpropagation through time through the simulated body; export it as ONNX.") { recipe, outFile, resume };
        command.SetAction(parse =>
        {
            string recipePath = parse.GetValue(recipe)!.FullName;
            string text;
            try { text = Serialization.InputFile.ReadAllText(recipePath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataException($"Recipe '{recipePath}' cannot be read: {e.Message}");
            }
            var r = MotorRecipe.Parse(text, $"recipe '{parse.GetValue(recipe)!.Name}'");
            string outPath = parse.GetValue(outFile)!.FullName;
            if (Directory.Exists(outPath)) throw new OutputPathException($"'{outPath}' is a folder; name the .onnx file to write.");
            string checkpoint = Path.ChangeExtension(outPath, ".ckpt");
            try { Directory.CreateDirectory(Path.GetDirectoryName(outPath)!); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OutputPathException($"'{outPath}' cannot be written: its folder cannot be made ({e.Message}).", e);
            }
            MotorTrainer trainer;
            if (parse.GetValue(resume) is { } resumeFile)
            {
                trainer = MotorTrainer.LoadCheckpoint(resumeFile.FullName);
                if (!r.Matches(trainer))
                    throw new ModelConfigurationException($"Checkpoint '{resumeFile.Name}' was written by another recipe (effector, task, sensing or training options differ); resume it with the recipe that made it.");
                error.WriteLine($"resuming at batch {trainer.BatchesDone} of {r.Batches}");
            }
            else trainer = r.CreateTrainer();

            var clock = Stopwatch.StartNew();
            long startBatch = trainer.BatchesDone;
            while (trainer.BatchesDone < r.Batches)
            {
                if (r.TimeLimitSeconds is { } limit && clock.Elapsed.TotalSeconds >= limit)
                {
                    error.WriteLine(Invariant($"time limit {limit} s reached after {trainer.BatchesDone} batches"));
                    break;
                }
                // A decay without a batch horizon runs over the wall-clock budget (such a run is not reproducible anyway).
                if (r.TimeLimitSeconds is { } budget && trainer.Options.DecayBatches == 0)
                    trainer.DecayProgress = clock.Elapsed.TotalSeconds / budget;
                var report = trainer.TrainBatch();
                long done = report.Batch;
                if (done % r.ReportEvery == 0 || done == r.Batches)
                {
                    double elapsed = clock.Elapsed.TotalSeconds;
                    double eta = elapsed / (done - startBatch) * (r.Batches - done);
                    error.WriteLine(Invariant($"batch {done}/{r.Batches}  loss {report.Loss:F5}  position {report.PositionLoss:F5}  |g| {report.GradientNorm:F3}  {elapsed:F0} s  eta {eta:F0} s"));
                }
                if (r.CheckpointEvery > 0 && done % r.CheckpointEvery == 0) trainer.SaveCheckpoint(checkpoint);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            trainer.SaveCheckpoint(checkpoint);
            double endpoint = trainer.EndpointError(r.EvaluationSeed);
            var targets = ClosedLoop.CentreOutTargets(trainer.Effector);
            var reaches = ClosedLoop.Run(trainer.Effector, new PolicyController(trainer.Policy),
                new SensoryOptions { VisionDelay = trainer.Sensing.VisionDelay, ProprioceptionDelay = trainer.Sensing.ProprioceptionDelay },
                targets, trainer.Task.Steps);
            MotorModel.Export(trainer, outPath);
            output.WriteLine(Invariant($"trained {trainer.BatchesDone} batches ({trainer.BatchesDone - startBatch} in this run, {seconds:F1} s)"));
            output.WriteLine(Invariant($"endpoint error on the training task (seed {r.EvaluationSeed}, 64 episodes): {100 * endpoint:F3} cm"));
            output.WriteLine(Invariant($"centre-out endpoint error (8 targets at 10 cm, no noise): {reaches.Average(x => x.ErrorCm):F3} cm"));
            output.WriteLine($"wrote {outPath} and {checkpoint}");
            return 0;
        });
        return command;
    }

    // ---- simulate ----

    private static Command Simulate(TextWriter output)
    {
        var effector = new Option<string>("--effector") { Description = "pointmass or arm26", Required = true };
        var excitations = new Option<FileInfo>("--excitations") { Description = "CSV, one row per 10 ms step, one column per muscle, values in [0, 1]; a header line is allowed", Required = true };
        var outFile = new Option<string>("--out") { Description = "Trajectory CSV step,time,x,y,q1,q2,qd1,qd2,a_<muscle>... ('-': standard output)", Required = true };
        var start = new Option<string?>("--start") { Description = "Start posture q1,q2 (rad for arm26, m for pointmass; default arm26 π/3,π/2, pointmass 0,0)" };
        var command = new Command("simulate", "Run excitations open-loop through an effector and write the trajectory.") { effector, excitations, outFile, start };
        command.SetAction(parse =>
        {
            var body = RnnOnnx.Motor.Effector.Create(parse.GetValue(effector)!);
            var file = parse.GetValue(excitations)!;
            var rows = MotorCsv.Read(file.FullName, file.Name, body.MuscleNames, unitInterval: true);
            if (rows.Count == 0) throw new DataException($"'{file.Name}' has no excitation rows.");
            var exc = new double[rows.Count * body.MuscleCount];
            for (int t = 0; t < rows.Count; t++) rows[t].CopyTo(exc, t * body.MuscleCount);
            double[] q = parse.GetValue(start) is { } s ? ParsePair(s, "--start") : [.. body.DefaultStartPosition];
            var traj = body.Simulate(q, exc, 1);
            AtomicFile.Write(parse.GetValue(outFile)!, stream => WriteTrajectory(stream, body, traj));
            return 0;
        });
        return command;
    }

    /// <summary>The trajectory CSV: step,time,x,y,q1,q2,qd1,qd2,a_&lt;muscle&gt;… with round-trip numbers.</summary>
    internal static void WriteTrajectory(Stream stream, RnnOnnx.Motor.Effector body, Trajectory traj)
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        w.WriteLine("step,time,x,y,q1,q2,qd1,qd2," + string.Join(',', body.MuscleNames.Select(n => "a_" + n)));
        var sb = new StringBuilder();
        for (int t = 0; t <= traj.Steps; t++)
        {
            sb.Clear();
            var (x, y) = traj.Fingertip(0, t);
            var (q0, q1) = traj.JointPosition(0, t);
            var (v0, v1) = traj.JointVelocity(0, t);
            sb.Append(t.ToString(Inv)).Append(',').Append(R(Math.Round(t * RnnOnnx.Motor.Effector.Timestep, 10)));
            foreach (double v in new[] { x, y, q0, q1, v0, v1 }) sb.Append(',').Append(R(v));
            for (int m = 0; m < body.MuscleCount; m++) sb.Append(',').Append(R(traj.Activation(0, t, m)));
            w.WriteLine(sb);
        }
    }

    // ---- evaluate ----

    private static Command Evaluate(TextWriter output)
    {
        var model = new Option<FileInfo>("--model") { Description = "Controller ONNX written by `motor train`", Required = true };
        var targets = new Option<FileInfo>("--targets") { Description = "CSV of fingertip targets x,y (m; arm: shoulder at the origin); a header line is allowed", Required = true };
        var outFile = new Option<string>("--out") { Description = "Result CSV x,y,end_x,end_y,error_cm,peak_speed,movement_time ('-': standard output)", Required = true };
        var field = new Option<double>("--force-field") { Description = "Curl-field gain k, N·s/m (endpoint force k·[v_y, −v_x]); default 0", DefaultValueFactory = _ => 0 };
        var command = new Command("evaluate", "Reach from the default start to each target in closed loop: the ONNX controller on ONNX Runtime drives the effector.") { model, targets, outFile, field };
        command.SetAction(parse =>
        {
            var m = MotorModel.Load(parse.GetValue(model)!.FullName);
            var file = parse.GetValue(targets)!;
            var rows = MotorCsv.Read(file.FullName, file.Name, ["x", "y"], unitInterval: false);
            if (rows.Count == 0) throw new DataException($"'{file.Name}' has no targets.");
            double k = parse.GetValue(field);
            using var controller = m.CreateOnnxController();
            var results = ClosedLoop.Run(m.Effector, controller, m.EvaluationSensing, [.. rows.Select(r => (r[0], r[1]))], m.Config.Steps, curlGain: k);
            AtomicFile.Write(parse.GetValue(outFile)!, stream =>
            {
                using var w = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
                w.WriteLine("x,y,end_x,end_y,error_cm,peak_speed,movement_time");
                foreach (var r in results)
                    w.WriteLine(string.Join(',', new[] { r.TargetX, r.TargetY, r.EndX, r.EndY, r.ErrorCm, r.PeakSpeed, r.MovementTime }.Select(R)));
            });
            output.WriteLine(Invariant($"mean endpoint error: {results.Average(r => r.ErrorCm):F4} cm over {results.Count} target(s)"));
            return 0;
        });
        return command;
    }

    // ---- analyze ----

    private static Command Analyze(TextWriter output)
    {
        var model = new Option<FileInfo>("--model") { Description = "Controller ONNX written by `motor train`", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for analysis.json and the PNG plots", Required = true };
        var targets = new Option<int>("--targets") { Description = "Centre-out conditions (targets at 10 cm)", DefaultValueFactory = _ => 8 };
        var command = new Command("analyze", "Population analyses of the controller on centre-out reaches: PCA, jPCA (Churchland 2012), fixed points (Sussillo & Barak 2013).") { model, outDir, targets };
        command.SetAction(parse =>
        {
            var m = MotorModel.Load(parse.GetValue(model)!.FullName);
            int n = parse.GetValue(targets);
            if (n < 2) throw new DataException($"--targets must be at least 2, got {n}.");
            string dir = parse.GetValue(outDir)!.FullName;
            if (File.Exists(dir)) throw new OutputPathException($"'{dir}' is a file; name a folder for the analysis.");
            var report = MotorAnalysisReport.Run(m, n);
            Directory.CreateDirectory(dir);
            report.Write(dir);
            output.WriteLine(report.Summary());
            return 0;
        });
        return command;
    }

    // ---- jpca ----

    private static Command JPcaFromFile(TextWriter output)
    {
        var hidden = new Option<FileInfo>("--hidden") { Description = "Hidden states CSV condition,step,h0,h1,... (one row per condition and step; e.g. hidden.csv of `motor analyze`, or MotorNet's via tools/bench/motor/motornet_hidden.py)", Required = true };
        var window = new Option<int>("--window") { Description = "jPCA window: the first this many steps of each condition", DefaultValueFactory = _ => 50 };
        var command = new Command("jpca", "PCA and jPCA (Churchland 2012) of hidden states read from a file, with the code `motor analyze` uses.") { hidden, window };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(hidden)!;
            int w = parse.GetValue(window);
            if (w < 3) throw new DataException($"--window must be at least 3, got {w}.");
            string first;
            try { first = Serialization.InputFile.ReadAllText(file.FullName).Split('\n', 2)[0]; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataException($"'{file.Name}' cannot be read: {e.Message}");
            }
            var columns = first.Split(',').Select(c => c.Trim()).ToList();
            if (columns.Count < 3 || columns[0] != "condition" || columns[1] != "step")
                throw new DataException($"'{file.Name}' must start with a header condition,step,h0,h1,...; its first line is '{(first.Length > 60 ? first[..57] + "..." : first)}'.");
            var rows = MotorCsv.Read(file.FullName, file.Name, columns, unitInterval: false);
            int units = columns.Count - 2;
            int conditions = rows.Count == 0 ? 0 : (int)rows.Max(r => r[0]) + 1;
            if (conditions < 2 || rows.Count % conditions != 0)
                throw new DataException($"'{file.Name}' needs at least 2 conditions with the same number of steps; it has {rows.Count} rows and {conditions} condition(s).");
            int steps = rows.Count / conditions;
            var states = new double[rows.Count * units];
            for (int k = 0; k < rows.Count; k++)
            {
                int c = k / steps, t = k % steps;
                if (rows[k][0] != c || rows[k][1] != t + 1)
                    throw new DataException($"'{file.Name}' row {k + 1}: expected condition {c}, step {t + 1} (rows ordered by condition, then step from 1); got {R(rows[k][0])}, {R(rows[k][1])}.");
                rows[k].AsSpan(2).CopyTo(states.AsSpan(k * units, units));
            }
            var json = MotorAnalysisReport.AnalyseStates(states, conditions, steps, units, w);
            output.WriteLine(json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return command;
    }

    // ---- helpers ----

    private static double[] ParsePair(string text, string option)
    {
        var parts = text.Split(',');
        if (parts.Length != 2) throw new DataException($"{option} needs two comma-separated numbers (q1,q2), got '{text}'.");
        var v = new double[2];
        for (int i = 0; i < 2; i++)
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, Inv, out v[i]) || !double.IsFinite(v[i]))
                throw new DataException($"{option}: '{parts[i].Trim()}' is not a finite number.");
        return v;
    }

    internal static string R(double v) => v.ToString("R", Inv);

    private static string Invariant(FormattableString s) => s.ToString(Inv);
}

namespace RnnOnnx.Motor.Analysis;

/// <summary>What <see cref="MotorAnalysis.Run"/> found: the reaches analysed, and PCA, jPCA and fixed points of the hidden states.</summary>
/// <param name="Reaches">Closed-loop centre-out reaches (one per condition).</param>
/// <param name="Pca">PCA of the hidden states over all conditions and steps.</param>
/// <param name="JPca">jPCA over the first <paramref name="JPcaSteps"/> steps.</param>
/// <param name="JPcaSteps">Steps of the jPCA window (from the first step).</param>
/// <param name="HoldInput">The constant observation of the fixed-point search: the arm at rest at the start, goal at the start.</param>
/// <param name="FixedPoints">Fixed points of the GRU under <paramref name="HoldInput"/>.</param>
/// <param name="InitialStates">Initial states tried by the fixed-point search.</param>
public sealed record MotorAnalysisResult(IReadOnlyList<ReachResult> Reaches, PcaResult Pca, JPcaResult JPca, int JPcaSteps,
    IReadOnlyList<double> HoldInput, IReadOnlyList<FixedPoint> FixedPoints, int InitialStates);

/// <summary>
/// The population analyses of a trained controller on centre-out reaches (10 cm, from the default start, no noise,
/// run on ONNX Runtime): PCA of the hidden states, jPCA (Churchland et al. 2012) over the movement window, and fixed
/// points of the GRU (Sussillo &amp; Barak 2013) under the holding input, searched from states on the trajectories.
/// </summary>
public static class MotorAnalysis
{
    /// <summary>Runs the analyses.</summary>
    /// <param name="model">The controller.</param>
    /// <param name="conditions">Centre-out directions.</param>
    /// <param name="jpcaSteps">jPCA window, steps from the start (default 50 = 0.5 s, the movement).</param>
    /// <param name="fixedPointStride">Every how many steps a trajectory state seeds the fixed-point search.</param>
    /// <param name="options">Fixed-point search settings.</param>
    public static MotorAnalysisResult Run(MotorModel model, int conditions = 8, int jpcaSteps = 50, int fixedPointStride = 10, FixedPointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var e = model.Effector;
        int steps = model.Config.Steps;
        var targets = ClosedLoop.CentreOutTargets(e, conditions);
        IReadOnlyList<ReachResult> reaches;
        using (var controller = model.CreateOnnxController())
            reaches = ClosedLoop.Run(e, controller, model.EvaluationSensing, targets, steps);
        int H = model.Policy.Hidden;
        var all = new double[conditions * steps * H];
        for (int c = 0; c < conditions; c++)
            for (int i = 0; i < steps * H; i++) all[c * steps * H + i] = reaches[c].HiddenStates[i];
        var pca = Pca.Fit(all, conditions * steps, H);
        int w = Math.Clamp(jpcaSteps, 3, steps);
        var window = new double[conditions * w * H];
        for (int c = 0; c < conditions; c++) all.AsSpan(c * steps * H, w * H).CopyTo(window.AsSpan(c * w * H, w * H));
        var jpca = JPca.Fit(window, conditions, w, H, Effector.Timestep);

        // Holding input: the observation of the arm at rest at its start, with the goal at the start fingertip.
        int M = e.MuscleCount;
        var state = new double[e.StateSize];
        e.Reset([e.DefaultStartPosition[0], e.DefaultStartPosition[1]], state);
        var tip = new double[2];
        var len = new double[M];
        var vel = new double[M];
        e.Sense(state, tip, len, vel);
        double[] hold = [tip[0], tip[1], tip[0], tip[1], .. len, .. vel];
        // The GRU sees float32 observations.
        for (int i = 0; i < hold.Length; i++) hold[i] = (float)hold[i];
        var map = new GruMap(model.Policy, hold);
        var seeds = new List<double>();
        int stride = Math.Max(1, fixedPointStride);
        for (int c = 0; c < conditions; c++)
            for (int t = 0; t < steps; t += stride)
                for (int j = 0; j < H; j++) seeds.Add(reaches[c].HiddenStates[t * H + j]);
        var points = FixedPoints.Find(map, seeds.ToArray(), options);
        return new MotorAnalysisResult(reaches, pca, jpca, w, hold, points, seeds.Count / H);
    }
}

namespace RnnOnnx.Motor;

/// <summary>One closed-loop reach: what the fingertip did and what the controller did.</summary>
public sealed class ReachResult
{
    internal ReachResult(double targetX, double targetY, double[] tip, float[] excitations, float[] hidden, double[] joints, double[] activations, int muscles, int units)
    {
        TargetX = targetX;
        TargetY = targetY;
        Tip = tip;
        Excitations = excitations;
        HiddenStates = hidden;
        Joints = joints;
        Activations = activations;
        Steps = tip.Length / 2 - 1;
        Muscles = muscles;
        Units = units;
        EndX = tip[^2];
        EndY = tip[^1];
        double peak = 0;
        int peakAt = 0;
        for (int t = 1; t <= Steps; t++)
        {
            double s = Speed(t);
            if (s > peak) { peak = s; peakAt = t; }
        }
        PeakSpeed = peak;
        // Movement: the span around the peak where the speed stays at or above 10% of the peak.
        int on = peakAt, off = peakAt;
        while (on > 1 && Speed(on - 1) >= 0.1 * peak) on--;
        while (off < Steps && Speed(off + 1) >= 0.1 * peak) off++;
        MovementTime = peak > 0 ? Math.Round((off - on + 1) * Effector.Timestep, 10) : 0;
        // Bell shape (Morasso 1981; Flash & Hogan 1985): local maxima that reach BellPeakFloor of the peak — smaller
        // ripples (e.g. while holding) are not a second movement — and the speed at the ends relative to the peak.
        int peaks = 0;
        for (int t = 1; t <= Steps; t++)
        {
            double s = Speed(t);
            bool rising = t == 1 || Speed(t - 1) < s;
            bool notRisingAfter = t == Steps || Speed(t + 1) <= s;
            if (rising && notRisingAfter && s >= BellPeakFloor * peak && s > 0) peaks++;
        }
        SpeedPeaks = peaks;
        StartSpeedFraction = peak > 0 ? Speed(1) / peak : 0;
        EndSpeedFraction = peak > 0 ? Speed(Steps) / peak : 0;
    }

    /// <summary>Local speed maxima below this fraction of the peak are not counted by <see cref="SpeedPeaks"/>.</summary>
    public const double BellPeakFloor = 0.2;

    /// <summary>Largest start/end speed, as a fraction of the peak, that <see cref="IsBellShaped"/> accepts.</summary>
    public const double BellEndFraction = 0.2;

    /// <summary>Local maxima of the fingertip speed at or above <see cref="BellPeakFloor"/> of the peak speed.</summary>
    public int SpeedPeaks { get; }

    /// <summary>Speed over the first step divided by the peak speed.</summary>
    public double StartSpeedFraction { get; }

    /// <summary>Speed over the last step divided by the peak speed.</summary>
    public double EndSpeedFraction { get; }

    /// <summary>
    /// Whether the speed profile is bell-shaped: one peak (<see cref="SpeedPeaks"/> = 1) and start and end speeds
    /// below <see cref="BellEndFraction"/> of it.
    /// </summary>
    public bool IsBellShaped => SpeedPeaks == 1 && StartSpeedFraction < BellEndFraction && EndSpeedFraction < BellEndFraction;

    /// <summary>Target, m.</summary>
    public double TargetX { get; }

    /// <summary>Target, m.</summary>
    public double TargetY { get; }

    /// <summary>Fingertip at the last state, m.</summary>
    public double EndX { get; }

    /// <summary>Fingertip at the last state, m.</summary>
    public double EndY { get; }

    /// <summary>Distance from the last fingertip position to the target, cm.</summary>
    public double ErrorCm => 100 * Math.Sqrt((EndX - TargetX) * (EndX - TargetX) + (EndY - TargetY) * (EndY - TargetY));

    /// <summary>Largest fingertip speed, m/s (finite differences of successive positions).</summary>
    public double PeakSpeed { get; }

    /// <summary>Time the fingertip speed stays at or above 10% of its peak around the peak, s.</summary>
    public double MovementTime { get; }

    /// <summary>Control steps.</summary>
    public int Steps { get; }

    /// <summary>Muscles.</summary>
    public int Muscles { get; }

    /// <summary>Hidden units.</summary>
    public int Units { get; }

    /// <summary>Fingertip positions, [Steps + 1, 2].</summary>
    public IReadOnlyList<double> Tip { get; }

    /// <summary>Excitations the controller sent, [Steps, Muscles].</summary>
    public IReadOnlyList<float> Excitations { get; }

    /// <summary>Controller hidden state after each step, [Steps, Units].</summary>
    public IReadOnlyList<float> HiddenStates { get; }

    /// <summary>Joint positions and velocities q1, q2, qd1, qd2 per state, [Steps + 1, 4].</summary>
    public IReadOnlyList<double> Joints { get; }

    /// <summary>Muscle activations per state, [Steps + 1, Muscles].</summary>
    public IReadOnlyList<double> Activations { get; }

    /// <summary>Fingertip speed between states t − 1 and t, m/s.</summary>
    public double Speed(int t)
    {
        double dx = Tip[2 * t] - Tip[2 * t - 2], dy = Tip[2 * t + 1] - Tip[2 * t - 1];
        return Math.Sqrt(dx * dx + dy * dy) / Effector.Timestep;
    }
}

/// <summary>
/// Closed-loop reaches without noise: the controller sees the target from the first step (goal, delayed fingertip,
/// delayed proprioception, exactly as in training, EQUATIONS.md §7) and drives the effector.
/// </summary>
public static class ClosedLoop
{
    /// <summary>
    /// Reaches from <paramref name="start"/> (joint posture, null: the effector's default) to each target, all in one batch.
    /// </summary>
    /// <param name="effector">The body.</param>
    /// <param name="controller">The controller (its state is reset).</param>
    /// <param name="sensing">Delays (noise is ignored).</param>
    /// <param name="targets">Fingertip targets (x, y), m.</param>
    /// <param name="steps">Control steps.</param>
    /// <param name="start">Start posture, or null.</param>
    /// <param name="curlGain">Curl-field gain k, N·s/m (0: none), on from the first step.</param>
    /// <exception cref="DataException">A target is outside the workspace, the posture outside the joint limits, or the sizes disagree.</exception>
    /// <exception cref="TrainingDivergedException">The simulation produced a non-finite value.</exception>
    public static IReadOnlyList<ReachResult> Run(Effector effector, IMotorController controller, SensoryOptions sensing,
        IReadOnlyList<(double X, double Y)> targets, int steps, IReadOnlyList<double>? start = null, double curlGain = 0)
    {
        ArgumentNullException.ThrowIfNull(effector);
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(sensing);
        ArgumentNullException.ThrowIfNull(targets);
        int B = targets.Count, M = effector.MuscleCount, S = effector.StateSize, I = controller.Inputs, H = controller.Hidden;
        if (B == 0) throw new DataException("No targets given.");
        if (steps < 1) throw new DataException($"Steps must be at least 1, got {steps}.");
        if (!double.IsFinite(curlGain)) throw new DataException($"Curl gain {curlGain} is not finite.");
        if (I != 4 + 2 * M || controller.Outputs != M)
            throw new DataException($"The controller has {I} inputs and {controller.Outputs} outputs; '{effector.Name}' needs {4 + 2 * M} and {M}.");
        for (int k = 0; k < B; k++)
        {
            var (x, y) = targets[k];
            if (!double.IsFinite(x) || !double.IsFinite(y) || !effector.Reachable(x, y))
                throw new DataException(FormattableString.Invariant($"Target {k + 1} at ({x}, {y}) m is outside the {effector.Name} workspace."));
        }
        sensing.Validate();
        int dv = sensing.VisionSlots, dp = sensing.ProprioceptionSlots;
        double[] q0 = start is null ? [effector.DefaultStartPosition[0], effector.DefaultStartPosition[1]] : [start[0], start[1]];
        if (start is not null && start.Count != Effector.Dof) throw new DataException($"Start posture needs {Effector.Dof} joint values, got {start.Count}.");

        var states = new double[(steps + 1) * B * S];
        for (int b = 0; b < B; b++) effector.Reset(q0, states.AsSpan(b * S, S));
        controller.Reset(B);
        var obs = new float[B * I];
        var u = new float[B * M];
        var hidden = new float[steps * B * H];
        var exc = new float[steps * B * M];
        Span<double> tip = stackalloc double[2];
        Span<double> lenN = stackalloc double[M];
        Span<double> velN = stackalloc double[M];
        Span<double> ud = stackalloc double[M];
        for (int t = 0; t < steps; t++)
        {
            int tv = Math.Max(t - dv + 1, 0), tp = Math.Max(t - dp + 1, 0);
            for (int b = 0; b < B; b++)
            {
                var o = obs.AsSpan(b * I, I);
                effector.Fingertip(states.AsSpan((tv * B + b) * S, 2), tip);
                o[2] = (float)tip[0];
                o[3] = (float)tip[1];
                effector.Sense(states.AsSpan((tp * B + b) * S, S), tip, lenN, velN);
                o[0] = (float)targets[b].X;
                o[1] = (float)targets[b].Y;
                for (int i = 0; i < M; i++) { o[4 + i] = (float)lenN[i]; o[4 + M + i] = (float)velN[i]; }
            }
            controller.Act(obs, u);
            controller.HiddenState.CopyTo(hidden.AsSpan(t * B * H, B * H));
            u.CopyTo(exc.AsSpan(t * B * M, B * M));
            for (int b = 0; b < B; b++)
            {
                for (int i = 0; i < M; i++) ud[i] = u[b * M + i];
                var next = states.AsSpan(((t + 1) * B + b) * S, S);
                effector.Step(states.AsSpan((t * B + b) * S, S), ud, curlGain, next);
                effector.CheckFinite(next, t, b);
            }
        }
        var results = new ReachResult[B];
        for (int b = 0; b < B; b++)
        {
            var tips = new double[(steps + 1) * 2];
            var joints = new double[(steps + 1) * 4];
            var acts = new double[(steps + 1) * M];
            for (int t = 0; t <= steps; t++)
            {
                var s = states.AsSpan((t * B + b) * S, S);
                effector.Fingertip(s, tips.AsSpan(2 * t, 2));
                s[..4].CopyTo(joints.AsSpan(4 * t, 4));
                s.Slice(Effector.ActivationOffset, M).CopyTo(acts.AsSpan(t * M, M));
            }
            var hb = new float[steps * H];
            var eb = new float[steps * M];
            for (int t = 0; t < steps; t++)
            {
                hidden.AsSpan((t * B + b) * H, H).CopyTo(hb.AsSpan(t * H, H));
                exc.AsSpan((t * B + b) * M, M).CopyTo(eb.AsSpan(t * M, M));
            }
            results[b] = new ReachResult(targets[b].X, targets[b].Y, tips, eb, hb, joints, acts, M, H);
        }
        return results;
    }

    /// <summary>Centre-out targets: <paramref name="count"/> directions from angle 0 at <paramref name="distance"/> m from the start fingertip.</summary>
    public static IReadOnlyList<(double X, double Y)> CentreOutTargets(Effector effector, int count = 8, double distance = 0.1, IReadOnlyList<double>? start = null)
    {
        ArgumentNullException.ThrowIfNull(effector);
        Span<double> tip = stackalloc double[2];
        double[] q = start is null ? [effector.DefaultStartPosition[0], effector.DefaultStartPosition[1]] : [start[0], start[1]];
        effector.Fingertip(q, tip);
        var list = new List<(double, double)>(count);
        for (int k = 0; k < count; k++)
        {
            double a = 2 * Math.PI * k / count;
            list.Add((tip[0] + distance * Math.Cos(a), tip[1] + distance * Math.Sin(a)));
        }
        return list;
    }
}

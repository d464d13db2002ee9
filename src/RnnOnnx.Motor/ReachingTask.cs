using RnnOnnx;

namespace RnnOnnx.Motor;

/// <summary>How targets are chosen.</summary>
public enum ReachKind
{
    /// <summary>Start posture and target both drawn uniformly inside the joint bounds (MotorNet's RandomTargetReach).</summary>
    RandomTarget,

    /// <summary>From a fixed start posture to one of <see cref="ReachingTask.TargetCount"/> targets on a circle, after a go cue.</summary>
    CentreOut,
}

/// <summary>
/// A reaching task as data. The observed goal (and the loss target) is the start fingertip until the go cue,
/// then the target; catch trials never get a go cue. A curl field of gain <see cref="CurlGain"/> acts after the go cue.
/// </summary>
public sealed record ReachingTask
{
    /// <summary>Target selection.</summary>
    public ReachKind Kind { get; init; } = ReachKind.RandomTarget;

    /// <summary>Episode length in 10 ms steps (100 = 1 s).</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Centre-out target distance, m.</summary>
    public double TargetDistance { get; init; } = 0.1;

    /// <summary>Centre-out targets, evenly spaced from angle 0.</summary>
    public int TargetCount { get; init; } = 8;

    /// <summary>Earliest go-cue step (inclusive). 0 with <see cref="GoCueMaxStep"/> 0: the target is shown from the start.</summary>
    public int GoCueMinStep { get; init; }

    /// <summary>Latest go-cue step (inclusive).</summary>
    public int GoCueMaxStep { get; init; }

    /// <summary>Probability that a trial is a catch trial (no go cue: hold the start).</summary>
    public double CatchProbability { get; init; }

    /// <summary>Curl-field gain k, N·s/m: endpoint force k·[v_y, −v_x] after the go cue (0: none).</summary>
    public double CurlGain { get; init; }

    /// <summary>Centre-out start posture (null: the effector's default).</summary>
    public IReadOnlyList<double>? StartPosition { get; init; }

    /// <summary>MotorNet's random-target reach over <paramref name="steps"/> steps.</summary>
    public static ReachingTask RandomTargetReach(int steps = 100) => new() { Steps = steps };

    /// <summary>Centre-out: 8 targets at 10 cm, go cue between 20 and 50 steps, 20% catch trials.</summary>
    public static ReachingTask CentreOut(int steps = 100) =>
        new() { Kind = ReachKind.CentreOut, Steps = steps, GoCueMinStep = 20, GoCueMaxStep = 50, CatchProbability = 0.2 };

    /// <summary>Centre-out with a curl field switched on at the go cue.</summary>
    public static ReachingTask CurlFieldCentreOut(double gain = 10, int steps = 100) => CentreOut(steps) with { CurlGain = gain };

    /// <summary>Checks the task against an effector: sizes, go cues, start posture and that every target is reachable.</summary>
    /// <exception cref="DataException">Names the offending value.</exception>
    public void Validate(Effector effector)
    {
        ArgumentNullException.ThrowIfNull(effector);
        if (Steps < 1) throw new DataException($"Task episode length must be at least 1 step, got {Steps}.");
        if (GoCueMinStep < 0 || GoCueMaxStep < GoCueMinStep || GoCueMaxStep >= Steps)
            throw new DataException($"Go cue range [{GoCueMinStep}, {GoCueMaxStep}] must satisfy 0 ≤ min ≤ max < steps ({Steps}).");
        if (!(CatchProbability >= 0 && CatchProbability <= 1)) throw new DataException($"Catch probability {CatchProbability} is outside [0, 1].");
        if (!double.IsFinite(CurlGain)) throw new DataException($"Curl gain {CurlGain} is not finite.");
        if (Kind != ReachKind.CentreOut) return;
        if (TargetCount < 1) throw new DataException($"Centre-out needs at least one target, got {TargetCount}.");
        var start = Start(effector);
        for (int j = 0; j < Effector.Dof; j++)
            if (!(start[j] >= effector.PositionLowerBound[j] && start[j] <= effector.PositionUpperBound[j]))
                throw new DataException($"Task start posture: joint {j} is {start[j]}, outside [{effector.PositionLowerBound[j]}, {effector.PositionUpperBound[j]}].");
        Span<double> tip = stackalloc double[2];
        effector.Fingertip(start, tip);
        for (int k = 0; k < TargetCount; k++)
        {
            var (x, y) = Target(tip, k);
            if (!effector.Reachable(x, y))
                throw new DataException(FormattableString.Invariant($"Centre-out target {k} at ({x:F4}, {y:F4}) m is outside the {effector.Name} workspace."));
        }
    }

    internal double[] Start(Effector e) => StartPosition is { } s ? [s[0], s[1]] : [e.DefaultStartPosition[0], e.DefaultStartPosition[1]];

    internal (double X, double Y) Target(ReadOnlySpan<double> startTip, int k)
    {
        double angle = 2 * Math.PI * k / TargetCount;
        return (startTip[0] + TargetDistance * Math.Cos(angle), startTip[1] + TargetDistance * Math.Sin(angle));
    }
}

/// <summary>Observation delays and noise (EQUATIONS.md §7). Delays are in seconds, multiples of 10 ms, at least one step.</summary>
public sealed record SensoryOptions
{
    /// <summary>Vision delay, s. MotorNet's convention: a delay of d steps reads the value from d − 1 steps ago.</summary>
    public double VisionDelay { get; init; } = Effector.Timestep;

    /// <summary>Proprioception delay, s.</summary>
    public double ProprioceptionDelay { get; init; } = Effector.Timestep;

    /// <summary>Std of Gaussian noise on the fingertip reading.</summary>
    public double VisionNoise { get; init; }

    /// <summary>Std of Gaussian noise on the muscle length/velocity readings.</summary>
    public double ProprioceptionNoise { get; init; }

    /// <summary>Std of Gaussian noise on the whole observation except the goal.</summary>
    public double ObservationNoise { get; init; }

    /// <summary>Std of Gaussian noise added to the excitations before the body.</summary>
    public double ActionNoise { get; init; }

    internal int VisionSlots => Slots(VisionDelay, nameof(VisionDelay));

    internal int ProprioceptionSlots => Slots(ProprioceptionDelay, nameof(ProprioceptionDelay));

    private static int Slots(double delay, string name)
    {
        double k = delay / Effector.Timestep;
        int n = (int)Math.Round(k);
        if (!(n >= 1 && Math.Abs(k - n) < 1e-6))
            throw new ModelConfigurationException($"{name} {delay} s must be a positive multiple of the {Effector.Timestep} s step.");
        return n;
    }

    internal void Validate()
    {
        _ = VisionSlots;
        _ = ProprioceptionSlots;
        foreach (var (v, n) in new[] { (VisionNoise, nameof(VisionNoise)), (ProprioceptionNoise, nameof(ProprioceptionNoise)), (ObservationNoise, nameof(ObservationNoise)), (ActionNoise, nameof(ActionNoise)) })
            if (!(v >= 0 && double.IsFinite(v))) throw new ModelConfigurationException($"{n} must be a finite standard deviation ≥ 0, got {v}.");
    }
}

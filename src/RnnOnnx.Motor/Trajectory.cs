namespace RnnOnnx.Motor;

/// <summary>States of an open-loop run: <c>steps + 1</c> per batch row, the first the start state.</summary>
public sealed class Trajectory
{
    private readonly Effector _effector;
    private readonly double[] _states;

    internal Trajectory(Effector effector, int batch, int steps, double[] states)
    {
        _effector = effector;
        Batch = batch;
        Steps = steps;
        _states = states;
    }

    /// <summary>Batch rows.</summary>
    public int Batch { get; }

    /// <summary>Steps simulated (states per row = Steps + 1).</summary>
    public int Steps { get; }

    private ReadOnlySpan<double> State(int row, int t) =>
        _states.AsSpan((t * Batch + row) * _effector.StateSize, _effector.StateSize);

    /// <summary>Joint positions at state t of a row.</summary>
    public (double Q0, double Q1) JointPosition(int row, int t) { var s = State(row, t); return (s[0], s[1]); }

    /// <summary>Joint velocities at state t of a row.</summary>
    public (double Qd0, double Qd1) JointVelocity(int row, int t) { var s = State(row, t); return (s[2], s[3]); }

    /// <summary>Fingertip position (m) at state t of a row.</summary>
    public (double X, double Y) Fingertip(int row, int t)
    {
        Span<double> xy = stackalloc double[2];
        _effector.Fingertip(State(row, t), xy);
        return (xy[0], xy[1]);
    }

    /// <summary>Activation of muscle m at state t of a row.</summary>
    public double Activation(int row, int t, int m) => State(row, t)[Effector.ActivationOffset + m];

    /// <summary>Force (N) of muscle m in the muscle state at t (from that step's activation and the previous geometry).</summary>
    public double Force(int row, int t, int m)
    {
        var s = State(row, t);
        int mc = _effector.MuscleCount;
        Span<double> buf = stackalloc double[2 * mc + Effector.Dof * mc];
        _effector.Geometry(s.Slice(_effector.PreviousOffset, Effector.Dof), s.Slice(_effector.PreviousOffset + Effector.Dof, Effector.Dof),
            buf[..mc], buf.Slice(mc, mc), buf[(2 * mc)..]);
        return _effector.Force(m, s[Effector.ActivationOffset + m], buf[m], buf[mc + m], out _, out _);
    }
}

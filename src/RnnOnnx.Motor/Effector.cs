using RnnOnnx.Randomness;
using RnnOnnx;

namespace RnnOnnx.Motor;

/// <summary>
/// A differentiable musculoskeletal body: a two-degree-of-freedom skeleton moved by muscles whose excitations
/// (the actions, in [0, 1]) drive first-order activation dynamics. Forward Euler at 10 ms, with the one-step lag
/// between the muscle state and the skeleton that MotorNet has (see EQUATIONS.md §1).
/// <para>
/// Precision: the body is simulated in float64. It is cheap (a few hundred flops per row and step next to the
/// policy's GEMMs), float64 keeps finite-difference gradient checks tight and makes divergence from MotorNet's
/// float32 a property of MotorNet's rounding, not ours.
/// </para>
/// </summary>
public abstract partial class Effector
{
    /// <summary>Integration step, seconds (MotorNet's default).</summary>
    public const double Timestep = 0.01;

    /// <summary>Joint-space degrees of freedom (both effectors are planar with two).</summary>
    public const int Dof = 2;

    private protected Effector(int muscles)
    {
        MuscleCount = muscles;
    }

    /// <summary>Effector name as accepted by <see cref="Create"/>.</summary>
    public abstract string Name { get; }

    /// <summary>Number of muscles, which is the width of an action (excitation) row.</summary>
    public int MuscleCount { get; }

    /// <summary>Muscle names in action-column order.</summary>
    public abstract IReadOnlyList<string> MuscleNames { get; }

    /// <summary>Lower joint bounds (rad for the arm, m for the point mass).</summary>
    public abstract IReadOnlyList<double> PositionLowerBound { get; }

    /// <summary>Upper joint bounds.</summary>
    public abstract IReadOnlyList<double> PositionUpperBound { get; }

    /// <summary>The start posture used when none is given.</summary>
    public abstract IReadOnlyList<double> DefaultStartPosition { get; }

    /// <summary>Smallest activation the muscles can reach; excitations below it act as this value.</summary>
    internal abstract double MinActivation { get; }

    /// <summary>Activation and deactivation time constants, s (EQUATIONS.md §2).</summary>
    internal const double TauActivation = 0.015, TauDeactivation = 0.05;

    /// <summary>Velocity bounds (MotorNet's defensive cap).</summary>
    internal const double VelocityBound = 1000;

    /// <summary>Length of a state row: q, qd, a, q_prev, qd_prev.</summary>
    internal int StateSize => 4 * Dof + MuscleCount;

    internal const int ActivationOffset = 2 * Dof;

    internal int PreviousOffset => 2 * Dof + MuscleCount;

    /// <summary>Creates an effector by name: <c>arm26</c> or <c>pointmass</c>.</summary>
    /// <exception cref="ModelConfigurationException">The name is not a known effector.</exception>
    public static Effector Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "ARM26" => new Arm26(),
            "POINTMASS" => new PointMass(),
            _ => throw new ModelConfigurationException($"Unknown effector '{name}': expected 'arm26' or 'pointmass'."),
        };
    }

    /// <summary>
    /// Runs excitations open-loop from rest at the given postures.
    /// </summary>
    /// <param name="startPositions">[batch, 2] joint positions (rest velocities), or empty for the default posture.</param>
    /// <param name="excitations">[batch, steps, muscles], each in [0, 1].</param>
    /// <param name="batch">Rows.</param>
    /// <returns>The trajectory, steps + 1 states per row.</returns>
    /// <exception cref="DataException">A shape or value is out of range (names which).</exception>
    /// <exception cref="TrainingDivergedException">The simulation produced a non-finite value.</exception>
    public Trajectory Simulate(ReadOnlySpan<double> startPositions, ReadOnlySpan<double> excitations, int batch)
    {
        if (batch < 1) throw new DataException($"Batch must be at least 1, got {batch}.");
        int m = MuscleCount;
        if (excitations.Length % (batch * m) != 0)
            throw new DataException($"Excitations for '{Name}' have {excitations.Length} values, not a multiple of batch·muscles = {batch}·{m}: each row needs {m} columns.");
        int steps = excitations.Length / (batch * m);
        ValidateExcitations(excitations);
        var start = new double[batch * Dof];
        if (startPositions.IsEmpty)
            for (int b = 0; b < batch; b++) { start[b * Dof] = DefaultStartPosition[0]; start[b * Dof + 1] = DefaultStartPosition[1]; }
        else if (startPositions.Length != batch * Dof)
            throw new DataException($"Start positions for '{Name}' have {startPositions.Length} values, expected batch·{Dof} = {batch * Dof}.");
        else startPositions.CopyTo(start);

        int s = StateSize;
        var states = new double[(steps + 1) * batch * s];
        for (int b = 0; b < batch; b++) Reset(start.AsSpan(b * Dof, Dof), states.AsSpan(b * s, s));
        var u = new double[m];
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
            {
                excitations.Slice((b * steps + t) * m, m).CopyTo(u);
                var next = states.AsSpan(((t + 1) * batch + b) * s, s);
                Step(states.AsSpan((t * batch + b) * s, s), u, 0, next);
                CheckFinite(next, t, b);
            }
        return new Trajectory(this, batch, steps, states);
    }

    /// <summary>Throws if any excitation is outside [0, 1] or not finite.</summary>
    internal void ValidateExcitations(ReadOnlySpan<double> excitations)
    {
        for (int i = 0; i < excitations.Length; i++)
        {
            double e = excitations[i];
            if (!(e >= 0 && e <= 1))
                throw new DataException($"Excitation of muscle '{MuscleNames[i % MuscleCount]}' (value index {i}) is {e}; excitations must lie in [0, 1].");
        }
    }

    internal void CheckFinite(ReadOnlySpan<double> state, int step, int row)
    {
        foreach (double v in state)
            if (!double.IsFinite(v))
                throw new TrainingDivergedException($"The '{Name}' simulation diverged at step {step + 1}, batch row {row}: a state value became {v}. Stopped before writing it.");
    }

    /// <summary>Initial state at rest: q0, zero velocity, minimal activation, previous = current (EQUATIONS.md §1).</summary>
    /// <exception cref="DataException">The posture is outside the joint bounds.</exception>
    internal void Reset(ReadOnlySpan<double> position, Span<double> state)
    {
        for (int j = 0; j < Dof; j++)
        {
            double p = position[j];
            if (!(p >= PositionLowerBound[j] && p <= PositionUpperBound[j]))
                throw new DataException($"Start posture of '{Name}': joint {j} is {p}, outside its limits [{PositionLowerBound[j]}, {PositionUpperBound[j]}].");
        }
        state.Clear();
        position.CopyTo(state);
        position.CopyTo(state.Slice(PreviousOffset, Dof));
        state.Slice(ActivationOffset, MuscleCount).Fill(MinActivation);
    }

    // ---- Per-effector physics (row-wise, float64). Moment arms are [Dof, M], index j·M + m. ----

    /// <summary>Musculotendon lengths L, velocities V and moment arms ∂L/∂q.</summary>
    internal abstract void Geometry(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, Span<double> length, Span<double> velocity, Span<double> moment);

    /// <summary>Adjoint of <see cref="Geometry"/>: accumulates into gq, gqd.</summary>
    internal abstract void GeometryBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> gLength,
        ReadOnlySpan<double> gVelocity, ReadOnlySpan<double> gMoment, Span<double> gq, Span<double> gqd);

    /// <summary>Muscle force for activation a and musculotendon length/velocity; also the normalised fibre length and velocity (proprioception).</summary>
    internal abstract double Force(int m, double a, double length, double velocity, out double lengthN, out double velocityN);

    /// <summary>Adjoint of <see cref="Force"/>.</summary>
    internal abstract void ForceBackward(int m, double a, double length, double velocity, double gForce, double gLengthN, double gVelocityN,
        out double ga, out double gLength, out double gVelocity);

    /// <summary>Joint accelerations from generalised forces tau and an endpoint load f.</summary>
    internal abstract void Acceleration(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> tau, ReadOnlySpan<double> load, Span<double> qdd);

    /// <summary>Adjoint of <see cref="Acceleration"/>: accumulates into gq, gqd, gTau, gLoad.</summary>
    internal abstract void AccelerationBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> tau, ReadOnlySpan<double> load,
        ReadOnlySpan<double> gqdd, Span<double> gq, Span<double> gqd, Span<double> gTau, Span<double> gLoad);

    /// <summary>Fingertip position (shoulder or workspace origin at 0).</summary>
    internal abstract void Fingertip(ReadOnlySpan<double> q, Span<double> xy);

    /// <summary>Adjoint of <see cref="Fingertip"/>, accumulating into gq.</summary>
    internal abstract void FingertipBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> gxy, Span<double> gq);

    /// <summary>Fingertip velocity J(q)·qd.</summary>
    internal abstract void FingertipVelocity(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, Span<double> v);

    /// <summary>Adjoint of <see cref="FingertipVelocity"/>, accumulating into gq, gqd.</summary>
    internal abstract void FingertipVelocityBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> gv, Span<double> gq, Span<double> gqd);

    // ---- The shared step (EQUATIONS.md §1–2) and its adjoint. ----

    /// <summary>
    /// One Euler step of one row. <paramref name="curl"/> is the curl-field gain k (N·s/m): endpoint load
    /// f = k·[v_y, −v_x] from the fingertip velocity (Shadmehr &amp; Mussa-Ivaldi 1994); 0 for none.
    /// </summary>
    /// <summary>
    /// The step's dynamics, shared by <see cref="Step"/> and the recomputation in its adjoint: muscle force from this
    /// step's activation and the previous step's geometry (lenP, velP, momPrev — MotorNet's one-step lag), generalised
    /// force from the current moment arms, the curl-field load, and the joint accelerations.
    /// </summary>
    private void Dynamics(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> qp, ReadOnlySpan<double> qdp, ReadOnlySpan<double> a, double curl,
        Span<double> lenP, Span<double> velP, Span<double> momPrev, Span<double> len, Span<double> vel, Span<double> mom,
        Span<double> force, Span<double> tau, Span<double> tipV, Span<double> load, Span<double> qdd)
    {
        int m = MuscleCount;
        Geometry(qp, qdp, lenP, velP, momPrev);
        for (int i = 0; i < m; i++) force[i] = Force(i, a[i], lenP[i], velP[i], out _, out _);
        Geometry(q, qd, len, vel, mom);
        for (int j = 0; j < Dof; j++)
        {
            double t = 0;
            for (int i = 0; i < m; i++) t -= force[i] * mom[j * m + i];
            tau[j] = t;
        }
        if (curl != 0)
        {
            FingertipVelocity(q, qd, tipV);
            load[0] = curl * tipV[1];
            load[1] = -curl * tipV[0];
        }
        else load.Clear();
        Acceleration(q, qd, tau, load, qdd);
    }

    internal void Step(ReadOnlySpan<double> s, ReadOnlySpan<double> u, double curl, Span<double> next)
    {
        int m = MuscleCount;
        var q = s[..Dof];
        var qd = s.Slice(Dof, Dof);
        var a = s.Slice(ActivationOffset, m);
        var qp = s.Slice(PreviousOffset, Dof);
        var qdp = s.Slice(PreviousOffset + Dof, Dof);
        Span<double> buf = stackalloc double[6 * m + 4 * Dof + 2 * Dof * m];
        var len = buf[..m];
        var vel = buf.Slice(m, m);
        var force = buf.Slice(2 * m, m);
        var mom = buf.Slice(3 * m, Dof * m);
        var momPrev = buf.Slice(3 * m + Dof * m, Dof * m);
        var tau = buf.Slice(3 * m + 2 * Dof * m, Dof);
        var qdd = buf.Slice(3 * m + 2 * Dof * m + Dof, Dof);
        var tipV = buf.Slice(3 * m + 2 * Dof * m + 2 * Dof, 2);
        var load = buf.Slice(3 * m + 2 * Dof * m + 2 * Dof + 2, 2);

        Dynamics(q, qd, qp, qdp, a, curl, len, vel, momPrev, len, vel, mom, force, tau, tipV, load, qdd);

        double amin = MinActivation;
        for (int i = 0; i < m; i++)
        {
            double da = ActivationRate(u[i], a[i], amin, out _, out _);
            next[ActivationOffset + i] = Math.Clamp(a[i] + Timestep * da, amin, 1);
        }
        for (int j = 0; j < Dof; j++)
        {
            double qRaw = q[j] + Timestep * qd[j];
            double v = Math.Clamp(qd[j] + Timestep * qdd[j], -VelocityBound, VelocityBound);
            if ((v < 0 && qRaw <= PositionLowerBound[j]) || (v > 0 && qRaw >= PositionUpperBound[j])) v = 0;
            next[j] = Math.Clamp(qRaw, PositionLowerBound[j], PositionUpperBound[j]);
            next[Dof + j] = v;
            next[PreviousOffset + j] = q[j];
            next[PreviousOffset + Dof + j] = qd[j];
        }
    }

    /// <summary>
    /// ȧ = (u − a)/τ(a, u) with τ = τ_act(0.5 + 1.5a) when u &gt; a, else τ_deact/(0.5 + 1.5a), both clipped to
    /// [a_min, 1] (EQUATIONS.md §2). Returns ȧ and its partial derivatives.
    /// </summary>
    private static double ActivationRate(double u, double a, double amin, out double dU, out double dA)
    {
        double uc = Math.Clamp(u, amin, 1), ac = Math.Clamp(a, amin, 1);
        double sf = 0.5 + 1.5 * ac;
        bool activating = uc > ac;
        double tau = activating ? TauActivation * sf : TauDeactivation / sf;
        double dTau = activating ? TauActivation * 1.5 : -TauDeactivation * 1.5 / (sf * sf);
        double rate = (uc - ac) / tau;
        dU = u >= amin && u <= 1 ? 1 / tau : 0;
        dA = a >= amin && a <= 1 ? -1 / tau - rate / tau * dTau : 0;
        return rate;
    }

    /// <summary>
    /// Adjoint of <see cref="Step"/>: given ∂L/∂next, accumulates ∂L/∂s into <paramref name="gs"/> and writes ∂L/∂u
    /// into <paramref name="gu"/>. Clipped quantities pass no gradient (the derivative of the active branch).
    /// </summary>
    internal void StepBackward(ReadOnlySpan<double> s, ReadOnlySpan<double> u, double curl, ReadOnlySpan<double> gNext, Span<double> gs, Span<double> gu)
    {
        int m = MuscleCount;
        var q = s[..Dof];
        var qd = s.Slice(Dof, Dof);
        var a = s.Slice(ActivationOffset, m);
        var qp = s.Slice(PreviousOffset, Dof);
        var qdp = s.Slice(PreviousOffset + Dof, Dof);
        Span<double> buf = stackalloc double[10 * m + 8 * Dof + 3 * Dof * m + 8];
        buf.Clear();
        var lenP = buf[..m];
        var velP = buf.Slice(m, m);
        var force = buf.Slice(2 * m, m);
        var len = buf.Slice(3 * m, m);
        var vel = buf.Slice(4 * m, m);
        var gForce = buf.Slice(5 * m, m);
        var gLenP = buf.Slice(6 * m, m);
        var gVelP = buf.Slice(7 * m, m);
        int o = 8 * m;
        var mom = buf.Slice(o, Dof * m); o += Dof * m;
        var momPrev = buf.Slice(o, Dof * m); o += Dof * m;
        var gMom = buf.Slice(o, Dof * m); o += Dof * m;
        var tau = buf.Slice(o, Dof); o += Dof;
        var qdd = buf.Slice(o, Dof); o += Dof;
        var gTau = buf.Slice(o, Dof); o += Dof;
        var gqdd = buf.Slice(o, Dof); o += Dof;
        var gq = buf.Slice(o, Dof); o += Dof;
        var gqd = buf.Slice(o, Dof); o += Dof;
        var gqp = buf.Slice(o, Dof); o += Dof;
        var gqdp = buf.Slice(o, Dof); o += Dof;
        var tipV = buf.Slice(o, 2); o += 2;
        var load = buf.Slice(o, 2); o += 2;
        var gLoad = buf.Slice(o, 2); o += 2;
        var gTipV = buf.Slice(o, 2);

        // Recompute the forward intermediates (cheaper than storing them for every step).
        Dynamics(q, qd, qp, qdp, a, curl, lenP, velP, momPrev, len, vel, mom, force, tau, tipV, load, qdd);

        // q_prev' = q, qd_prev' = qd.
        for (int j = 0; j < Dof; j++)
        {
            gq[j] += gNext[PreviousOffset + j];
            gqd[j] += gNext[PreviousOffset + Dof + j];
        }
        // Skeleton Euler with clipping.
        for (int j = 0; j < Dof; j++)
        {
            double qRaw = q[j] + Timestep * qd[j];
            if (qRaw >= PositionLowerBound[j] && qRaw <= PositionUpperBound[j])
            {
                gq[j] += gNext[j];
                gqd[j] += Timestep * gNext[j];
            }
            double vRaw = qd[j] + Timestep * qdd[j];
            double v = Math.Clamp(vRaw, -VelocityBound, VelocityBound);
            bool zeroed = (v < 0 && qRaw <= PositionLowerBound[j]) || (v > 0 && qRaw >= PositionUpperBound[j]);
            if (!zeroed && vRaw >= -VelocityBound && vRaw <= VelocityBound)
            {
                gqd[j] += gNext[Dof + j];
                gqdd[j] = Timestep * gNext[Dof + j];
            }
        }
        // Activation dynamics.
        double amin = MinActivation;
        var ga = gs.Slice(ActivationOffset, m);
        for (int i = 0; i < m; i++)
        {
            double da = ActivationRate(u[i], a[i], amin, out double dU, out double dA);
            double aRaw = a[i] + Timestep * da;
            double g = aRaw >= amin && aRaw <= 1 ? gNext[ActivationOffset + i] : 0;
            ga[i] += g * (1 + Timestep * dA);
            gu[i] = g * Timestep * dU;
        }
        // Skeleton ODE, curl load, generalised forces.
        AccelerationBackward(q, qd, tau, load, gqdd, gq, gqd, gTau, gLoad);
        if (curl != 0)
        {
            gTipV[0] = -curl * gLoad[1];
            gTipV[1] = curl * gLoad[0];
            FingertipVelocityBackward(q, qd, gTipV, gq, gqd);
        }
        for (int j = 0; j < Dof; j++)
            for (int i = 0; i < m; i++)
            {
                gForce[i] -= mom[j * m + i] * gTau[j];
                gMom[j * m + i] = -force[i] * gTau[j];
            }
        GeometryBackward(q, qd, default, default, gMom, gq, gqd);
        // Muscle force from (a, previous geometry).
        for (int i = 0; i < m; i++)
        {
            ForceBackward(i, a[i], lenP[i], velP[i], gForce[i], 0, 0, out double gai, out gLenP[i], out gVelP[i]);
            ga[i] += gai;
        }
        GeometryBackward(qp, qdp, gLenP, gVelP, default, gqp, gqdp);
        for (int j = 0; j < Dof; j++)
        {
            gs[j] += gq[j];
            gs[Dof + j] += gqd[j];
            gs[PreviousOffset + j] += gqp[j];
            gs[PreviousOffset + Dof + j] += gqdp[j];
        }
    }

    /// <summary>Whether a fingertip position can be reached within the joint bounds.</summary>
    internal abstract bool Reachable(double x, double y);

    /// <summary>A uniformly drawn posture inside the joint bounds (MotorNet: ub − (ub − lb)·U).</summary>
    internal void RandomPosture(Rng rng, Span<double> q)
    {
        for (int j = 0; j < Dof; j++)
            q[j] = PositionUpperBound[j] - (PositionUpperBound[j] - PositionLowerBound[j]) * rng.NextDouble();
    }

    /// <summary>What the body reports to the controller: fingertip, normalised fibre lengths and velocities (from the muscle state).</summary>
    internal void Sense(ReadOnlySpan<double> s, Span<double> xy, Span<double> lengthN, Span<double> velocityN)
    {
        int m = MuscleCount;
        Fingertip(s[..Dof], xy);
        Span<double> buf = stackalloc double[2 * m + Dof * m];
        Geometry(s.Slice(PreviousOffset, Dof), s.Slice(PreviousOffset + Dof, Dof), buf[..m], buf.Slice(m, m), buf.Slice(2 * m));
        for (int i = 0; i < m; i++)
            Force(i, s[ActivationOffset + i], buf[i], buf[m + i], out lengthN[i], out velocityN[i]);
    }

    /// <summary>Adjoint of the proprioceptive part of <see cref="Sense"/>, accumulating into gs.</summary>
    internal void SenseMusclesBackward(ReadOnlySpan<double> s, ReadOnlySpan<double> gLengthN, ReadOnlySpan<double> gVelocityN, Span<double> gs)
    {
        int m = MuscleCount;
        Span<double> buf = stackalloc double[4 * m + Dof * m];
        var qp = s.Slice(PreviousOffset, Dof);
        var qdp = s.Slice(PreviousOffset + Dof, Dof);
        Geometry(qp, qdp, buf[..m], buf.Slice(m, m), buf.Slice(4 * m));
        for (int i = 0; i < m; i++)
        {
            ForceBackward(i, s[ActivationOffset + i], buf[i], buf[m + i], 0, gLengthN[i], gVelocityN[i], out double ga, out buf[2 * m + i], out buf[3 * m + i]);
            gs[ActivationOffset + i] += ga;
        }
        GeometryBackward(qp, qdp, buf.Slice(2 * m, m), buf.Slice(3 * m, m), default, gs.Slice(PreviousOffset, Dof), gs.Slice(PreviousOffset + Dof, Dof));
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector256<double>;

namespace RnnOnnx.Motor;

/// <summary>
/// The arm's step, its adjoint, fingertip and proprioception over four batch rows per Vector256&lt;double&gt;
/// (structure-of-arrays blocks, see Effector.Batch.cs). The same equations as the row-wise methods in Arm26.cs,
/// written in the same operation order, so that the two differ only where Vector256.Exp/SinCos round differently
/// from Math.Exp/SinCos (≤ a few ulp; a test compares them). Branches become selects on both sides' values.
/// </summary>
internal sealed partial class Arm26
{
    // State components (Effector.StateSize = 14): q 0–1, qd 2–3, a 4–9, q_prev 10–11, qd_prev 12–13.
    private const int Cq = 0, Cqd = 2, Ca = 4, Cqp = 10, Cqdp = 12, Muscles = 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V C(double x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Ld(ReadOnlySpan<double> s, int i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void St(V v, Span<double> s, int i) => v.StoreUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);

    private static void CheckBlocks(int stateLength, int rows, int other, int otherLength)
    {
        if (rows % Lanes != 0 || stateLength < 14 * rows || otherLength < other * rows)
            throw new ArgumentException($"Batch blocks: rows {rows} must be a multiple of {Lanes} and spans long enough.");
    }

    /// <summary>Muscle force and, for the adjoint, its partials (Thelen 2003 as MotorNet states it, EQUATIONS.md §6).</summary>
    private struct ForcePartials
    {
        public V Force, Fl, Fv, FvA, FvV, Dfl, Dfpe, LRawAbove;
    }

    /// <summary>Force–velocity factor, both branches evaluated and selected (see the scalar <c>ForceVelocity</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V ForceVelocityV(V a, V v, double vmax, out V dA, out V dV)
    {
        // v ≤ 0 (shortening)
        double c0 = 3 * vmax, c1 = Af * vmax;
        V nomS = C(Af) * (a * C(c0) + C(4) * v + C(vmax));
        V denS = C(3) * a * C(c1) + C(c1) - C(4) * v;
        // v > 0 (lengthening)
        double c2 = 3 * Af * vmax * Flen - 3 * Af * vmax, c3 = 8 * Af * Flen + 8 * Flen, c4 = Af * Flen * vmax - c1, c5 = 8 * (Af + 1);
        V nomL = C(c2) * a + C(c3) * v + C(c4);
        V denL = C(3 * c4) * a + C(c5) * v + C(c4);
        V shortening = Vector256.LessThanOrEqual(v, V.Zero);
        V nom = Vector256.ConditionalSelect(shortening, nomS, nomL);
        V den = Vector256.ConditionalSelect(shortening, denS, denL);
        V nA = Vector256.ConditionalSelect(shortening, C(Af * c0), C(c2));
        V nV = Vector256.ConditionalSelect(shortening, C(4 * Af), C(c3));
        V dnA = Vector256.ConditionalSelect(shortening, C(3 * c1), C(3 * c4));
        V dnV = Vector256.ConditionalSelect(shortening, C(-4), C(c5));
        V f = nom / den;
        V positive = Vector256.GreaterThan(f, V.Zero);
        dA = Vector256.ConditionalSelect(positive, (nA - f * dnA) / den, V.Zero);
        dV = Vector256.ConditionalSelect(positive, (nV - f * dnV) / den, V.Zero);
        return Vector256.ConditionalSelect(positive, f, V.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ForcePartials ForceV(int m, V a, V length, V velocity, bool partials)
    {
        double l0 = OptimalFibre[m], vmax = 10 * l0;
        V lRaw = length - C(TendonSlack[m]);
        V l = Vector256.Max(lRaw, C(MinFibre));
        V fv = ForceVelocityV(a, velocity, vmax, out V fvA, out V fvV);
        V x = l / C(l0) - C(1);
        V fl = Vector256.Exp(-x * x / C(Gamma));
        V above = Vector256.GreaterThan(l, C(l0));
        V ePe = Vector256.Exp(C(PeK / PeEps) * (l - C(l0)) / C(l0));
        V fpe = Vector256.ConditionalSelect(above, (ePe - C(1)) / C(PeDen), V.Zero);
        var r = new ForcePartials { Force = (a * fl * fv + fpe) * C(MaxForce[m]), Fl = fl, Fv = fv, FvA = fvA, FvV = fvV };
        if (partials)
        {
            r.Dfl = fl * (C(-2) * x / C(Gamma)) / C(l0);
            r.Dfpe = Vector256.ConditionalSelect(above, ePe * C(PeK) / C(PeEps) / C(l0) / C(PeDen), V.Zero);
            r.LRawAbove = Vector256.GreaterThan(lRaw, C(MinFibre));
        }
        return r;
    }

    /// <summary>The step's shared intermediates for four rows (the vector form of <c>Dynamics</c>).</summary>
    private struct Frame
    {
        public V Q0, Q1, Qd0, Qd1, Qp0, Qp1, Qdp0, Qdp1, Curl;
        public V S1, C1, S2, C2, S12, C12, Tau0, Tau1, Load0, Load1, Qdd0, Qdd1;
    }

    private static void LoadFrame(ReadOnlySpan<double> s, ReadOnlySpan<double> curl, int rows, int o, out Frame f)
    {
        f = default;
        f.Q0 = Ld(s, Cq * rows + o); f.Q1 = Ld(s, (Cq + 1) * rows + o);
        f.Qd0 = Ld(s, Cqd * rows + o); f.Qd1 = Ld(s, (Cqd + 1) * rows + o);
        f.Qp0 = Ld(s, Cqp * rows + o); f.Qp1 = Ld(s, (Cqp + 1) * rows + o);
        f.Qdp0 = Ld(s, Cqdp * rows + o); f.Qdp1 = Ld(s, (Cqdp + 1) * rows + o);
        f.Curl = Ld(curl, o);
        (f.S1, f.C1) = Vector256.SinCos(f.Q0);
        (f.S2, f.C2) = Vector256.SinCos(f.Q1);
        (f.S12, f.C12) = Vector256.SinCos(f.Q0 + f.Q1);
    }

    /// <summary>Curl load from the fingertip velocity, then the joint accelerations (EQUATIONS.md §1, §4).</summary>
    private static void Accelerate(ref Frame f)
    {
        V j11 = C(-L1) * f.S1 - C(L2) * f.S12, j12 = C(-L2) * f.S12, j21 = C(L1) * f.C1 + C(L2) * f.C12, j22 = C(L2) * f.C12;
        // FingertipVelocity: v0 = (−L1 s1 − L2 s12) qd0 − L2 s12 qd1, v1 = (L1 c1 + L2 c12) qd0 + L2 c12 qd1.
        V v0 = j11 * f.Qd0 - C(L2) * f.S12 * f.Qd1;
        V v1 = j21 * f.Qd0 + C(L2) * f.C12 * f.Qd1;
        f.Load0 = f.Curl * v1;
        f.Load1 = -f.Curl * v0;
        V i11 = C(C11) + f.C2 * C(D11), i12 = C(C12) + f.C2 * C(D12), i22 = C(C22);
        V cor1 = C(-Kc) * f.S2 * (C(2) * f.Qd0 + f.Qd1) * f.Qd1;
        V cor2 = C(Kc) * f.S2 * f.Qd0 * f.Qd0;
        V r0 = f.Tau0 + j11 * f.Load0 + j21 * f.Load1 - cor1;
        V r1 = f.Tau1 + j12 * f.Load0 + j22 * f.Load1 - cor2;
        V det = i11 * i22 - i12 * i12;
        f.Qdd0 = (i22 * r0 - i12 * r1) / det;
        f.Qdd1 = (i11 * r1 - i12 * r0) / det;
    }

    internal override void StepBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> u, ReadOnlySpan<double> curl, Span<double> next, int rows)
    {
        CheckBlocks(s.Length, rows, Muscles, u.Length);
        CheckBlocks(next.Length, rows, 1, curl.Length);
        V amin = C(MinActivation), one = C(1), dt = C(Timestep);
        for (int o = 0; o < rows; o += Lanes)
        {
            LoadFrame(s, curl, rows, o, out var f);
            V d0p = f.Qp0 - C(Offset[0]), d1p = f.Qp1 - C(Offset[1]);
            V d0 = f.Q0 - C(Offset[0]), d1 = f.Q1 - C(Offset[1]);
            V tau0 = V.Zero, tau1 = V.Zero;
            for (int m = 0; m < Muscles; m++)
            {
                V a = Ld(s, (Ca + m) * rows + o);
                // Force from this step's activation and the previous geometry (the one-step lag, EQUATIONS.md §1).
                V m0p = C(A1[m]) + C(2 * A2[m]) * d0p, m1p = C(A1[6 + m]) + C(2 * A2[6 + m]) * d1p;
                V lenP = C(A0[m]) + (C(A1[m]) + C(A2[m]) * d0p) * d0p + (C(A1[6 + m]) + C(A2[6 + m]) * d1p) * d1p;
                V velP = f.Qdp0 * m0p + f.Qdp1 * m1p;
                V force = ForceV(m, a, lenP, velP, partials: false).Force;
                // Generalised force from the current moment arms.
                V m0 = C(A1[m]) + C(2 * A2[m]) * d0, m1 = C(A1[6 + m]) + C(2 * A2[6 + m]) * d1;
                tau0 -= force * m0;
                tau1 -= force * m1;
                // Activation dynamics (EQUATIONS.md §2).
                V uc = Vector256.Clamp(Ld(u, m * rows + o), amin, one), ac = Vector256.Clamp(a, amin, one);
                V sf = C(0.5) + C(1.5) * ac;
                V tau = Vector256.ConditionalSelect(Vector256.GreaterThan(uc, ac), C(TauActivation) * sf, C(TauDeactivation) / sf);
                V rate = (uc - ac) / tau;
                St(Vector256.Clamp(a + dt * rate, amin, one), next, (Ca + m) * rows + o);
            }
            f.Tau0 = tau0; f.Tau1 = tau1;
            Accelerate(ref f);
            Euler(f.Q0, f.Qd0, f.Qdd0, 0, next, rows, o);
            Euler(f.Q1, f.Qd1, f.Qdd1, 1, next, rows, o);
        }
    }

    /// <summary>Skeleton Euler step of joint j with velocity and position clipping (EQUATIONS.md §1 step 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Euler(V q, V qd, V qdd, int j, Span<double> next, int rows, int o)
    {
        V lb = C(LowerBound[j]), ub = C(UpperBound[j]);
        V qRaw = q + C(Timestep) * qd;
        V v = Vector256.Clamp(qd + C(Timestep) * qdd, C(-VelocityBound), C(VelocityBound));
        V zeroed = (Vector256.LessThan(v, V.Zero) & Vector256.LessThanOrEqual(qRaw, lb)) | (Vector256.GreaterThan(v, V.Zero) & Vector256.GreaterThanOrEqual(qRaw, ub));
        v = Vector256.ConditionalSelect(zeroed, V.Zero, v);
        St(Vector256.Clamp(qRaw, lb, ub), next, (Cq + j) * rows + o);
        St(v, next, (Cqd + j) * rows + o);
        St(q, next, (Cqp + j) * rows + o);
        St(qd, next, (Cqdp + j) * rows + o);
    }

    internal override void StepBackwardBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> u, ReadOnlySpan<double> curl, ReadOnlySpan<double> gNext,
        Span<double> gs, Span<double> gu, int rows)
    {
        CheckBlocks(s.Length, rows, Muscles, u.Length);
        CheckBlocks(gNext.Length, rows, Muscles, gu.Length);
        CheckBlocks(gs.Length, rows, 1, curl.Length);
        V amin = C(MinActivation), one = C(1), dt = C(Timestep);
        Span<ForcePartials> fp = stackalloc ForcePartials[Muscles];
        Span<V> mom0 = stackalloc V[Muscles], mom1 = stackalloc V[Muscles], m0p = stackalloc V[Muscles], m1p = stackalloc V[Muscles];
        Span<V> act = stackalloc V[Muscles], ga = stackalloc V[Muscles];
        for (int o = 0; o < rows; o += Lanes)
        {
            // Recompute the forward intermediates (cheaper than storing them for every step).
            LoadFrame(s, curl, rows, o, out var f);
            V d0p = f.Qp0 - C(Offset[0]), d1p = f.Qp1 - C(Offset[1]);
            V d0 = f.Q0 - C(Offset[0]), d1 = f.Q1 - C(Offset[1]);
            V tau0 = V.Zero, tau1 = V.Zero;
            for (int m = 0; m < Muscles; m++)
            {
                V a = act[m] = Ld(s, (Ca + m) * rows + o);
                m0p[m] = C(A1[m]) + C(2 * A2[m]) * d0p;
                m1p[m] = C(A1[6 + m]) + C(2 * A2[6 + m]) * d1p;
                V lenP = C(A0[m]) + (C(A1[m]) + C(A2[m]) * d0p) * d0p + (C(A1[6 + m]) + C(A2[6 + m]) * d1p) * d1p;
                V velP = f.Qdp0 * m0p[m] + f.Qdp1 * m1p[m];
                fp[m] = ForceV(m, a, lenP, velP, partials: true);
                mom0[m] = C(A1[m]) + C(2 * A2[m]) * d0;
                mom1[m] = C(A1[6 + m]) + C(2 * A2[6 + m]) * d1;
                tau0 -= fp[m].Force * mom0[m];
                tau1 -= fp[m].Force * mom1[m];
            }
            f.Tau0 = tau0; f.Tau1 = tau1;
            Accelerate(ref f);

            // q_prev' = q, qd_prev' = qd.
            V gq0 = V.Zero + Ld(gNext, Cqp * rows + o), gq1 = V.Zero + Ld(gNext, (Cqp + 1) * rows + o);
            V gqd0 = V.Zero + Ld(gNext, Cqdp * rows + o), gqd1 = V.Zero + Ld(gNext, (Cqdp + 1) * rows + o);
            // Skeleton Euler with clipping.
            EulerBackward(f.Q0, f.Qd0, f.Qdd0, 0, gNext, rows, o, ref gq0, ref gqd0, out V gqdd0);
            EulerBackward(f.Q1, f.Qd1, f.Qdd1, 1, gNext, rows, o, ref gq1, ref gqd1, out V gqdd1);
            // Activation dynamics; ∂L/∂a accumulates straight into gs as in the row-wise adjoint.
            for (int m = 0; m < Muscles; m++)
            {
                V a = act[m], uRaw = Ld(u, m * rows + o);
                V uc = Vector256.Clamp(uRaw, amin, one), ac = Vector256.Clamp(a, amin, one);
                V sf = C(0.5) + C(1.5) * ac;
                V activating = Vector256.GreaterThan(uc, ac);
                V tau = Vector256.ConditionalSelect(activating, C(TauActivation) * sf, C(TauDeactivation) / sf);
                V dTau = Vector256.ConditionalSelect(activating, C(TauActivation * 1.5), C(-TauDeactivation * 1.5) / (sf * sf));
                V rate = (uc - ac) / tau;
                V dU = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(uRaw, amin) & Vector256.LessThanOrEqual(uRaw, one), one / tau, V.Zero);
                V dA = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a, amin) & Vector256.LessThanOrEqual(a, one), -one / tau - rate / tau * dTau, V.Zero);
                V aRaw = a + dt * rate;
                V g = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(aRaw, amin) & Vector256.LessThanOrEqual(aRaw, one), Ld(gNext, (Ca + m) * rows + o), V.Zero);
                ga[m] = Ld(gs, (Ca + m) * rows + o) + g * (one + dt * dA);
                St(g * dt * dU, gu, m * rows + o);
            }
            // Skeleton ODE, curl load, generalised forces.
            AccelerationBackwardV(ref f, gqdd0, gqdd1, ref gq0, ref gq1, ref gqd0, ref gqd1, out V gTau0, out V gTau1, out V gLoad0, out V gLoad1);
            {
                // Curl load f = k·[v1, −v0]: ∂L/∂v0 = −k·gLoad1, ∂L/∂v1 = k·gLoad0, then FingertipVelocityBackward.
                V gv0 = -f.Curl * gLoad1, gv1 = f.Curl * gLoad0;
                gqd0 += gv0 * (C(-L1) * f.S1 - C(L2) * f.S12) + gv1 * (C(L1) * f.C1 + C(L2) * f.C12);
                gqd1 += gv0 * (C(-L2) * f.S12) + gv1 * (C(L2) * f.C12);
                V w = f.Qd0 + f.Qd1;
                gq0 += gv0 * (C(-L1) * f.C1 * f.Qd0 - C(L2) * f.C12 * w) + gv1 * (C(-L1) * f.S1 * f.Qd0 - C(L2) * f.S12 * w);
                gq1 += gv0 * (C(-L2) * f.C12 * w) + gv1 * (C(-L2) * f.S12 * w);
            }
            V gqp0 = V.Zero, gqp1 = V.Zero, gqdp0 = V.Zero, gqdp1 = V.Zero;
            for (int m = 0; m < Muscles; m++)
            {
                // τ_j = −Σ F_m M_jm: ∂L/∂F_m and ∂L/∂M_jm; moment arms' adjoint (GeometryBackward with gMoment only).
                V gForce = V.Zero - mom0[m] * gTau0 - mom1[m] * gTau1;
                V gMom0 = -fp[m].Force * gTau0, gMom1 = -fp[m].Force * gTau1;
                gq0 += gMom0 * C(2 * A2[m]);
                gq1 += gMom1 * C(2 * A2[6 + m]);
                // Muscle force from (a, previous geometry) — ForceBackward with no proprioceptive gradient.
                var p = fp[m];
                V a = act[m];
                V gF = gForce * C(MaxForce[m]);
                ga[m] += gF * (p.Fl * p.Fv + a * p.Fl * p.FvA);
                V gLen = Vector256.ConditionalSelect(p.LRawAbove, gF * (a * p.Fv * p.Dfl + p.Dfpe), V.Zero);
                V gVel = gF * a * p.Fl * p.FvV;
                St(ga[m], gs, (Ca + m) * rows + o);
                // Previous geometry's adjoint (GeometryBackward with gLength, gVelocity).
                gqp0 += gLen * m0p[m]; gqp1 += gLen * m1p[m];
                gqdp0 += gVel * m0p[m]; gqdp1 += gVel * m1p[m];
                gqp0 += gVel * f.Qdp0 * C(2) * C(A2[m]); gqp1 += gVel * f.Qdp1 * C(2) * C(A2[6 + m]);
            }
            Acc(gs, Cq * rows + o, gq0); Acc(gs, (Cq + 1) * rows + o, gq1);
            Acc(gs, Cqd * rows + o, gqd0); Acc(gs, (Cqd + 1) * rows + o, gqd1);
            Acc(gs, Cqp * rows + o, gqp0); Acc(gs, (Cqp + 1) * rows + o, gqp1);
            Acc(gs, Cqdp * rows + o, gqdp0); Acc(gs, (Cqdp + 1) * rows + o, gqdp1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Acc(Span<double> s, int i, V v) => St(Ld(s, i) + v, s, i);

    /// <summary>Adjoint of <see cref="Euler"/> for joint j: clipped quantities pass no gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EulerBackward(V q, V qd, V qdd, int j, ReadOnlySpan<double> gNext, int rows, int o, ref V gq, ref V gqd, out V gqdd)
    {
        V lb = C(LowerBound[j]), ub = C(UpperBound[j]);
        V qRaw = q + C(Timestep) * qd;
        V inside = Vector256.GreaterThanOrEqual(qRaw, lb) & Vector256.LessThanOrEqual(qRaw, ub);
        V gNq = Ld(gNext, (Cq + j) * rows + o), gNqd = Ld(gNext, (Cqd + j) * rows + o);
        gq += Vector256.ConditionalSelect(inside, gNq, V.Zero);
        gqd += Vector256.ConditionalSelect(inside, C(Timestep) * gNq, V.Zero);
        V vRaw = qd + C(Timestep) * qdd;
        V v = Vector256.Clamp(vRaw, C(-VelocityBound), C(VelocityBound));
        V zeroed = (Vector256.LessThan(v, V.Zero) & Vector256.LessThanOrEqual(qRaw, lb)) | (Vector256.GreaterThan(v, V.Zero) & Vector256.GreaterThanOrEqual(qRaw, ub));
        V pass = Vector256.AndNot(Vector256.GreaterThanOrEqual(vRaw, C(-VelocityBound)) & Vector256.LessThanOrEqual(vRaw, C(VelocityBound)), zeroed);
        gqd += Vector256.ConditionalSelect(pass, gNqd, V.Zero);
        gqdd = Vector256.ConditionalSelect(pass, C(Timestep) * gNqd, V.Zero);
    }

    /// <summary>Vector form of <see cref="AccelerationBackward"/> (same derivation: y = n / det, n = adj(I)·r).</summary>
    private static void AccelerationBackwardV(ref Frame f, V gqdd0, V gqdd1, ref V gq0, ref V gq1, ref V gqd0, ref V gqd1,
        out V gTau0, out V gTau1, out V gLoad0, out V gLoad1)
    {
        V s1 = f.S1, c1 = f.C1, s2 = f.S2, c2 = f.C2, s12 = f.S12, c12 = f.C12, qd0 = f.Qd0, qd1 = f.Qd1;
        V i11 = C(C11) + c2 * C(D11), i12 = C(C12) + c2 * C(D12), i22 = C(C22);
        V w = C(2) * qd0 + qd1;
        V cor1 = C(-Kc) * s2 * w * qd1;
        V cor2 = C(Kc) * s2 * qd0 * qd0;
        V j11 = C(-L1) * s1 - C(L2) * s12, j12 = C(-L2) * s12, j21 = C(L1) * c1 + C(L2) * c12, j22 = C(L2) * c12;
        V r0 = f.Tau0 + j11 * f.Load0 + j21 * f.Load1 - cor1;
        V r1 = f.Tau1 + j12 * f.Load0 + j22 * f.Load1 - cor2;
        V det = i11 * i22 - i12 * i12;
        V y0 = (i22 * r0 - i12 * r1) / det, y1 = (i11 * r1 - i12 * r0) / det;

        V gn0 = gqdd0 / det, gn1 = gqdd1 / det;
        V gdet = -(gqdd0 * y0 + gqdd1 * y1) / det;
        V gr0 = i22 * gn0 - i12 * gn1, gr1 = i11 * gn1 - i12 * gn0;
        V gi11 = i22 * gdet + r1 * gn1;
        V gi12 = C(-2) * i12 * gdet - r1 * gn0 - r0 * gn1;
        V gc2 = C(D11) * gi11 + C(D12) * gi12;

        gTau0 = V.Zero + gr0; gTau1 = V.Zero + gr1;
        gLoad0 = V.Zero + (j11 * gr0 + j12 * gr1);
        gLoad1 = V.Zero + (j21 * gr0 + j22 * gr1);
        V gj11 = f.Load0 * gr0, gj21 = f.Load1 * gr0, gj12 = f.Load0 * gr1, gj22 = f.Load1 * gr1;
        V gs1 = C(-L1) * gj11, gc1 = C(L1) * gj21, gs12 = C(-L2) * (gj11 + gj12), gc12 = C(L2) * (gj21 + gj22);

        V gcor1 = -gr0, gcor2 = -gr1;
        V gs2 = C(-Kc) * w * qd1 * gcor1 + C(Kc) * qd0 * qd0 * gcor2;
        gqd0 += C(-Kc) * s2 * C(2) * qd1 * gcor1 + C(2 * Kc) * s2 * qd0 * gcor2;
        gqd1 += C(-Kc) * s2 * (C(2) * qd0 + C(2) * qd1) * gcor1;

        gq0 += c1 * gs1 - s1 * gc1 + c12 * gs12 - s12 * gc12;
        gq1 += c12 * gs12 - s12 * gc12 + c2 * gs2 - s2 * gc2;
    }

    internal override void FingertipBatch(ReadOnlySpan<double> s, Span<double> xy, int rows)
    {
        CheckBlocks(s.Length, rows, 2, xy.Length);
        for (int o = 0; o < rows; o += Lanes)
        {
            V q0 = Ld(s, o), q1 = Ld(s, rows + o);
            var (s1, c1) = Vector256.SinCos(q0);
            var (s12, c12) = Vector256.SinCos(q0 + q1);
            St(C(L1) * c1 + C(L2) * c12, xy, o);
            St(C(L1) * s1 + C(L2) * s12, xy, rows + o);
        }
    }

    internal override void FingertipBackwardBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> gxy, Span<double> gs, int rows)
    {
        CheckBlocks(s.Length, rows, 2, gxy.Length);
        CheckBlocks(gs.Length, rows, 0, 0);
        for (int o = 0; o < rows; o += Lanes)
        {
            V q0 = Ld(s, o), q1 = Ld(s, rows + o), gx = Ld(gxy, o), gy = Ld(gxy, rows + o);
            var (s1, c1) = Vector256.SinCos(q0);
            var (s12, c12) = Vector256.SinCos(q0 + q1);
            Acc(gs, o, gx * (C(-L1) * s1 - C(L2) * s12) + gy * (C(L1) * c1 + C(L2) * c12));
            Acc(gs, rows + o, gx * (C(-L2) * s12) + gy * (C(L2) * c12));
        }
    }

    /// <summary>
    /// Normalised fibre length and velocity from the previous geometry (what <c>Force</c> reports; no exponentials
    /// are needed for them).
    /// </summary>
    internal override void SenseMusclesBatch(ReadOnlySpan<double> s, Span<double> lengthN, Span<double> velocityN, int rows)
    {
        CheckBlocks(s.Length, rows, Muscles, Math.Min(lengthN.Length, velocityN.Length));
        for (int o = 0; o < rows; o += Lanes)
        {
            V qdp0 = Ld(s, Cqdp * rows + o), qdp1 = Ld(s, (Cqdp + 1) * rows + o);
            V d0 = Ld(s, Cqp * rows + o) - C(Offset[0]), d1 = Ld(s, (Cqp + 1) * rows + o) - C(Offset[1]);
            for (int m = 0; m < Muscles; m++)
            {
                double l0 = OptimalFibre[m];
                V m0 = C(A1[m]) + C(2 * A2[m]) * d0, m1 = C(A1[6 + m]) + C(2 * A2[6 + m]) * d1;
                V len = C(A0[m]) + (C(A1[m]) + C(A2[m]) * d0) * d0 + (C(A1[6 + m]) + C(A2[6 + m]) * d1) * d1;
                V vel = qdp0 * m0 + qdp1 * m1;
                St(Vector256.Max(len - C(TendonSlack[m]), C(MinFibre)) / C(l0), lengthN, m * rows + o);
                St(vel / C(10 * l0), velocityN, m * rows + o);
            }
        }
    }

    internal override void SenseMusclesBackwardBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> gLengthN, ReadOnlySpan<double> gVelocityN, Span<double> gs, int rows)
    {
        CheckBlocks(s.Length, rows, Muscles, Math.Min(gLengthN.Length, gVelocityN.Length));
        CheckBlocks(gs.Length, rows, 0, 0);
        for (int o = 0; o < rows; o += Lanes)
        {
            V qdp0 = Ld(s, Cqdp * rows + o), qdp1 = Ld(s, (Cqdp + 1) * rows + o);
            V d0 = Ld(s, Cqp * rows + o) - C(Offset[0]), d1 = Ld(s, (Cqp + 1) * rows + o) - C(Offset[1]);
            V gqp0 = Ld(gs, Cqp * rows + o), gqp1 = Ld(gs, (Cqp + 1) * rows + o);
            V gqdp0 = Ld(gs, Cqdp * rows + o), gqdp1 = Ld(gs, (Cqdp + 1) * rows + o);
            for (int m = 0; m < Muscles; m++)
            {
                double l0 = OptimalFibre[m];
                V m0 = C(A1[m]) + C(2 * A2[m]) * d0, m1 = C(A1[6 + m]) + C(2 * A2[6 + m]) * d1;
                V len = C(A0[m]) + (C(A1[m]) + C(A2[m]) * d0) * d0 + (C(A1[6 + m]) + C(A2[6 + m]) * d1) * d1;
                V gLen = Vector256.ConditionalSelect(Vector256.GreaterThan(len - C(TendonSlack[m]), C(MinFibre)), Ld(gLengthN, m * rows + o) / C(l0), V.Zero);
                V gVel = Ld(gVelocityN, m * rows + o) / C(10 * l0);
                gqp0 += gLen * m0; gqp1 += gLen * m1;
                gqdp0 += gVel * m0; gqdp1 += gVel * m1;
                gqp0 += gVel * qdp0 * C(2) * C(A2[m]); gqp1 += gVel * qdp1 * C(2) * C(A2[6 + m]);
            }
            St(gqp0, gs, Cqp * rows + o); St(gqp1, gs, (Cqp + 1) * rows + o);
            St(gqdp0, gs, Cqdp * rows + o); St(gqdp1, gs, (Cqdp + 1) * rows + o);
        }
    }
}

namespace RnnOnnx.Motor;

/// <summary>
/// Planar two-joint arm (shoulder at the origin) with six lumped Thelen-style rigid-tendon Hill muscles:
/// MotorNet's "arm26" (RigidTendonArm26 with RigidTendonHillMuscleThelen). Equations and parameters: EQUATIONS.md §4–6.
/// </summary>
internal sealed partial class Arm26 : Effector
{
    // Skeleton (EQUATIONS.md §4).
    private const double M1 = 1.82, M2 = 1.43, L1g = 0.135, L2g = 0.165, I1 = 0.051, I2 = 0.057, L1 = 0.309, L2 = 0.333;
    private const double C11 = M1 * L1g * L1g + I1 + M2 * (L2g * L2g + L1 * L1) + I2;
    private const double C12 = M2 * L2g * L2g + I2, C22 = M2 * L2g * L2g + I2;
    private const double D11 = 2 * M2 * L1 * L2g, D12 = M2 * L1 * L2g;
    private const double Kc = M2 * L1 * L2g; // coriolis gain

    // Geometry polynomial (EQUATIONS.md §5), per muscle; index [joint·6 + muscle].
    private static readonly double[] A0 = [0.151, 0.2322, 0.2859, 0.2355, 0.3329, 0.2989];
    private static readonly double[] A1 = [-0.03, 0.03, 0, 0, -0.03, 0.03, 0, 0, -0.014, 0.025, -0.016, 0.03];
    private static readonly double[] A2 = [0, 0, 0, 0, 0, 0, 0, 0, -4e-3, -2.2e-3, -5.7e-3, -3.2e-3];
    private static readonly double[] Offset = [Math.PI / 2, 0];

    // Muscles (EQUATIONS.md §5–6).
    private static readonly double[] MaxForce = [838, 1207, 1422, 1549, 414, 603];
    private static readonly double[] TendonSlack = [0.039, 0.066, 0.172, 0.187, 0.204, 0.217];
    private static readonly double[] OptimalFibre = [0.134, 0.140, 0.092, 0.093, 0.137, 0.127];
    private const double PeK = 5, PeEps = 0.6, Gamma = 0.45, Af = 0.25, Flen = 1.4, MinFibre = 0.001;
    private static readonly double PeDen = Math.Exp(PeK) - 1;

    private static readonly string[] Names = ["pectoralis", "deltoid", "brachioradialis", "tricepslat", "biceps", "tricepslong"];
    private static readonly double[] LowerBound = [0, 0];
    private static readonly double[] UpperBound = [135 * Math.PI / 180, 155 * Math.PI / 180];
    private static readonly double[] Start = [Math.PI / 3, Math.PI / 2];

    public Arm26() : base(6) { }

    public override string Name => "arm26";
    public override IReadOnlyList<string> MuscleNames => Names;
    public override IReadOnlyList<double> PositionLowerBound => LowerBound;
    public override IReadOnlyList<double> PositionUpperBound => UpperBound;
    public override IReadOnlyList<double> DefaultStartPosition => Start;
    internal override double MinActivation => 0.001;

    internal override void Geometry(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, Span<double> length, Span<double> velocity, Span<double> moment)
    {
        double d0 = q[0] - Offset[0], d1 = q[1] - Offset[1];
        for (int m = 0; m < 6; m++)
        {
            double m0 = A1[m] + 2 * A2[m] * d0, m1 = A1[6 + m] + 2 * A2[6 + m] * d1;
            length[m] = A0[m] + (A1[m] + A2[m] * d0) * d0 + (A1[6 + m] + A2[6 + m] * d1) * d1;
            velocity[m] = qd[0] * m0 + qd[1] * m1;
            moment[m] = m0;
            moment[6 + m] = m1;
        }
    }

    internal override void GeometryBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> gLength,
        ReadOnlySpan<double> gVelocity, ReadOnlySpan<double> gMoment, Span<double> gq, Span<double> gqd)
    {
        double d0 = q[0] - Offset[0], d1 = q[1] - Offset[1];
        for (int m = 0; m < 6; m++)
        {
            double m0 = A1[m] + 2 * A2[m] * d0, m1 = A1[6 + m] + 2 * A2[6 + m] * d1;
            if (!gLength.IsEmpty) { gq[0] += gLength[m] * m0; gq[1] += gLength[m] * m1; }
            if (!gVelocity.IsEmpty)
            {
                double gv = gVelocity[m];
                gqd[0] += gv * m0; gqd[1] += gv * m1;
                gq[0] += gv * qd[0] * 2 * A2[m]; gq[1] += gv * qd[1] * 2 * A2[6 + m];
            }
            if (!gMoment.IsEmpty) { gq[0] += gMoment[m] * 2 * A2[m]; gq[1] += gMoment[6 + m] * 2 * A2[6 + m]; }
        }
    }

    /// <summary>Thelen (2003) rigid-tendon muscle as MotorNet states it (EQUATIONS.md §6).</summary>
    internal override double Force(int m, double a, double length, double velocity, out double lengthN, out double velocityN)
    {
        double l0 = OptimalFibre[m], vmax = 10 * l0;
        double l = Math.Max(length - TendonSlack[m], MinFibre);
        double v = velocity;
        double fv = ForceVelocity(a, v, vmax, out _, out _);
        double x = l / l0 - 1;
        double fl = Math.Exp(-x * x / Gamma);
        double fpe = l > l0 ? (Math.Exp(PeK / PeEps * (l - l0) / l0) - 1) / PeDen : 0; // = max(·, 0): exp(x) − 1 > 0 ⇔ x > 0
        lengthN = l / l0;
        velocityN = v / vmax;
        return (a * fl * fv + fpe) * MaxForce[m];
    }

    /// <summary>Force–velocity factor (clipped at 0) and its partials in a and v.</summary>
    private static double ForceVelocity(double a, double v, double vmax, out double dA, out double dV)
    {
        double nom, den, nA, nV, dnA, dnV;
        if (v <= 0)
        {
            double c0 = 3 * vmax, c1 = Af * vmax;
            nom = Af * (a * c0 + 4 * v + vmax); nA = Af * c0; nV = 4 * Af;
            den = 3 * a * c1 + c1 - 4 * v; dnA = 3 * c1; dnV = -4;
        }
        else
        {
            double c1 = Af * vmax;
            double c2 = 3 * Af * vmax * Flen - 3 * Af * vmax, c3 = 8 * Af * Flen + 8 * Flen, c4 = Af * Flen * vmax - c1, c5 = 8 * (Af + 1);
            nom = c2 * a + c3 * v + c4; nA = c2; nV = c3;
            den = 3 * c4 * a + c5 * v + c4; dnA = 3 * c4; dnV = c5;
        }
        double f = nom / den;
        if (f <= 0) { dA = dV = 0; return 0; }
        dA = (nA - f * dnA) / den;
        dV = (nV - f * dnV) / den;
        return f;
    }

    internal override void ForceBackward(int m, double a, double length, double velocity, double gForce, double gLengthN, double gVelocityN,
        out double ga, out double gLength, out double gVelocity)
    {
        double l0 = OptimalFibre[m], vmax = 10 * l0, fmax = MaxForce[m];
        double lRaw = length - TendonSlack[m];
        double l = Math.Max(lRaw, MinFibre);
        double fv = ForceVelocity(a, velocity, vmax, out double fvA, out double fvV);
        double x = l / l0 - 1;
        double fl = Math.Exp(-x * x / Gamma);
        double dfl = fl * (-2 * x / Gamma) / l0;
        double dfpe = l > l0 ? Math.Exp(PeK / PeEps * (l - l0) / l0) * PeK / PeEps / l0 / PeDen : 0;
        double gF = gForce * fmax;
        ga = gF * (fl * fv + a * fl * fvA);
        double gl = gF * (a * fv * dfl + dfpe) + gLengthN / l0;
        gLength = lRaw > MinFibre ? gl : 0;
        gVelocity = gF * a * fl * fvV + gVelocityN / vmax;
    }

    internal override void Acceleration(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> tau, ReadOnlySpan<double> load, Span<double> qdd)
    {
        var (s1, c1) = Math.SinCos(q[0]);
        var (s2, c2) = Math.SinCos(q[1]);
        var (s12, c12) = Math.SinCos(q[0] + q[1]);
        double i11 = C11 + c2 * D11, i12 = C12 + c2 * D12, i22 = C22;
        double cor1 = -Kc * s2 * (2 * qd[0] + qd[1]) * qd[1];
        double cor2 = Kc * s2 * qd[0] * qd[0];
        double j11 = -L1 * s1 - L2 * s12, j12 = -L2 * s12, j21 = L1 * c1 + L2 * c12, j22 = L2 * c12;
        double r0 = tau[0] + j11 * load[0] + j21 * load[1] - cor1;
        double r1 = tau[1] + j12 * load[0] + j22 * load[1] - cor2;
        double det = i11 * i22 - i12 * i12;
        qdd[0] = (i22 * r0 - i12 * r1) / det;
        qdd[1] = (i11 * r1 - i12 * r0) / det;
    }

    internal override void AccelerationBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> tau, ReadOnlySpan<double> load,
        ReadOnlySpan<double> gqdd, Span<double> gq, Span<double> gqd, Span<double> gTau, Span<double> gLoad)
    {
        var (s1, c1) = Math.SinCos(q[0]);
        var (s2, c2) = Math.SinCos(q[1]);
        var (s12, c12) = Math.SinCos(q[0] + q[1]);
        double i11 = C11 + c2 * D11, i12 = C12 + c2 * D12, i22 = C22;
        double w = 2 * qd[0] + qd[1];
        double cor1 = -Kc * s2 * w * qd[1];
        double cor2 = Kc * s2 * qd[0] * qd[0];
        double j11 = -L1 * s1 - L2 * s12, j12 = -L2 * s12, j21 = L1 * c1 + L2 * c12, j22 = L2 * c12;
        double r0 = tau[0] + j11 * load[0] + j21 * load[1] - cor1;
        double r1 = tau[1] + j12 * load[0] + j22 * load[1] - cor2;
        double det = i11 * i22 - i12 * i12;
        double y0 = (i22 * r0 - i12 * r1) / det, y1 = (i11 * r1 - i12 * r0) / det;

        // y = n / det with n0 = i22 r0 − i12 r1, n1 = i11 r1 − i12 r0.
        double gn0 = gqdd[0] / det, gn1 = gqdd[1] / det;
        double gdet = -(gqdd[0] * y0 + gqdd[1] * y1) / det;
        double gr0 = i22 * gn0 - i12 * gn1, gr1 = i11 * gn1 - i12 * gn0;
        double gi11 = i22 * gdet + r1 * gn1;
        double gi12 = -2 * i12 * gdet - r1 * gn0 - r0 * gn1;
        double gc2 = D11 * gi11 + D12 * gi12;

        gTau[0] += gr0; gTau[1] += gr1;
        gLoad[0] += j11 * gr0 + j12 * gr1;
        gLoad[1] += j21 * gr0 + j22 * gr1;
        double gj11 = load[0] * gr0, gj21 = load[1] * gr0, gj12 = load[0] * gr1, gj22 = load[1] * gr1;
        double gs1 = -L1 * gj11, gc1 = L1 * gj21, gs12 = -L2 * (gj11 + gj12), gc12 = L2 * (gj21 + gj22);

        double gcor1 = -gr0, gcor2 = -gr1;
        double gs2 = -Kc * w * qd[1] * gcor1 + Kc * qd[0] * qd[0] * gcor2;
        gqd[0] += -Kc * s2 * 2 * qd[1] * gcor1 + 2 * Kc * s2 * qd[0] * gcor2;
        gqd[1] += -Kc * s2 * (2 * qd[0] + 2 * qd[1]) * gcor1;

        gq[0] += c1 * gs1 - s1 * gc1 + c12 * gs12 - s12 * gc12;
        gq[1] += c12 * gs12 - s12 * gc12 + c2 * gs2 - s2 * gc2;
    }

    /// <summary>Two-link inverse kinematics, elbow-positive branch (the elbow's range is [0°, 155°]).</summary>
    internal override bool Reachable(double x, double y)
    {
        double c = (x * x + y * y - L1 * L1 - L2 * L2) / (2 * L1 * L2);
        if (!(c >= -1 && c <= 1)) return false;
        double q1 = Math.Acos(c);
        double q0 = Math.Atan2(y, x) - Math.Atan2(L2 * Math.Sin(q1), L1 + L2 * Math.Cos(q1));
        if (q0 < -Math.PI) q0 += 2 * Math.PI;
        const double eps = 1e-9;
        return q0 >= LowerBound[0] - eps && q0 <= UpperBound[0] + eps && q1 >= LowerBound[1] - eps && q1 <= UpperBound[1] + eps;
    }

    internal override void Fingertip(ReadOnlySpan<double> q, Span<double> xy)
    {
        var (s1, c1) = Math.SinCos(q[0]);
        var (s12, c12) = Math.SinCos(q[0] + q[1]);
        xy[0] = L1 * c1 + L2 * c12;
        xy[1] = L1 * s1 + L2 * s12;
    }

    internal override void FingertipBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> gxy, Span<double> gq)
    {
        var (s1, c1) = Math.SinCos(q[0]);
        var (s12, c12) = Math.SinCos(q[0] + q[1]);
        gq[0] += gxy[0] * (-L1 * s1 - L2 * s12) + gxy[1] * (L1 * c1 + L2 * c12);
        gq[1] += gxy[0] * (-L2 * s12) + gxy[1] * (L2 * c12);
    }

    internal override void FingertipVelocity(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, Span<double> v)
    {
        var (s1, c1) = Math.SinCos(q[0]);
        var (s12, c12) = Math.SinCos(q[0] + q[1]);
        v[0] = (-L1 * s1 - L2 * s12) * qd[0] - L2 * s12 * qd[1];
        v[1] = (L1 * c1 + L2 * c12) * qd[0] + L2 * c12 * qd[1];
    }

    internal override void FingertipVelocityBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> gv, Span<double> gq, Span<double> gqd)
    {
        var (s1, c1) = Math.SinCos(q[0]);
        var (s12, c12) = Math.SinCos(q[0] + q[1]);
        gqd[0] += gv[0] * (-L1 * s1 - L2 * s12) + gv[1] * (L1 * c1 + L2 * c12);
        gqd[1] += gv[0] * (-L2 * s12) + gv[1] * (L2 * c12);
        // ∂v/∂q: v0 = −(L1 s1 + L2 s12) qd0 − L2 s12 qd1, v1 = (L1 c1 + L2 c12) qd0 + L2 c12 qd1.
        double w = qd[0] + qd[1];
        gq[0] += gv[0] * (-L1 * c1 * qd[0] - L2 * c12 * w) + gv[1] * (-L1 * s1 * qd[0] - L2 * s12 * w);
        gq[1] += gv[0] * (-L2 * c12 * w) + gv[1] * (-L2 * s12 * w);
    }
}

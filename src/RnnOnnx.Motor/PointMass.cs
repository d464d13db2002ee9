namespace RnnOnnx.Motor;

/// <summary>
/// A 1 kg point mass in the plane pulled by four straight muscles anchored at (±2, ±2) m, force = activation ×
/// 500 N: MotorNet's "ReluPointMass24". Equations and parameters: EQUATIONS.md §3.
/// </summary>
internal sealed class PointMass : Effector
{
    private const double Mass = 1, MaxForce = 500;
    private static readonly double[] AnchorX = [2, -2, 2, -2], AnchorY = [2, 2, -2, -2];
    private static readonly string[] Names = ["UpperRight", "UpperLeft", "LowerRight", "LowerLeft"];
    private static readonly double[] LowerBound = [-1, -1], UpperBound = [1, 1], Start = [0, 0];

    public PointMass() : base(4) { }

    public override string Name => "pointmass";
    public override IReadOnlyList<string> MuscleNames => Names;
    public override IReadOnlyList<double> PositionLowerBound => LowerBound;
    public override IReadOnlyList<double> PositionUpperBound => UpperBound;
    public override IReadOnlyList<double> DefaultStartPosition => Start;
    internal override double MinActivation => 0;

    // Straight path anchor → mass: L = |p − c|, moment n = (p − c)/L, V = n·v.
    internal override void Geometry(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, Span<double> length, Span<double> velocity, Span<double> moment)
    {
        for (int m = 0; m < 4; m++)
        {
            double dx = q[0] - AnchorX[m], dy = q[1] - AnchorY[m];
            double l = Math.Sqrt(dx * dx + dy * dy);
            double nx = dx / l, ny = dy / l;
            length[m] = l;
            velocity[m] = nx * qd[0] + ny * qd[1];
            moment[m] = nx;
            moment[4 + m] = ny;
        }
    }

    internal override void GeometryBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> gLength,
        ReadOnlySpan<double> gVelocity, ReadOnlySpan<double> gMoment, Span<double> gq, Span<double> gqd)
    {
        for (int m = 0; m < 4; m++)
        {
            double dx = q[0] - AnchorX[m], dy = q[1] - AnchorY[m];
            double l = Math.Sqrt(dx * dx + dy * dy);
            double nx = dx / l, ny = dy / l;
            double gnx = 0, gny = 0, gdx = 0, gdy = 0;
            if (!gLength.IsEmpty) { gdx += nx * gLength[m]; gdy += ny * gLength[m]; }
            if (!gVelocity.IsEmpty)
            {
                gnx += qd[0] * gVelocity[m]; gny += qd[1] * gVelocity[m];
                gqd[0] += nx * gVelocity[m]; gqd[1] += ny * gVelocity[m];
            }
            if (!gMoment.IsEmpty) { gnx += gMoment[m]; gny += gMoment[4 + m]; }
            // ∂n/∂d = (I − n nᵀ)/L.
            double dot = nx * gnx + ny * gny;
            gdx += (gnx - nx * dot) / l;
            gdy += (gny - ny * dot) / l;
            gq[0] += gdx; gq[1] += gdy;
        }
    }

    internal override double Force(int m, double a, double length, double velocity, out double lengthN, out double velocityN)
    {
        // Optimal length and vmax are 1 for this muscle: proprioception reports raw length and velocity.
        lengthN = length;
        velocityN = velocity;
        return a * MaxForce;
    }

    internal override void ForceBackward(int m, double a, double length, double velocity, double gForce, double gLengthN, double gVelocityN,
        out double ga, out double gLength, out double gVelocity)
    {
        ga = gForce * MaxForce;
        gLength = gLengthN;
        gVelocity = gVelocityN;
    }

    internal override void Acceleration(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> tau, ReadOnlySpan<double> load, Span<double> qdd)
    {
        qdd[0] = (tau[0] + load[0]) / Mass;
        qdd[1] = (tau[1] + load[1]) / Mass;
    }

    internal override void AccelerationBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> tau, ReadOnlySpan<double> load,
        ReadOnlySpan<double> gqdd, Span<double> gq, Span<double> gqd, Span<double> gTau, Span<double> gLoad)
    {
        for (int j = 0; j < 2; j++)
        {
            gTau[j] += gqdd[j] / Mass;
            gLoad[j] += gqdd[j] / Mass;
        }
    }

    internal override bool Reachable(double x, double y) => x >= -1 && x <= 1 && y >= -1 && y <= 1;

    internal override void Fingertip(ReadOnlySpan<double> q, Span<double> xy) { xy[0] = q[0]; xy[1] = q[1]; }

    internal override void FingertipBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> gxy, Span<double> gq) { gq[0] += gxy[0]; gq[1] += gxy[1]; }

    internal override void FingertipVelocity(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, Span<double> v) { v[0] = qd[0]; v[1] = qd[1]; }

    internal override void FingertipVelocityBackward(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, ReadOnlySpan<double> gv, Span<double> gq, Span<double> gqd)
    {
        gqd[0] += gv[0]; gqd[1] += gv[1];
    }
}

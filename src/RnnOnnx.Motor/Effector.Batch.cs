namespace RnnOnnx.Motor;

/// <summary>
/// The body over a whole batch at once, in a structure-of-arrays layout: a state block holds component c of row b at
/// <c>c·rows + b</c>, so one SIMD vector loads the same component of consecutive rows. Training runs the body through
/// these; an effector without its own vectorised form gets the defaults below, which call the row-wise methods.
/// <c>rows</c> is a multiple of <see cref="Lanes"/> (callers pad the batch).
/// </summary>
public abstract partial class Effector
{
    /// <summary>Rows per SIMD vector of doubles (Vector256): batches are padded to a multiple of this.</summary>
    internal const int Lanes = 4;

    /// <summary>Rows rounded up to a multiple of <see cref="Lanes"/>.</summary>
    internal static int PaddedRows(int rows) => (rows + Lanes - 1) / Lanes * Lanes;

    /// <summary>
    /// <see cref="Step"/> for every row: states s → next, excitations u [muscles·rows], curl gains [rows].
    /// </summary>
    internal virtual void StepBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> u, ReadOnlySpan<double> curl, Span<double> next, int rows)
    {
        int n = StateSize, m = MuscleCount;
        Span<double> rs = stackalloc double[n];
        Span<double> rn = stackalloc double[n];
        Span<double> ru = stackalloc double[m];
        for (int b = 0; b < rows; b++)
        {
            Gather(s, rows, b, rs);
            Gather(u, rows, b, ru);
            Step(rs, ru, curl[b], rn);
            Scatter(rn, next, rows, b);
        }
    }

    /// <summary><see cref="StepBackward"/> for every row: accumulates ∂L/∂s into gs, writes ∂L/∂u into gu [muscles·rows].</summary>
    internal virtual void StepBackwardBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> u, ReadOnlySpan<double> curl, ReadOnlySpan<double> gNext,
        Span<double> gs, Span<double> gu, int rows)
    {
        int n = StateSize, m = MuscleCount;
        Span<double> rs = stackalloc double[n];
        Span<double> rg = stackalloc double[n];
        Span<double> rgs = stackalloc double[n];
        Span<double> ru = stackalloc double[m];
        Span<double> rgu = stackalloc double[m];
        for (int b = 0; b < rows; b++)
        {
            Gather(s, rows, b, rs);
            Gather(u, rows, b, ru);
            Gather(gNext, rows, b, rg);
            Gather(gs, rows, b, rgs);
            StepBackward(rs, ru, curl[b], rg, rgs, rgu);
            Scatter(rgs, gs, rows, b);
            Scatter(rgu, gu, rows, b);
        }
    }

    /// <summary>Fingertip of every row: x into xy[0..rows), y into xy[rows..2·rows).</summary>
    internal virtual void FingertipBatch(ReadOnlySpan<double> s, Span<double> xy, int rows)
    {
        Span<double> q = stackalloc double[Dof];
        Span<double> p = stackalloc double[2];
        for (int b = 0; b < rows; b++)
        {
            q[0] = s[b]; q[1] = s[rows + b];
            Fingertip(q, p);
            xy[b] = p[0]; xy[rows + b] = p[1];
        }
    }

    /// <summary>Adjoint of <see cref="FingertipBatch"/>, accumulating into the joint positions of gs.</summary>
    internal virtual void FingertipBackwardBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> gxy, Span<double> gs, int rows)
    {
        Span<double> q = stackalloc double[Dof];
        Span<double> g = stackalloc double[2];
        Span<double> gq = stackalloc double[Dof];
        for (int b = 0; b < rows; b++)
        {
            q[0] = s[b]; q[1] = s[rows + b];
            g[0] = gxy[b]; g[1] = gxy[rows + b];
            gq[0] = gs[b]; gq[1] = gs[rows + b];
            FingertipBackward(q, g, gq);
            gs[b] = gq[0]; gs[rows + b] = gq[1];
        }
    }

    /// <summary>The proprioceptive part of <see cref="Sense"/> for every row: lengths and velocities [muscles·rows] each.</summary>
    internal virtual void SenseMusclesBatch(ReadOnlySpan<double> s, Span<double> lengthN, Span<double> velocityN, int rows)
    {
        int n = StateSize, m = MuscleCount;
        Span<double> rs = stackalloc double[n];
        Span<double> xy = stackalloc double[2];
        Span<double> len = stackalloc double[m];
        Span<double> vel = stackalloc double[m];
        for (int b = 0; b < rows; b++)
        {
            Gather(s, rows, b, rs);
            Sense(rs, xy, len, vel);
            Scatter(len, lengthN, rows, b);
            Scatter(vel, velocityN, rows, b);
        }
    }

    /// <summary>Adjoint of <see cref="SenseMusclesBatch"/>, accumulating into gs.</summary>
    internal virtual void SenseMusclesBackwardBatch(ReadOnlySpan<double> s, ReadOnlySpan<double> gLengthN, ReadOnlySpan<double> gVelocityN, Span<double> gs, int rows)
    {
        int n = StateSize, m = MuscleCount;
        Span<double> rs = stackalloc double[n];
        Span<double> rgs = stackalloc double[n];
        Span<double> gl = stackalloc double[m];
        Span<double> gv = stackalloc double[m];
        for (int b = 0; b < rows; b++)
        {
            Gather(s, rows, b, rs);
            Gather(gs, rows, b, rgs);
            Gather(gLengthN, rows, b, gl);
            Gather(gVelocityN, rows, b, gv);
            SenseMusclesBackward(rs, gl, gv, rgs);
            Scatter(rgs, gs, rows, b);
        }
    }

    /// <summary>Throws for the first of the first <paramref name="valid"/> rows holding a non-finite value (as <see cref="CheckFinite"/>).</summary>
    internal void CheckFiniteBatch(ReadOnlySpan<double> next, int step, int valid, int rows)
    {
        foreach (double v in next)
            if (!double.IsFinite(v))
            {
                for (int b = 0; b < valid; b++)
                    for (int c = 0; c < StateSize; c++)
                    {
                        double x = next[c * rows + b];
                        if (!double.IsFinite(x))
                            throw new TrainingDivergedException($"The '{Name}' simulation diverged at step {step + 1}, batch row {b}: a state value became {x}. Stopped before writing it.");
                    }
                return; // only padding rows: nobody reads them
            }
    }

    /// <summary>Row b of a structure-of-arrays block into a row-wise span.</summary>
    internal static void Gather(ReadOnlySpan<double> block, int rows, int b, Span<double> row)
    {
        for (int c = 0; c < row.Length; c++) row[c] = block[c * rows + b];
    }

    /// <summary>A row-wise span into row b of a structure-of-arrays block.</summary>
    internal static void Scatter(ReadOnlySpan<double> row, Span<double> block, int rows, int b)
    {
        for (int c = 0; c < row.Length; c++) block[c * rows + b] = row[c];
    }
}

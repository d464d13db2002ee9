namespace RnnOnnx.Onnx.Import;

/// <summary>
/// Works out what a Reshape does to a data value's axes: the atoms keep their row-major order, and each target
/// dimension must be the product of consecutive atoms (features, directions, batch, time cannot be split or
/// interleaved, only grouped and ungrouped). Size-one atoms go wherever they fall.
/// </summary>
internal static class ReshapeSolver
{
    /// <param name="value">The data being reshaped.</param>
    /// <param name="targets">Target sizes; null marks the one inferred (−1) dimension.</param>
    /// <returns>The new axes, or null when the reshape does not only group and ungroup atoms.</returns>
    public static Atom[][]? Solve(DataValue value, SymDim?[] targets)
    {
        var atoms = value.Stream.ToArray();
        int n = targets.Length, infer = Array.IndexOf(targets, null);
        var axes = new List<Atom>[n];
        int lo = 0, hi = atoms.Length;
        for (int j = 0; j < (infer < 0 ? n : infer); j++)
        {
            axes[j] = [];
            var size = SymDim.One;
            while (!size.SameAs(targets[j]!.Value))
            {
                if (lo >= hi) return null;
                var atom = atoms[lo++];
                axes[j].Add(atom);
                size *= value.SizeOf(atom);
                if (size.IsUnknown) return null;
            }
        }
        if (infer >= 0)
        {
            for (int j = n - 1; j > infer; j--)
            {
                axes[j] = [];
                var size = SymDim.One;
                while (!size.SameAs(targets[j]!.Value))
                {
                    if (hi <= lo) return null;
                    var atom = atoms[--hi];
                    axes[j].Insert(0, atom);
                    size *= value.SizeOf(atom);
                    if (size.IsUnknown) return null;
                }
            }
            axes[infer] = atoms[lo..hi].ToList();
        }
        else if (lo < hi)
        {
            // Only size-one atoms may be left over; they join the last axis.
            if (n == 0 || atoms[lo..hi].Any(a => !value.IsSizeOne(a))) return null;
            axes[n - 1].AddRange(atoms[lo..hi]);
        }
        return axes.Select(a => a.ToArray()).ToArray();
    }
}

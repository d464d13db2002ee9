namespace RnnOnnx.Onnx.Import;

/// <summary>What an axis of a data value is made of, in row-major order (an axis may merge several, e.g. after a Reshape).</summary>
internal enum AtomKind
{
    /// <summary>The model input's axis 0 (batch or time, as the first recurrent node reveals).</summary>
    Axis0,
    /// <summary>The model input's axis 1.</summary>
    Axis1,
    /// <summary>The directions of a recurrent node, or a stack of states: one per <see cref="DataValue.Entries"/> item.</summary>
    Directions,
    /// <summary>The feature vector of each entry, <see cref="Atom.Width"/> wide (−1: not known yet).</summary>
    Features,
}

internal readonly record struct Atom(AtomKind Kind, long Width = 0)
{
    public static readonly Atom Axis0 = new(AtomKind.Axis0);
    public static readonly Atom Axis1 = new(AtomKind.Axis1);
    public static readonly Atom Directions = new(AtomKind.Directions);
    public static Atom Features(long width) => new(AtomKind.Features, width);

    public bool IsSequenceAxis => Kind is AtomKind.Axis0 or AtomKind.Axis1;
}

/// <summary>Which part of the layer chain a slice of a data value holds.</summary>
internal enum EntryKind
{
    /// <summary>The graph input itself (stage −1).</summary>
    Input,
    /// <summary>A layer's output at every step (recurrent Y) or per sample (Dense, Embedding).</summary>
    Output,
    /// <summary>A recurrent output at its last time step only (Y[-1], torch's <c>out[:, -1, :]</c>).</summary>
    LastStep,
    /// <summary>A recurrent node's final hidden state (Y_h, torch's <c>h_n</c>).</summary>
    Final,
    /// <summary>An LSTM's final cell state (Y_c).</summary>
    Cell,
}

/// <summary>One slice of a data value: the output of layer <see cref="Stage"/> (version counts bias/activation edits of a Dense), direction, kind and the node that made it so.</summary>
internal readonly record struct Entry(int Stage, int Version, int Direction, EntryKind Kind, string Node);

/// <summary>
/// A run-time tensor that flows through the layer chain, described by what each axis is made of (<see cref="Axes"/>,
/// lists of atoms) and what it holds (<see cref="Entries"/>: one per direction or stacked state; when there are
/// several, exactly one <see cref="AtomKind.Directions"/> atom enumerates them). Size-one atoms (a single direction,
/// features of width 1) may move between neighbouring axes without changing the data's order.
/// </summary>
internal sealed class DataValue : Value
{
    public DataValue(Atom[][] axes, Entry[] entries, string? source = null, bool isInteger = false)
    {
        Axes = axes;
        Entries = entries;
        Source = source;
        IsInteger = isInteger;
    }

    /// <summary>A graph input whose rank or type the importer cannot describe: usable as a state or length input, not as data.</summary>
    public static DataValue Opaque(string source, bool isInteger, string? reason = null) =>
        new([], [new Entry(-1, 0, 0, EntryKind.Input, source)], source, isInteger) { IsOpaque = true, OpaqueReason = reason };

    public Atom[][] Axes { get; }
    public Entry[] Entries { get; }

    /// <summary>The graph input this value is (a plumbed view of), or null for values computed by layers.</summary>
    public string? Source { get; }

    public bool IsInteger { get; }
    public bool IsOpaque { get; private init; }

    /// <summary>Why an opaque graph input cannot be data (null: its type or rank).</summary>
    public string? OpaqueReason { get; private init; }

    public int Rank => Axes.Length;
    public bool IsInput => Entries[0].Stage < 0;

    public DataValue With(Atom[][]? axes = null, Entry[]? entries = null, bool? isInteger = null) =>
        new(axes ?? Axes, entries ?? Entries, Source, isInteger ?? IsInteger) { IsOpaque = IsOpaque, OpaqueReason = OpaqueReason };

    public bool IsSizeOne(Atom atom) => atom.Kind switch
    {
        AtomKind.Directions => Entries.Length == 1,
        AtomKind.Features => atom.Width == 1,
        _ => false,
    };

    public SymDim SizeOf(Atom atom) => atom.Kind switch
    {
        AtomKind.Axis0 => SymDim.Axis0,
        AtomKind.Axis1 => SymDim.Axis1,
        AtomKind.Directions => SymDim.Known(Entries.Length),
        _ => atom.Width < 0 ? SymDim.Unknown : SymDim.Known(atom.Width),
    };

    public SymDim SizeOf(Atom[] axis)
    {
        var size = SymDim.One;
        foreach (var atom in axis) size *= SizeOf(atom);
        return size;
    }

    /// <summary>The atoms of an axis that are not size one.</summary>
    public Atom[] Significant(Atom[] axis) => axis.Where(a => !IsSizeOne(a)).ToArray();

    /// <summary>All atoms in row-major order.</summary>
    public IEnumerable<Atom> Stream => Axes.SelectMany(a => a);
}

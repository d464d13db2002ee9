namespace RnnOnnx.Runtime.Batching;

/// <summary>The recurrent state one stream (one key value) carries from row to row: every state concatenated.</summary>
public sealed class StreamState(int width)
{
    /// <summary>The carried state values.</summary>
    public float[] Values { get; } = new float[width];

    /// <summary>How many rows of this stream are already scheduled in the batch being built (see <see cref="BatchRunner"/>).</summary>
    public int RowsInBatch { get; set; }
}

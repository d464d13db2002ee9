namespace RnnOnnx.Runtime;

/// <summary>What the recurrent ONNX transformer (or any batch runner) writes into its output column for each row.</summary>
public enum RecurrentOutputKind
{
    /// <summary>
    /// The model output at the row's last real step: <c>output[b, length - 1, :]</c> of a sequence output
    /// ([batch, time, width]), or <c>output[b, :]</c> of a model that already ends in a vector ([batch, width]).
    /// Column type: vector of Single of the model's output width.
    /// </summary>
    LastStep,

    /// <summary>
    /// The whole output sequence of the row's real steps, step after step (<c>length × width</c> values). Needs a
    /// model whose output is a sequence. Column type: vector of Single, of known size when every row has the same
    /// number of steps (fixed-size input column and no length column), of variable size otherwise.
    /// </summary>
    Sequence,

    /// <summary>
    /// The recurrent state after the row's last real step: every state output (<c>h_out_k</c>, <c>c_out_k</c>, … in
    /// the model's order) concatenated. Needs a model whose state is a graph output, such as a step model
    /// (<c>OnnxGraphKind.Step</c>). Column type: vector of Single of the total state width.
    /// </summary>
    FinalState,
}

using Microsoft.ML;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML;

/// <summary>
/// <c>mlContext.Transforms.ApplyRecurrentOnnxModel(...)</c>: any recurrent ONNX model — exported by RnnOnnx or by
/// another tool — over a column of sequences, with batched ONNX Runtime calls, variable-length rows and state
/// carried per key.
/// </summary>
/// <example>
/// <code>
/// var pipeline = mlContext.Transforms.NormalizeMinMax("Window")
///     .Append(mlContext.Transforms.ApplyRecurrentOnnxModel("Forecast", "Window", "model.onnx"));
/// using var model = pipeline.Fit(data);
/// IDataView scored = model.Transform(data);
/// </code>
/// </example>
public static class RecurrentOnnxCatalog
{
    /// <summary>Runs the recurrent ONNX model in <paramref name="modelFile"/> over <paramref name="inputColumnName"/>.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Column to add: a vector of Single (see <paramref name="output"/>).</param>
    /// <param name="inputColumnName">Column holding each row's sequence: steps × features values.</param>
    /// <param name="modelFile">The ONNX model; read once, now.</param>
    /// <param name="output">Last step (default), whole sequence, or final recurrent state.</param>
    /// <param name="lengthColumnName">Optional column with each row's number of steps (variable-length rows).</param>
    /// <param name="keyColumnName">Optional column naming each row's stream; state is carried within a stream (needs a step model).</param>
    /// <param name="batchSize">Rows per ONNX Runtime call.</param>
    /// <param name="executionProvider">CPU (default), CUDA or automatic.</param>
    /// <exception cref="ModelFileException">The model file cannot be read or is not ONNX.</exception>
    /// <exception cref="ModelConfigurationException">The model's inputs and outputs do not fit these options.</exception>
    public static RecurrentOnnxEstimator ApplyRecurrentOnnxModel(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelFile,
        RecurrentOutputKind output = RecurrentOutputKind.LastStep, string? lengthColumnName = null, string? keyColumnName = null,
        int batchSize = 256, ExecutionProvider? executionProvider = null) =>
        catalog.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            ModelFile = modelFile,
            Output = output,
            LengthColumnName = lengthColumnName,
            KeyColumnName = keyColumnName,
            BatchSize = batchSize,
            ExecutionProvider = executionProvider ?? ExecutionProvider.Cpu,
        });

    /// <summary>Runs a recurrent ONNX model as <paramref name="options"/> describe.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="options">Model, columns, output, batching, execution provider. Copied: later changes have no effect.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    /// <exception cref="ModelFileException">The model file cannot be read or is not ONNX.</exception>
    /// <exception cref="ModelConfigurationException">The model's inputs and outputs do not fit the options.</exception>
    public static RecurrentOnnxEstimator ApplyRecurrentOnnxModel(this TransformsCatalog catalog, RecurrentOnnxOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentOnnxEstimator(options);
    }
}

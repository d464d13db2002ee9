using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Serialization;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML;

/// <summary>
/// <c>mlContext.Model.SaveRecurrentPipeline(...)</c> and <c>LoadRecurrentPipeline(...)</c>: one file for a whole
/// fitted pipeline that mixes ML.NET's built-in transformers with <see cref="RecurrentOnnxTransformer"/>s, which
/// <c>mlContext.Model.Save</c> cannot hold (ML.NET 5 keeps <c>ModelSaveContext</c> internal, so third-party
/// transformers cannot save themselves).
/// </summary>
/// <remarks>
/// <para>
/// The file is a zip archive. <c>pipeline.json</c> names the format (<c>rnnonnx.pipeline</c>, version 1) and lists the
/// stages in order. Each run of consecutive ML.NET transformers is one stage, saved by ML.NET itself
/// (<c>mlContext.Model.Save</c>) with the schema entering it, as <c>stage-N.mlnet.zip</c>; each recurrent transformer
/// is one stage whose options are JSON in the manifest and whose model is <c>stage-N.onnx</c>, the exact ONNX bytes
/// it ran. <c>input-schema.mlnet.zip</c> holds ML.NET's save of an empty pipeline over the pipeline's input schema.
/// Loading rebuilds the same transformers in the same order, so predictions are identical, in this process or another.
/// </para>
/// <para>
/// Nested transformer chains are flattened, and ML.NET's transformer scopes (training-only transformers) are not
/// kept: every transformer applies when the loaded pipeline transforms data.
/// </para>
/// </remarks>
public static class RecurrentPipelineCatalog
{
    /// <summary>Writes the fitted <paramref name="model"/> and its <paramref name="inputSchema"/> to <paramref name="filePath"/> (atomically).</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A fitted pipeline: ML.NET transformers, recurrent transformers, or chains of both.</param>
    /// <param name="inputSchema">Schema of the data the pipeline transforms (e.g. <c>data.Schema</c>).</param>
    /// <param name="filePath">File to write.</param>
    public static void SaveRecurrentPipeline(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        Check(catalog, model, inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        AtomicFile.Write(filePath, stream => PipelineArchive.Save(catalog, model, inputSchema, stream));
    }

    /// <summary>Writes the fitted <paramref name="model"/> and its <paramref name="inputSchema"/> to <paramref name="stream"/>.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A fitted pipeline: ML.NET transformers, recurrent transformers, or chains of both.</param>
    /// <param name="inputSchema">Schema of the data the pipeline transforms.</param>
    /// <param name="stream">Stream to write; left open.</param>
    public static void SaveRecurrentPipeline(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        Check(catalog, model, inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        PipelineArchive.Save(catalog, model, inputSchema, stream);
    }

    /// <summary>Reads a pipeline written by <c>SaveRecurrentPipeline</c>.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="filePath">The pipeline file.</param>
    /// <param name="inputSchema">Schema of the data the pipeline transforms.</param>
    /// <param name="executionProvider">Runs every recurrent model on this provider instead of the saved one.</param>
    /// <returns>The pipeline's transformers in order; dispose it to free the ONNX Runtime sessions.</returns>
    /// <exception cref="ModelFileException">The file is missing, damaged, or not a pipeline file.</exception>
    public static TransformerChain<ITransformer> LoadRecurrentPipeline(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema, ExecutionProvider? executionProvider = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        FileStream stream;
        try { stream = Serialization.InputFile.OpenRead(filePath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"Pipeline file '{filePath}' cannot be read: {e.Message}", e);
        }
        using (stream) return PipelineArchive.Load(catalog, stream, $"'{filePath}'", out inputSchema, executionProvider, warning: null);
    }

    /// <summary>Reads a pipeline written by <c>SaveRecurrentPipeline</c> from <paramref name="stream"/>.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="stream">The pipeline; left open.</param>
    /// <param name="inputSchema">Schema of the data the pipeline transforms.</param>
    /// <param name="executionProvider">Runs every recurrent model on this provider instead of the saved one.</param>
    /// <returns>The pipeline's transformers in order; dispose it to free the ONNX Runtime sessions.</returns>
    /// <exception cref="ModelFileException">The stream is damaged or not a pipeline file.</exception>
    public static TransformerChain<ITransformer> LoadRecurrentPipeline(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema, ExecutionProvider? executionProvider = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        return PipelineArchive.Load(catalog, stream, "Pipeline stream", out inputSchema, executionProvider, warning: null);
    }

    private static void Check(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
    }
}

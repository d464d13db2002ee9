using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML;

/// <summary>
/// Reads and writes a whole fitted pipeline — ML.NET's built-in transformers and ours, in any order — as one zip
/// file (see <see cref="RecurrentPipelineCatalog"/> for the layout).
/// </summary>
internal static class PipelineArchive
{
    private const string ManifestEntry = "pipeline.json", SchemaEntry = "input-schema.mlnet.zip";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Save(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        var transformers = Flatten(model).ToList();
        if (transformers.Any(t => t is Forecasting.RnnForecastTransformer))
            throw new NotSupportedException("SaveRecurrentPipeline cannot save a ForecastByRnn transformer yet: save its model with transformer.Model.Save(path) " +
                "(RnnForecastModel.Load reads it) or an engine with engine.CheckPoint(path), and the rest of the pipeline without it.");
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(zip, SchemaEntry, s => catalog.Save(new TransformerChain<ITransformer>(), inputSchema, s));

        var stages = new List<PipelineStage>();
        var schema = inputSchema;
        for (int i = 0; i < transformers.Count;)
        {
            string prefix = $"stage-{stages.Count}";
            if (transformers[i] is RecurrentOnnxTransformer recurrent)
            {
                string entry = prefix + ".onnx";
                WriteEntry(zip, entry, s => s.Write(recurrent.ModelBytes));
                stages.Add(new PipelineStage { Recurrent = RecurrentStageConfig.From(recurrent.Options, entry) });
                schema = recurrent.GetOutputSchema(schema);
                i++;
                continue;
            }
            int end = i;
            while (end < transformers.Count && transformers[end] is not RecurrentOnnxTransformer) end++;
            // Not disposed: it borrows the caller's transformers.
            var run = new TransformerChain<ITransformer>(transformers.GetRange(i, end - i).ToArray());
            string mlnet = prefix + ".mlnet.zip";
            WriteEntry(zip, mlnet, s => catalog.Save(run, schema, s));
            stages.Add(new PipelineStage { MlNet = mlnet });
            schema = run.GetOutputSchema(schema);
            i = end;
        }
        var manifest = new PipelineManifest { Format = PipelineManifest.FormatName, Version = PipelineManifest.CurrentVersion, InputSchema = SchemaEntry, Stages = stages };
        WriteEntry(zip, ManifestEntry, s => JsonSerializer.Serialize(s, manifest, Json));
    }

    public static TransformerChain<ITransformer> Load(ModelOperationsCatalog catalog, Stream stream, string source, out DataViewSchema inputSchema, ExecutionProvider? executionProvider, Action<string>? warning)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        ZipArchive zip;
        try { zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new ModelFileException($"{source} is not an RnnOnnx pipeline file (not a zip archive): {e.Message}", e); }
        using (zip)
        {
            var manifest = ReadManifest(zip, source);
            var schemaOnly = catalog.Load(ReadEntry(zip, manifest.InputSchema, source), out inputSchema);
            (schemaOnly as IDisposable)?.Dispose();

            var stages = new List<ITransformer>();
            try
            {
                foreach (var stage in manifest.Stages)
                {
                    if (stage.MlNet is { } entry) stages.Add(catalog.Load(ReadEntry(zip, entry, source), out _));
                    else if (stage.Recurrent is { } config)
                    {
                        var bytes = ReadEntry(zip, config.Model, source).ToArray();
                        stages.Add(RecurrentOnnxTransformer.Create(config.ToOptions(executionProvider, warning), bytes));
                    }
                    else throw new ModelFileException($"{source} has a stage that is neither ML.NET nor recurrent.");
                }
            }
            catch
            {
                foreach (var t in stages.OfType<IDisposable>()) t.Dispose();
                throw;
            }
            return new TransformerChain<ITransformer>(stages.ToArray());
        }
    }

    /// <summary>The transformers of a pipeline in order, nested chains opened up.</summary>
    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];

    private static PipelineManifest ReadManifest(ZipArchive zip, string source)
    {
        PipelineManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<PipelineManifest>(ReadEntry(zip, ManifestEntry, source), Json); }
        catch (JsonException e) { throw new ModelFileException($"{source} has an unreadable {ManifestEntry}: {e.Message}", e); }
        if (manifest is null || manifest.Format != PipelineManifest.FormatName)
            throw new ModelFileException($"{source} is not an RnnOnnx pipeline file ({ManifestEntry} does not say format '{PipelineManifest.FormatName}').");
        if (manifest.Version > PipelineManifest.CurrentVersion)
            throw new ModelFileException($"{source} is pipeline format version {manifest.Version}; this RnnOnnx reads up to version {PipelineManifest.CurrentVersion}.");
        return manifest;
    }

    private static MemoryStream ReadEntry(ZipArchive zip, string name, string source)
    {
        var entry = zip.GetEntry(name) ?? throw new ModelFileException($"{source} is not an RnnOnnx pipeline file or is damaged: entry '{name}' is missing.");
        var buffer = new MemoryStream();
        using (var s = entry.Open()) s.CopyTo(buffer);
        buffer.Position = 0;
        return buffer;
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        // ML.NET writes its own zip and wants a seekable stream; buffering also keeps every writer uniform.
        using var buffer = new MemoryStream();
        write(buffer);
        var entry = zip.CreateEntry(name, name.EndsWith(".zip", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
        using var target = entry.Open();
        buffer.Position = 0;
        buffer.CopyTo(target);
    }
}

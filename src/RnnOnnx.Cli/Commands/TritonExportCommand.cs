using System.CommandLine;
using RnnOnnx.Onnx;
using RnnOnnx.Onnx.Triton;
using RnnOnnx.Training;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx export --triton REPO --model M.onnx [--name NAME] [--max-batch N]`: the model as a Triton model repository
/// entry, <c>REPO/NAME/config.pbtxt</c> + <c>REPO/NAME/V/model.onnx</c> (V = 1, or the next version), written as one
/// unit. Step models become Triton step graphs driven by the sequence batcher; full models get dynamic batching.
/// </summary>
internal sealed class TritonExportCommand
{
    public Option<DirectoryInfo> Repository { get; } = new("--triton") { Description = "Write into this Triton model repository (REPO/NAME/config.pbtxt, REPO/NAME/V/model.onnx) instead of --out; --model may then be an ONNX file" };
    public Option<string> Name { get; } = new("--name") { Description = "Model name in the Triton repository (default: the model file's name)" };
    public Option<int> MaxBatch { get; } = new("--max-batch") { Description = "Triton max_batch_size (0 = no batching, full-sequence models only)", DefaultValueFactory = _ => 8 };

    public IEnumerable<Option> Options => [Repository, Name, MaxBatch];

    /// <summary>Runs the Triton export when --triton is given; <paramref name="native"/> exports a native model file to ONNX first.</summary>
    public int Run(ParseResult parse, FileInfo model, Func<Sequential, byte[]> native, TextWriter output)
    {
        string repository = parse.GetValue(Repository)!.FullName;
        byte[] bytes;
        try { bytes = File.ReadAllBytes(model.FullName); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFileException($"Model file '{model.FullName}' cannot be read: {e.Message}", e); }
        if (!IsOnnx(bytes)) bytes = native(Sequential.Load(model.FullName));
        string name = parse.GetValue(Name) ?? DefaultName(model.Name);
        var result = TritonExporter.Export(bytes, repository, new TritonExportOptions { Name = name, MaxBatchSize = parse.GetValue(MaxBatch) });
        string kind = result.Model.Kind == TritonModelKind.Step ? $"step model, sequence batching, {result.Model.StateInputs.Count} state(s)" : "sequence model, dynamic batching";
        output.WriteLine($"wrote {result.Directory} (version {result.Version}; {kind})");
        if (OutsideTheGraph(bytes) is { } note) output.WriteLine(note);
        return 0;
    }

    /// <summary>
    /// For a forecasting model with series forecast by exponential smoothing (alone or blended with the network), a
    /// note that Triton runs only the graph, i.e. the network's raw output: those series need the library or `rnnonnx serve`.
    /// </summary>
    private static string? OutsideTheGraph(byte[] bytes)
    {
        if (!OnnxModelInfo.Read(bytes).Metadata.TryGetValue(RnnOnnxMetadata.Task, out var task) || task != "forecast") return null;
        using var model = RnnOnnx.Forecasting.RnnForecastModel.FromBytes(bytes, "the model");
        var outside = model.SeriesKeys.Where(k => model.MethodOf(k) != RnnOnnx.Forecasting.ForecastMethod.Network).Order(StringComparer.Ordinal).ToList();
        if (outside.Count == 0) return null;
        string names = string.Join(", ", outside.Take(5).Select(k => k.Length == 0 ? "the series" : $"'{k}'")) + (outside.Count > 5 ? ", …" : "");
        return $"note: {outside.Count} of the model's {model.SeriesKeys.Count} series ({names}) are forecast by exponential smoothing, alone or blended with the network, outside the ONNX graph; Triton serves the network's output only, so forecast those with the library or rnnonnx serve";
    }

    private static bool IsOnnx(byte[] bytes)
    {
        try { OnnxModelInfo.Read(bytes); return true; }
        catch (ModelFileException) { return false; }
    }

    /// <summary>The file name without extension, with characters Triton names should not hold replaced by '_'.</summary>
    internal static string DefaultName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray();
        string name = new(stem);
        return name.Length == 0 || name[0] is '.' or '-' ? "_" + name : name;
    }
}

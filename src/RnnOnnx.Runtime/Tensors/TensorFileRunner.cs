using RnnOnnx.Onnx;
using RnnOnnx.Serialization;

namespace RnnOnnx.Runtime.Tensors;

/// <summary>
/// Runs any ONNX model once on tensors read from JSON and writes every output as JSON — what
/// <c>rnnonnx run --model M.onnx --input IN.json --out OUT.json</c> does, for scripting and debugging.
/// </summary>
/// <remarks>
/// Both files hold one JSON object of tensors: <c>{"name": {"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}}</c>, data
/// row-major (flat or nested). Every model input must be given; its element type (float, double, int64, int32,
/// bool) comes from the model. Outputs are written in the model's order with the shortest decimal text that reads
/// back to the same value; non-finite values as <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// </remarks>
public static class TensorFileRunner
{
    /// <summary>Runs <paramref name="modelFile"/> on the tensors in <paramref name="inputFile"/>; writes the outputs to <paramref name="outputFile"/> (atomically).</summary>
    /// <exception cref="ModelFileException">The model cannot be read or is not ONNX.</exception>
    /// <exception cref="DataException">The input file cannot be read, is not tensor JSON, or does not fit the model's inputs.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot start.</exception>
    /// <exception cref="RnnOnnxException">ONNX Runtime failed.</exception>
    public static void Run(string modelFile, string inputFile, string outputFile, ExecutionProvider? executionProvider = null, Action<string>? warning = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFile);
        ArgumentException.ThrowIfNullOrEmpty(inputFile);
        ArgumentException.ThrowIfNullOrEmpty(outputFile);
        byte[] model;
        try { model = Serialization.InputFile.ReadAllBytes(modelFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"ONNX model '{modelFile}' cannot be read: {e.Message}", e);
        }
        string input;
        try { input = Serialization.InputFile.ReadAllText(inputFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"Input file '{inputFile}' cannot be read: {e.Message}");
        }
        string output = Run(model, input, executionProvider, warning, $"ONNX model '{modelFile}'", $"'{inputFile}'");
        AtomicFile.WriteAllBytes(outputFile, System.Text.Encoding.UTF8.GetBytes(output));
    }

    /// <summary>Runs <paramref name="model"/> on the tensors of <paramref name="inputJson"/>; returns the outputs as JSON.</summary>
    /// <remarks>Opens the model for this one call; <see cref="TensorRunner"/> keeps it open across calls.</remarks>
    /// <exception cref="ModelFileException">The bytes are not an ONNX model.</exception>
    /// <exception cref="DataException">The JSON is not tensor JSON or does not fit the model's inputs.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot start.</exception>
    /// <exception cref="RnnOnnxException">ONNX Runtime failed.</exception>
    public static string Run(byte[] model, string inputJson, ExecutionProvider? executionProvider = null, Action<string>? warning = null) =>
        Run(model, inputJson, executionProvider, warning, "ONNX model", "Input JSON");

    private static string Run(byte[] model, string inputJson, ExecutionProvider? executionProvider, Action<string>? warning, string modelSource, string inputSource)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Input errors are found before a session is paid for, and named before anything ONNX Runtime would say.
        var info = OnnxModelInfo.Read(model, modelSource);
        var tensors = TensorRunner.ReadInputs(info, inputJson, inputSource);
        using var runner = new TensorRunner(model, info, executionProvider, warning, modelSource);
        return runner.Run(tensors, inputSource);
    }
}

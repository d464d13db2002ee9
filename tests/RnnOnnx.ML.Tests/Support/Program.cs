namespace RnnOnnx.ML.Tests;

/// <summary>
/// Entry point of the test assembly, used only by <see cref="PipelineSaveLoadTests"/>: <c>dotnet RnnOnnx.ML.Tests.dll
/// load-check PIPELINE OUTPUT</c> loads a saved pipeline in a fresh process and writes its predictions.
/// (The test runner does not use it; it loads the assembly as a library.)
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["load-check", var pipeline, var output])
        {
            File.WriteAllLines(output, PipelineSaveLoadTests.PredictWithSavedPipeline(pipeline));
            return 0;
        }
        Console.Error.WriteLine("usage: RnnOnnx.ML.Tests load-check PIPELINE OUTPUT");
        return 2;
    }
}

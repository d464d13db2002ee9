namespace RnnOnnx.Server.Models;

/// <summary>The values of an RnnOnnx model's <c>rnnonnx.task</c> metadata that the server has endpoints for.</summary>
internal static class ModelTask
{
    public const string Forecast = "forecast";
    public const string Generate = "generate";
    public const string Caption = "caption";
    public const string Sequence = "sequence";
}

using Microsoft.Extensions.Logging;

namespace RnnOnnx.Server.Hosting;

/// <summary>The server's log messages.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} ({Task}) from {File}")]
    public static partial void Serving(ILogger logger, string model, string task, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing {Model} as not ready: {Reason}")]
    public static partial void NotReady(ILogger logger, string model, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The models folder {Folder} has no .onnx files")]
    public static partial void NoModels(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: {Message}")]
    public static partial void LoadWarning(ILogger logger, string file, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string path);
}

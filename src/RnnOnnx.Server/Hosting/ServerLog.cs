using Microsoft.Extensions.Logging;

namespace RnnOnnx.Server.Hosting;

/// <summary>The server's log messages.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} version {Version} ({Task}) from {File}")]
    public static partial void Serving(ILogger logger, string model, long version, string task, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded {Model} version {Version}: the file changed")]
    public static partial void Reloaded(ILogger logger, string model, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped serving {Model} version {Version}: its file is gone")]
    public static partial void Removed(ILogger logger, string model, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading {Model} version {Version} from {File} failed, the loaded one keeps serving: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string model, long version, string file, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model repository: {Problem}")]
    public static partial void RepositoryProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling the models folder failed")]
    public static partial void PollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{Method} {Path} {Status} {ElapsedMs} ms")]
    public static partial void Access(ILogger logger, string method, string path, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing {Model} as not ready: {Reason}")]
    public static partial void NotReady(ILogger logger, string model, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The models folder {Folder} has no .onnx files")]
    public static partial void NoModels(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: {Message}")]
    public static partial void LoadWarning(ILogger logger, string file, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string path);
}

using System.CommandLine;
using RnnOnnx.Server;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx serve --models DIR [--urls URL[;URL]] [--no-batching] [--max-batch-size N] [--max-batch-wait-ms MS]
/// [--max-concurrent N] [--timeout-seconds S] [--max-streams N] [--stream-ttl-seconds S] [--poll-seconds S]
/// [--sequence-idle-seconds S] [--log-format text|json] [--access-log]`: every model of DIR (searched recursively; plain
/// .onnx files and Triton's NAME/VERSION/model.onnx) over HTTP, /v1 and the Open Inference Protocol /v2, until Ctrl+C or
/// SIGTERM, which stop new requests and let those in flight finish. A port already in use is one line on stderr, exit 1.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServerOptions();
        var models = new Option<DirectoryInfo>("--models") { Description = "Model repository, searched recursively: .onnx files (named by their relative path without .onnx, '/' → '.') and Triton's NAME/VERSION/model.onnx", Required = true };
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var noBatching = new Option<bool>("--no-batching") { Description = "Run each forecast request on its own instead of gathering concurrent ones into one call" };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Most forecasts in one batched call", DefaultValueFactory = _ => defaults.MaxBatchSize };
        var maxWait = new Option<double>("--max-batch-wait-ms") { Description = "Longest a batch waits for more requests while they arrive together", DefaultValueFactory = _ => defaults.MaxBatchWait.TotalMilliseconds };
        var maxConcurrent = new Option<int>("--max-concurrent") { Description = "Model requests served at once; more get 503 with Retry-After", DefaultValueFactory = _ => defaults.MaxConcurrentRequests };
        var timeout = new Option<double>("--timeout-seconds") { Description = "Per-request time limit (504 past it)", DefaultValueFactory = _ => defaults.RequestTimeout.TotalSeconds };
        var maxStreams = new Option<int>("--max-streams") { Description = "Streaming forecast sessions held at once", DefaultValueFactory = _ => defaults.MaxStreams };
        var streamTtl = new Option<double>("--stream-ttl-seconds") { Description = "A stream unused this long is dropped", DefaultValueFactory = _ => defaults.StreamTimeToLive.TotalSeconds };
        var poll = new Option<double>("--poll-seconds") { Description = "Scan the models folder every S seconds and load changed, added and removed models without a restart (0 = never)", DefaultValueFactory = _ => 0 };
        var sequenceIdle = new Option<double>("--sequence-idle-seconds") { Description = "A /v2 sequence (sequence_id) unused this long is dropped", DefaultValueFactory = _ => defaults.SequenceIdleTimeout.TotalSeconds };
        var logFormat = new Option<string>("--log-format") { Description = "Log as text or as JSON objects, one a line", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var accessLog = new Option<bool>("--access-log") { Description = "Log one line per request (method, path, status, milliseconds)" };
        var command = new Command("serve", "Serve every ONNX model of a folder over HTTP: /v1 (forecast, generate, caption, run, streams), the Open Inference Protocol /v2 (KServe v2, as Triton), health, metrics, OpenAPI.")
        {
            models, urls, noBatching, maxBatch, maxWait, maxConcurrent, timeout, maxStreams, streamTtl, poll, sequenceIdle, logFormat, accessLog,
        };
        command.SetAction(parse =>
        {
            var options = new ServerOptions
            {
                ModelsDirectory = parse.GetValue(models)!.FullName,
                Batching = !parse.GetValue(noBatching),
                MaxBatchSize = parse.GetValue(maxBatch),
                MaxBatchWait = TimeSpan.FromMilliseconds(parse.GetValue(maxWait)),
                MaxConcurrentRequests = parse.GetValue(maxConcurrent),
                RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                MaxStreams = parse.GetValue(maxStreams),
                StreamTimeToLive = TimeSpan.FromSeconds(parse.GetValue(streamTtl)),
                PollInterval = parse.GetValue(poll) > 0 ? TimeSpan.FromSeconds(parse.GetValue(poll)) : null,
                SequenceIdleTimeout = TimeSpan.FromSeconds(parse.GetValue(sequenceIdle)),
                JsonLogs = parse.GetValue(logFormat) == "json",
                AccessLog = parse.GetValue(accessLog),
            };
            var addresses = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            using var app = InferenceHost.Build(options, addresses);
            try
            {
                app.Run();
            }
            catch (IOException e) when (e.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"error: cannot listen on {string.Join(", ", addresses)}: {e.Message.TrimEnd('.')} (is another server running there?).");
                return 1;
            }
            return 0;
        });
        return command;
    }
}

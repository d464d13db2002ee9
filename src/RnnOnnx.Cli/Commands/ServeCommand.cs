using System.CommandLine;
using RnnOnnx.Server;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx serve --models DIR [--urls URL[;URL]] [--no-batching] [--max-batch-size N] [--max-batch-wait-ms MS]
/// [--max-concurrent N] [--timeout-seconds S] [--max-streams N] [--stream-ttl-seconds S]`: every model of DIR over
/// HTTP until Ctrl+C or SIGTERM, which stop new requests and let those in flight finish.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServerOptions();
        var models = new Option<DirectoryInfo>("--models") { Description = "Folder of .onnx models; each is served under its file name", Required = true };
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var noBatching = new Option<bool>("--no-batching") { Description = "Run each forecast request on its own instead of gathering concurrent ones into one call" };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Most forecasts in one batched call", DefaultValueFactory = _ => defaults.MaxBatchSize };
        var maxWait = new Option<double>("--max-batch-wait-ms") { Description = "Longest a batch waits for more requests while they arrive together", DefaultValueFactory = _ => defaults.MaxBatchWait.TotalMilliseconds };
        var maxConcurrent = new Option<int>("--max-concurrent") { Description = "Model requests served at once; more get 503 with Retry-After", DefaultValueFactory = _ => defaults.MaxConcurrentRequests };
        var timeout = new Option<double>("--timeout-seconds") { Description = "Per-request time limit (504 past it)", DefaultValueFactory = _ => defaults.RequestTimeout.TotalSeconds };
        var maxStreams = new Option<int>("--max-streams") { Description = "Streaming forecast sessions held at once", DefaultValueFactory = _ => defaults.MaxStreams };
        var streamTtl = new Option<double>("--stream-ttl-seconds") { Description = "A stream unused this long is dropped", DefaultValueFactory = _ => defaults.StreamTimeToLive.TotalSeconds };
        var command = new Command("serve", "Serve every ONNX model of a folder over HTTP (forecast, generate, caption, run, streams, health, metrics).")
        {
            models, urls, noBatching, maxBatch, maxWait, maxConcurrent, timeout, maxStreams, streamTtl,
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
            };
            var addresses = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            using var app = InferenceHost.Build(options, addresses);
            app.Run();
            return 0;
        });
        return command;
    }
}

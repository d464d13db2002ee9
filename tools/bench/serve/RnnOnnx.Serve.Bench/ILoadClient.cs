namespace RnnOnnx.Serve.Bench;

/// <summary>
/// A closed-loop load: N connections, each sending its next request as soon as the previous answer is in, for a
/// fixed time. Bounded by construction: it stops when the time is up, whatever the server does.
/// </summary>
internal interface ILoadClient
{
    /// <summary>Shown in the report: which client produced the numbers.</summary>
    string Name { get; }

    /// <summary>True when the client runs in this process, so that the process's CPU time includes it.</summary>
    bool InProcess { get; }

    Task<LoadRun> RunAsync(Uri address, string path, int connections, TimeSpan duration);
}

namespace RnnOnnx.Tests;

/// <summary>
/// Tests that change the process-wide <see cref="Compute.MaxThreads"/> belong to this collection: its tests run
/// one at a time and never alongside any other collection, so no other test sees a changed thread count.
/// Such tests must restore the previous value in a <c>finally</c>.
/// </summary>
[CollectionDefinition("Threads", DisableParallelization = true)]
public sealed class ThreadsCollectionDefinition;

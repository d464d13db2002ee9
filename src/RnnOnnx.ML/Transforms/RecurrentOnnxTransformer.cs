using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime.Batching;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML;

/// <summary>
/// Runs a recurrent ONNX model over a column of sequences on ONNX Runtime: batched calls for
/// <see cref="Transform"/>, one row per call for <c>PredictionEngine</c>, state carried per key when asked. Made by
/// <see cref="RecurrentOnnxEstimator.Fit"/>; see <see cref="RecurrentOnnxOptions"/> for what it reads and writes.
/// </summary>
/// <remarks>
/// <para>
/// The transformer owns one ONNX Runtime <c>InferenceSession</c>, shared by every cursor, prediction engine and
/// thread that uses it; each of those has its own pinned buffers, so any number of threads can transform at once and
/// get the answers one thread would. Dispose the transformer (or the pipeline that holds it) to free the session.
/// ML.NET's <c>PredictionEngine</c> disposes the transformer it was made from when the engine is disposed, unless it
/// was created with <c>new PredictionEngineOptions { OwnsTransformer = false }</c>: pass that when several engines
/// (one per thread, say) share one transformer.
/// </para>
/// <para>
/// ML.NET cannot save third-party transformers (<c>ModelSaveContext</c> is internal), so <c>mlContext.Model.Save</c>
/// refuses a pipeline holding this transformer: use
/// <see cref="RecurrentPipelineCatalog.SaveRecurrentPipeline(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/>
/// and <see cref="RecurrentPipelineCatalog.LoadRecurrentPipeline(ModelOperationsCatalog, string, out DataViewSchema, ExecutionProvider?)"/>.
/// </para>
/// </remarks>
public sealed class RecurrentOnnxTransformer : ITransformer, IDisposable
{
    private readonly InferenceSession _session;
    /// <summary>Workspaces of finished cursors, for the next ones; guarded by itself, as is <see cref="_disposed"/>.</summary>
    private readonly Stack<BatchWorkspace> _idleWorkspaces = new();
    private bool _disposed;

    private RecurrentOnnxTransformer(RecurrentOnnxOptions options, byte[] model, ModelSignature signature, InferenceSession session, ExecutionProvider used)
    {
        Options = options;
        ModelBytes = model;
        Signature = signature;
        _session = session;
        ExecutionProvider = used;
    }

    /// <summary>Creates the session for <paramref name="model"/> on the provider the options ask for.</summary>
    internal static RecurrentOnnxTransformer Create(RecurrentOnnxOptions options, byte[] model, ModelSignature signature)
    {
        var warn = options.Warning ?? (message => Console.Error.WriteLine("warning: " + message));
        var session = SessionFactory.Create(model, options.ExecutionProvider, options.IntraOpThreads, warn, out var used);
        return new RecurrentOnnxTransformer(options, model, signature, session, used);
    }

    /// <summary>Resolves the model's signature against the options and creates the transformer (used when loading a saved pipeline).</summary>
    internal static RecurrentOnnxTransformer Create(RecurrentOnnxOptions options, byte[] model) =>
        Create(options, model, ModelSignature.Resolve(OnnxModelInfo.Read(model), options.Binding));

    /// <summary>The provider the model actually runs on: <see cref="Runtime.ExecutionProvider.Cpu"/> or <see cref="Runtime.ExecutionProvider.Cuda(int)"/>.</summary>
    public ExecutionProvider ExecutionProvider { get; }

    /// <summary>Always true: the transformer maps rows one by one as well (for <c>PredictionEngine</c>).</summary>
    public bool IsRowToRowMapper => true;

    internal RecurrentOnnxOptions Options { get; }

    internal byte[] ModelBytes { get; }

    internal ModelSignature Signature { get; }

    /// <summary>The input schema plus the output column.</summary>
    /// <exception cref="DataException">A column is missing, or of a type or size the model cannot take.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>Maps rows one at a time (what <c>PredictionEngine</c> uses); stream states live in each mapped row.</summary>
    /// <exception cref="DataException">A column is missing, or of a type or size the model cannot take.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new RecurrentOnnxRowMapper(this, Bind(inputSchema));

    /// <summary>Adds the output column to <paramref name="input"/>, computed lazily, <see cref="RecurrentOnnxOptions.BatchSize"/> rows per call.</summary>
    /// <exception cref="DataException">A column is missing, or of a type or size the model cannot take; or, while reading, a row's values are.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new RecurrentOnnxDataView(this, input, Bind(input.Schema));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "ML.NET cannot save third-party transformers: save the pipeline with mlContext.Model.SaveRecurrentPipeline(model, inputSchema, path) " +
        "and load it with mlContext.Model.LoadRecurrentPipeline(path, out inputSchema).");

    /// <summary>Frees the ONNX Runtime session and the batch buffers finished cursors left for the next ones.</summary>
    public void Dispose()
    {
        lock (_idleWorkspaces)
        {
            if (_disposed) return;
            _disposed = true;
            // The runners' I/O bindings belong to the session: they go first.
            while (_idleWorkspaces.TryPop(out var workspace)) workspace.Dispose();
        }
        _session.Dispose();
    }

    internal ColumnBinding Bind(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        return ColumnBinding.Bind(inputSchema, Options, Signature);
    }

    internal BatchRunner NewRunner(int capacity)
    {
        ThrowIfDisposed();
        return new BatchRunner(_session, Signature, Options.InputColumnName, capacity, carryState: Options.KeyColumnName is not null);
    }

    /// <summary>A workspace of <see cref="RecurrentOnnxOptions.BatchSize"/> rows for a cursor: a finished cursor's, or a new one.</summary>
    internal BatchWorkspace RentWorkspace()
    {
        lock (_idleWorkspaces)
        {
            ThrowIfDisposed();
            if (_idleWorkspaces.TryPop(out var workspace)) return workspace;
        }
        return new BatchWorkspace(NewRunner(Options.BatchSize), Options.BatchSize);
    }

    /// <summary>Takes back a cursor's workspace for the next cursor; frees it if the transformer is gone.</summary>
    internal void ReturnWorkspace(BatchWorkspace workspace)
    {
        workspace.Reset();
        lock (_idleWorkspaces)
        {
            if (!_disposed)
            {
                _idleWorkspaces.Push(workspace);
                return;
            }
        }
        workspace.Dispose();
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
            throw new ObjectDisposedException(nameof(RecurrentOnnxTransformer),
                "The transformer was disposed, which freed its ONNX Runtime session. Note that ML.NET's PredictionEngine disposes the " +
                "transformer it was created from when the engine is disposed, unless created with new PredictionEngineOptions { OwnsTransformer = false }.");
    }

    internal StreamStateStore? NewStreamStore() => Options.KeyColumnName is null ? null : new StreamStateStore(Signature.StateWidth);
}

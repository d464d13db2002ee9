using System.Diagnostics;
using RnnOnnx.Layers;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Training;

/// <summary>
/// One call of <see cref="Sequential.Fit(SequenceDataset, FitOptions?, SequenceDataset?)"/> (or of an
/// <see cref="EncoderDecoder"/>'s Fit): epochs of shuffled
/// mini-batches (forward, loss, backward, optimizer step), validation, early stopping, checkpoints and resume.
/// Everything random draws from one seeded generator in a fixed order, so runs are reproducible bit for bit.
/// </summary>
internal sealed class FitLoop
{
    private readonly ITrainable _model;
    private readonly SequenceDataset _data;
    private readonly FitOptions _options;
    private readonly SequenceDataset _train;
    private readonly SequenceDataset? _validation;
    private readonly BatchAssembler _batch = new();
    private readonly Signal _lossGradient = new();
    private TrainingState _state = new();
    private Rng _rng = new(0);
    private IReadOnlyList<Parameter> _parameters = [];
    private TrainingStep? _step;
    private float[][] _bestWeights = [];

    public FitLoop(ITrainable model, SequenceDataset data, FitOptions options, SequenceDataset? validation)
    {
        _model = model;
        _data = data;
        _options = options;
        if (options.Epochs < 0) throw new ModelConfigurationException($"Epochs must be ≥ 0, got {options.Epochs}.");
        if (options.BatchSize < 1) throw new ModelConfigurationException($"Batch size must be at least 1, got {options.BatchSize}.");
        if (options.ValidationSplit is < 0 or >= 1 || double.IsNaN(options.ValidationSplit))
            throw new ModelConfigurationException($"Validation split must be in [0, 1), got {options.ValidationSplit}.");
        (_train, _validation) = (data, validation);
        if (validation is null && options.ValidationSplit > 0)
        {
            int trainCount = (int)(data.Count * (1 - options.ValidationSplit));
            if (trainCount < 1 || trainCount == data.Count)
                throw new DataException($"Validation split {options.ValidationSplit} of {data.Count} samples leaves {trainCount} for training and {data.Count - trainCount} for validation; both need at least one.");
            _train = data.Slice(0, trainCount);
            _validation = data.Slice(trainCount, data.Count - trainCount);
        }
    }

    public History Run()
    {
        _model.Prepare(_train, _options.Seed);
        if (_validation is not null) _model.Prepare(_validation, _options.Seed);
        _parameters = _model.Parameters;
        _step = new TrainingStep(_model);
        var optimizer = _model.Optimizer!;
        _rng = new Rng(_options.Seed ^ 0x5851F42D4C957F2DUL);
        _bestWeights = _options.EarlyStopping is { RestoreBestWeights: true } ? _parameters.Select(p => new float[p.Value.Length]).ToArray() : [];
        _state = new TrainingState { Fingerprint = Fingerprint() };
        int batchSize = _options.BatchSize;
        int batches = (_train.Count + batchSize - 1) / batchSize;
        if (_options.ResumeFrom is { } resume)
        {
            _state = CheckpointFile.Load(resume, _parameters, optimizer.StateArrays(_parameters).ToList(), _bestWeights, _state.Fingerprint, _train.Count, batches);
            _rng.SetState(_state.Rng);
            optimizer.Iterations = _state.Iterations;
        }

        var stopwatch = new Stopwatch();
        while (_state.Epoch < _options.Epochs && !_state.Stopped)
        {
            int epoch = _state.Epoch;
            stopwatch.Restart();
            if (_state.OrderEpoch != epoch)
            {
                _state.Order = Enumerable.Range(0, _train.Count).ToArray();
                if (_options.Shuffle) _rng.Shuffle(_state.Order);
                _state.OrderEpoch = epoch;
                _state.EpochLossSum = 0;
                _state.EpochSamples = 0;
            }
            for (int b = _state.Batch; b < batches; b++)
            {
                if (_options.CancellationToken.IsCancellationRequested)
                {
                    _state.Batch = b;
                    SaveCheckpoint();
                    _options.CancellationToken.ThrowIfCancellationRequested();
                }
                int start = b * batchSize, count = Math.Min(batchSize, _train.Count - start);
                float rate = optimizer.CurrentLearningRate;
                double loss = TrainBatch(_state.Order.AsSpan(start, count), epoch, b);
                _state.EpochLossSum += loss * count;
                _state.EpochSamples += count;
                _options.OnBatchEnd?.Invoke(new BatchProgress(epoch + 1, b + 1, batches, loss, rate));
            }
            double trainLoss = _state.EpochLossSum / _state.EpochSamples;
            double? validationLoss = _validation is null ? null : Evaluate(_validation);
            _state.Loss.Add(trainLoss);
            if (validationLoss is { } v) _state.ValidationLoss.Add(v);
            UpdateEarlyStopping(validationLoss ?? trainLoss, epoch + 1);
            _state.Epoch = epoch + 1;
            _state.Batch = 0;
            SaveCheckpoint();
            _options.OnEpochEnd?.Invoke(new EpochProgress(epoch + 1, _options.Epochs, trainLoss, validationLoss, stopwatch.Elapsed));
        }

        var history = new History { StoppedEarly = _state.Stopped, BestEpoch = _state.Loss.Count };
        history.LossList.AddRange(_state.Loss);
        history.ValidationLossList.AddRange(_state.ValidationLoss);
        if (_state.HasBestWeights && _options.EarlyStopping is { RestoreBestWeights: true })
        {
            for (int i = 0; i < _parameters.Count; i++) _bestWeights[i].CopyTo(_parameters[i].Value, 0);
            history.BestEpoch = _state.BestEpoch;
        }
        return history;
    }

    private double TrainBatch(ReadOnlySpan<int> indices, int epoch, int batch)
    {
        _model.Gather(_batch, _train, indices);
        return _step!.Run(_batch, _rng, epoch + 1, batch + 1);
    }

    /// <summary>Mean loss in inference mode, weighted by samples per batch.</summary>
    public double Evaluate(SequenceDataset data)
    {
        var context = new PassContext { Training = false };
        var order = Enumerable.Range(0, data.Count).ToArray();
        double sum = 0;
        for (int start = 0; start < data.Count; start += _options.BatchSize)
        {
            int count = Math.Min(_options.BatchSize, data.Count - start);
            _model.Gather(_batch, data, order.AsSpan(start, count));
            context.Lengths = _batch.Lengths;
            var output = _model.Forward(_batch, context);
            sum += _model.Loss!.Compute(output, _batch.Targets, context, _lossGradient) * count;
        }
        return sum / data.Count;
    }

    private void UpdateEarlyStopping(double monitored, int epoch)
    {
        if (_options.EarlyStopping is not { } early) return;
        if (monitored < _state.Best - early.MinDelta)
        {
            _state.Best = monitored;
            _state.Wait = 0;
            _state.BestEpoch = epoch;
            if (early.RestoreBestWeights)
            {
                for (int i = 0; i < _parameters.Count; i++) _parameters[i].Value.CopyTo(_bestWeights[i], 0);
                _state.HasBestWeights = true;
            }
        }
        else if (++_state.Wait > early.Patience) _state.Stopped = true;
    }

    private void SaveCheckpoint()
    {
        if (_options.CheckpointPath is not { } path) return;
        _state.Rng = _rng.GetState();
        _state.Iterations = _model.Optimizer!.Iterations;
        CheckpointFile.Save(path, _parameters, _state, _model.Optimizer.StateArrays(_parameters).ToList(), _state.HasBestWeights ? _bestWeights : null);
    }

    private string Fingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Add(hash, _data.Inputs);
        Add(hash, _data.Targets);
        if (_data.Conditions is { } conditions) Add(hash, conditions);
        if (_data.Lengths is { } lengths) hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(lengths.AsSpan()));
        string options = FormattableString.Invariant($"{_options.BatchSize},{_options.ValidationSplit:R},{_options.Shuffle},{_options.Seed},{_validation?.Count}");
        return string.Join('|', _model.DescribeArchitecture(), _model.Optimizer!.Describe(), _model.Loss!.TypeName,
                           Convert.ToHexString(hash.GetHashAndReset()), options);
    }

    private static void Add(System.Security.Cryptography.IncrementalHash hash, Tensor t)
    {
        foreach (int d in t.Shape) hash.AppendData(BitConverter.GetBytes(d));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()));
    }
}

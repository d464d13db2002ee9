using RnnOnnx.Randomness;
using System.Numerics.Tensors;
using RnnOnnx;

namespace RnnOnnx.Motor;

/// <summary>Training settings: policy size, loss weights, Adam and clipping.</summary>
public sealed record TrainingOptions
{
    /// <summary>GRU units.</summary>
    public int Hidden { get; init; } = 32;

    /// <summary>Episodes per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam step size.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Learning rate at the end of a cosine decay (Loshchilov &amp; Hutter 2017, SGDR without restarts):
    /// lr(p) = final + (lr − final)·(1 + cos πp)/2 for training progress p ∈ [0, 1]; null keeps the rate constant.
    /// </summary>
    public double? FinalLearningRate { get; init; }

    /// <summary>
    /// Batches over which the rate decays to <see cref="FinalLearningRate"/> (progress p = batch / this, then held).
    /// 0 with a final rate: the caller sets <see cref="MotorTrainer.DecayProgress"/> (a wall-clock-budgeted run).
    /// </summary>
    public int DecayBatches { get; init; }

    /// <summary>Adam β1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam ε (PyTorch's default).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Global gradient-norm clip (MotorNet's tutorial: 1); 0 disables.</summary>
    public double ClipNorm { get; init; } = 1;

    /// <summary>Seed of the initial weights and of every task/noise draw.</summary>
    public ulong Seed { get; init; }

    /// <summary>Weight of the fingertip L1 term (mean over batch and time of |x − x*|₁).</summary>
    public double PositionWeight { get; init; } = 1;

    /// <summary>Weight of the mean squared muscle activation.</summary>
    public double ActivationWeight { get; init; }

    /// <summary>Weight of the mean squared change of activation per step.</summary>
    public double ActivationDerivativeWeight { get; init; }

    /// <summary>Weight of the mean squared hidden activity.</summary>
    public double HiddenWeight { get; init; }

    /// <summary>Weight of the mean squared change of hidden activity per step.</summary>
    public double HiddenDerivativeWeight { get; init; }
}

/// <summary>One batch's outcome: total loss, the fingertip term, and the gradient norm before clipping.</summary>
/// <param name="Batch">1-based batch number.</param>
/// <param name="Loss">Weighted total loss.</param>
/// <param name="PositionLoss">Unweighted fingertip L1 term.</param>
/// <param name="GradientNorm">Global gradient norm before clipping (0 for evaluation).</param>
public sealed record BatchReport(long Batch, double Loss, double PositionLoss, double GradientNorm);

/// <summary>
/// Trains a <see cref="GruPolicy"/> to drive an <see cref="Effector"/> through a <see cref="ReachingTask"/>
/// by backpropagation through time through the simulated body (BPTT through policy, observation, muscles and
/// skeleton), Adam with global-norm clipping. One thread, fixed summation order: a seed determines the run.
/// </summary>
public sealed partial class MotorTrainer
{
    private readonly Rng _rng;
    private readonly float[][] _m, _v, _g;
    private readonly int _dv, _dp;
    private readonly Episode _train;

    /// <summary>Creates a trainer with freshly initialised weights.</summary>
    /// <exception cref="DataException">The task does not fit the effector (see <see cref="ReachingTask.Validate"/>).</exception>
    /// <exception cref="ModelConfigurationException">An option is out of range.</exception>
    public MotorTrainer(Effector effector, ReachingTask task, SensoryOptions? sensing = null, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(effector);
        ArgumentNullException.ThrowIfNull(task);
        Effector = effector;
        Task = task;
        Sensing = sensing ?? new SensoryOptions();
        Options = options ?? new TrainingOptions();
        task.Validate(effector);
        Sensing.Validate();
        if (Options.Hidden < 1 || Options.BatchSize < 1)
            throw new ModelConfigurationException($"Hidden ({Options.Hidden}) and batch size ({Options.BatchSize}) must be at least 1.");
        if (!(Options.LearningRate > 0) || !(Options.ClipNorm >= 0))
            throw new ModelConfigurationException($"Learning rate ({Options.LearningRate}) must be > 0 and clip norm ({Options.ClipNorm}) ≥ 0.");
        if (Options.FinalLearningRate is { } final && !(final > 0 && final <= Options.LearningRate))
            throw new ModelConfigurationException($"Final learning rate ({final}) must be > 0 and at most the learning rate ({Options.LearningRate}).");
        if (Options.DecayBatches < 0)
            throw new ModelConfigurationException($"Decay batches ({Options.DecayBatches}) must be ≥ 0.");
        _dv = Sensing.VisionSlots;
        _dp = Sensing.ProprioceptionSlots;
        _rng = new Rng(Options.Seed);
        Policy = GruPolicy.Initialize(4 + 2 * effector.MuscleCount, Options.Hidden, effector.MuscleCount, _rng);
        var t = Policy.Tensors;
        _m = [.. t.Select(x => new float[x.Length])];
        _v = [.. t.Select(x => new float[x.Length])];
        _g = [.. t.Select(x => new float[x.Length])];
        _train = new Episode(this, Options.BatchSize);
    }

    /// <summary>The body.</summary>
    public Effector Effector { get; }

    /// <summary>The task.</summary>
    public ReachingTask Task { get; }

    /// <summary>Observation delays and noise.</summary>
    public SensoryOptions Sensing { get; }

    /// <summary>Training settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The policy being trained (its arrays are updated in place).</summary>
    public GruPolicy Policy { get; }

    /// <summary>
    /// Training progress in [0, 1] for the learning-rate decay when <see cref="TrainingOptions.DecayBatches"/> is 0
    /// (e.g. elapsed / budget in a wall-clock-limited run, which is then not reproducible); ignored otherwise.
    /// </summary>
    public double DecayProgress { get; set; }

    /// <summary>The learning rate the next batch will use (see <see cref="TrainingOptions.FinalLearningRate"/>).</summary>
    public double CurrentLearningRate
    {
        get
        {
            if (Options.FinalLearningRate is not { } final) return Options.LearningRate;
            double p = Options.DecayBatches > 0 ? (double)BatchesDone / Options.DecayBatches : DecayProgress;
            p = Math.Clamp(p, 0, 1);
            return final + (Options.LearningRate - final) * 0.5 * (1 + Math.Cos(Math.PI * p));
        }
    }

    /// <summary>Batches trained so far (also Adam's step count).</summary>
    public long BatchesDone { get; private set; }

    /// <summary>Runs one batch: draw episodes, simulate, backpropagate through time, clip, Adam step.</summary>
    /// <exception cref="TrainingDivergedException">The body or the loss became non-finite; weights are left unchanged.</exception>
    public BatchReport TrainBatch()
    {
        var ep = _train;
        ep.Sample(_rng);
        var (loss, pos) = ep.Forward();
        foreach (var g in _g) Array.Clear(g);
        ep.Backward(_g);
        double norm = 0;
        foreach (var g in _g) norm += TensorPrimitives.SumOfSquares(g);
        norm = Math.Sqrt(norm);
        if (!double.IsFinite(norm) || !double.IsFinite(loss))
            throw new TrainingDivergedException($"Batch {BatchesDone + 1}: loss {loss}, gradient norm {norm}; weights left unchanged.");
        AdamStep(norm);
        BatchesDone++;
        return new BatchReport(BatchesDone, loss, pos, norm);
    }

    /// <summary>Trains <paramref name="batches"/> batches, reporting each to <paramref name="progress"/>.</summary>
    public IReadOnlyList<BatchReport> Train(int batches, IProgress<BatchReport>? progress = null)
    {
        var reports = new List<BatchReport>(batches);
        for (int i = 0; i < batches; i++)
        {
            var r = TrainBatch();
            reports.Add(r);
            progress?.Report(r);
        }
        return reports;
    }

    /// <summary>Loss on a batch drawn from its own seed (the training stream is untouched): a fixed yardstick.</summary>
    public BatchReport Evaluate(ulong seed, int batchSize = 64)
    {
        var ep = new Episode(this, batchSize);
        ep.Sample(new Rng(seed));
        var (loss, pos) = ep.Forward();
        return new BatchReport(BatchesDone, loss, pos, 0);
    }

    /// <summary>
    /// Mean endpoint error (m): distance from the fingertip to the goal at the last step, over a batch of the training task
    /// (with its noise) drawn from its own seed (the training stream is untouched).
    /// </summary>
    public double EndpointError(ulong seed, int batchSize = 64)
    {
        var ep = new Episode(this, batchSize);
        ep.Sample(new Rng(seed));
        ep.Forward();
        return ep.EndpointError();
    }

    /// <summary>
    /// Adam (Kingma &amp; Ba 2015, bias-corrected) after scaling the gradient by min(1, clip/‖g‖) (global-norm
    /// clipping, as torch.nn.utils.clip_grad_norm_).
    /// </summary>
    private void AdamStep(double norm)
    {
        float scale = Options.ClipNorm > 0 && norm > Options.ClipNorm ? (float)(Options.ClipNorm / (norm + 1e-6)) : 1f;
        long step = BatchesDone + 1;
        float b1 = (float)Options.Beta1, b2 = (float)Options.Beta2;
        double c1 = 1 - Math.Pow(Options.Beta1, step), c2 = 1 - Math.Pow(Options.Beta2, step);
        float lr = (float)CurrentLearningRate, eps = (float)Options.Epsilon;
        float ic1 = (float)(1 / c1), ic2 = (float)(1 / c2);
        var w = Policy.Tensors;
        for (int p = 0; p < w.Length; p++)
        {
            var wp = w[p]; var g = _g[p]; var m = _m[p]; var v = _v[p];
            for (int i = 0; i < wp.Length; i++)
            {
                float gi = g[i] * scale;
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                wp[i] -= lr * (m[i] * ic1) / (MathF.Sqrt(v[i] * ic2) + eps);
            }
        }
    }
}

using RnnOnnx.Layers;
using RnnOnnx.Randomness;

namespace RnnOnnx.Training;

/// <summary>
/// One optimizer step on one batch: clear gradients, forward, loss, backward, divergence check, update.
/// Shared by the fit loop and the training benchmark so both measure and run the same code.
/// </summary>
internal sealed class TrainingStep
{
    private readonly ITrainable _model;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly PassContext _context = new() { Training = true };
    private readonly Signal _lossGradient = new();

    public TrainingStep(ITrainable model)
    {
        _model = model;
        _parameters = model.Parameters;
    }

    /// <summary>Runs the step and returns the batch loss; epoch and batch (1-based) only name the place in errors.</summary>
    public double Run(BatchAssembler data, Rng rng, int epoch, int batch)
    {
        _context.Lengths = data.Lengths;
        _context.Rng = rng;
        for (int i = 0; i < _parameters.Count; i++) Array.Clear(_parameters[i].Gradient);
        var output = _model.Forward(data, _context);
        double loss = _model.Loss!.Compute(output, data.Targets, _context, _lossGradient);
        if (!double.IsFinite(loss))
            throw new TrainingDivergedException(
                $"The loss became {loss} at epoch {epoch}, batch {batch}; training stopped with the weights left by the previous step. " +
                "Lower the learning rate, set a GlobalClipNorm on the optimizer, or scale the data.");
        _model.Backward(_lossGradient, _context);
        double norm = Optimizers.Optimizer.GlobalNorm(_parameters);
        if (!double.IsFinite(norm))
            throw new TrainingDivergedException(
                $"The gradients became {norm} at epoch {epoch}, batch {batch} (loss {loss}); training stopped before applying them. " +
                "Lower the learning rate, set a GlobalClipNorm on the optimizer, or scale the data.");
        _model.Optimizer!.Step(_parameters, norm);
        return loss;
    }
}

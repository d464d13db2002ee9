namespace RnnOnnx.Training;

/// <summary>Reported after each batch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">1-based batch within the epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Loss of this batch.</param>
/// <param name="LearningRate">Learning rate used for this batch's step.</param>
public sealed record BatchProgress(int Epoch, int Batch, int Batches, double Loss, float LearningRate);

/// <summary>Reported after each epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Loss">Mean training loss over the epoch's batches (weighted by samples).</param>
/// <param name="ValidationLoss">Validation loss after the epoch, or null without validation data.</param>
/// <param name="Elapsed">Wall time of the epoch.</param>
public sealed record EpochProgress(int Epoch, int Epochs, double Loss, double? ValidationLoss, TimeSpan Elapsed);

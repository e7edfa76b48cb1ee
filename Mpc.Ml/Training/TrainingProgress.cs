namespace Mpc.Ml.Training;

/// <summary>One epoch's report.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Loss">The mean squared residual (Brier score) when it was computed this epoch (see
/// <see cref="LogisticRegressionOptions.LossEvery"/>), else null.</param>
/// <param name="Elapsed">Training time so far.</param>
public sealed record TrainingProgress(int Epoch, double? Loss, TimeSpan Elapsed);

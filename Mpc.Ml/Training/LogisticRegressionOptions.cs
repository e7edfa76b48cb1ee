using Mpc.Ml.Sigmoid;

namespace Mpc.Ml.Training;

/// <summary>
/// Hyperparameters of logistic regression by gradient descent on the mean log-loss plus (L2 / 2) |w|^2 (the bias is
/// not regularised): each step w -= LearningRate ((1 / |batch|) X_batch^T (sigmoid(X_batch w) - y_batch) + L2 w).
/// </summary>
public sealed record LogisticRegressionOptions
{
    /// <summary>Passes over the training rows.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>The step size.</summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>Rows per step; null for full-batch gradient descent.</summary>
    public int? BatchSize { get; init; }

    /// <summary>The L2 penalty; 0 for none.</summary>
    public double L2 { get; init; }

    /// <summary>The sigmoid approximation; <see cref="SigmoidChoice.Default"/> unless set.</summary>
    public ISigmoid Sigmoid { get; init; } = SigmoidChoice.Default;

    /// <summary>The public seed of the mini-batch shuffle (rows once, batch order every epoch).</summary>
    public ulong ShuffleSeed { get; init; } = 1;

    /// <summary>
    /// Compute the loss every this many epochs (and after the last); 0 never. Costs one product and one opening of a
    /// single number.
    /// </summary>
    public int LossEvery { get; init; }

    /// <summary>
    /// With more than one label column (classes one-hot): one sigmoid per class (one-vs-rest, K binary models trained side
    /// by side in one matrix product per step) or one softmax per row (multinomial). Ignored with one label column.
    /// </summary>
    public MulticlassMode Multiclass { get; init; } = MulticlassMode.OneVsRest;

    /// <summary>
    /// Linear (ridge) regression instead: the squared error with the identity link on a standardised continuous label,
    /// each step w -= LearningRate ((1 / |batch|) X_batch^T (X_batch w - y_batch) + L2 w); the sigmoid is unused.
    /// </summary>
    public bool LeastSquares { get; init; }
}

/// <summary>How a logistic regression with K classes turns K scores into predictions.</summary>
public enum MulticlassMode
{
    /// <summary>K binary models side by side: the sigmoid of every score, each class against the rest.</summary>
    OneVsRest,

    /// <summary>Multinomial: the softmax of each row's K scores (<see cref="Sigmoid.SecureSoftmax"/>).</summary>
    Softmax,
}

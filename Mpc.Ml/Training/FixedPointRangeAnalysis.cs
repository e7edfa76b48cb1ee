using System.Globalization;
using Mpc.Core.FixedPoint;

namespace Mpc.Ml.Training;

/// <summary>
/// Proves, before training, that no step can leave the fixed-point range: from the feature bound C (every
/// standardised feature |x| &lt;= C, the bias 1), the learning rate, batch size, epochs and L2, it bounds the weights,
/// the scores X·w, the sigmoid's intermediate values and the gradient step, and checks each against the suite's
/// truncation range 2^(b-1) at f fractional bits. A bound that does not fit raises <see cref="FixedPointRangeException"/>
/// naming the parameter and the largest safe value, instead of training a silently wrong model.
/// </summary>
/// <remarks>
/// The bounds: a step changes weight j by at most eta (G R + L2 |w_j|), where G bounds the residual and R is the
/// largest mean |x_j| over a batch (at most 1 for full batches, since standardised columns have mean square 1; C
/// otherwise). So |w_j| &lt;= steps eta G R, or eta G R / (eta L2) with L2. Scores: |x·w| &lt;= W (1 + (d - 1) C).
/// Products carry 2f fractional bits before truncation; the gradient step carries 2f + k.
/// <para>Least squares (<see cref="LogisticRegressionOptions.LeastSquares"/>) has no bounded residual, so the bounds rest
/// on the mean squared residual (of the training set, and of each batch) never exceeding the label's mean square, 1 once
/// standardised: then a step moves weight j by at most eta R (R as above, by Cauchy-Schwarz), the objective bounds
/// the features' |w|_2 by 1 / sqrt(L2) with L2, the bias (not decayed) moves by at most eta per mini-batch step and not
/// at all with full batches, and a residual is at most the score bound plus the label bound. Full-batch descent with
/// eta (1 + L2) d &lt;= 1 (d columns; d is the trace of the standardised X^T X / n) decreases the objective at every
/// step, so there the assumption is proven; otherwise the trainer checks the final model's training loss and refuses
/// a run that broke it.</para>
/// </remarks>
public static class FixedPointRangeAnalysis
{
    /// <summary>The ranges of a run, or an exception naming what is too large.</summary>
    public static TrainingRanges Check(int rows, int columns, double featureBound, LogisticRegressionOptions options,
        FixedPointFormat format, int truncationInputBits, int truncationErrorBound, bool softmax = false, double labelBound = 1)
    {
        double eta = options.LearningRate, l2 = options.L2, c = featureBound;
        int f = format.FractionalBits, b = truncationInputBits, epochs = options.Epochs;
        var schedule = new BatchSchedule(rows, options.BatchSize, options.ShuffleSeed);
        double steps = (double)epochs * schedule.StepsPerEpoch;
        double meanFeature = schedule.IsFullBatch ? 1.001 : Math.Max(1, c);
        double resolution = format.Resolution;

        if (!(eta > 0) || !double.IsFinite(eta))
            throw new FixedPointRangeException("learning rate", $"The learning rate must be positive and finite, not {Show(eta)}.");
        if (epochs < 1) throw new FixedPointRangeException("epochs", $"Training needs at least one epoch, not {epochs}.");
        if (l2 < 0 || !double.IsFinite(l2))
            throw new FixedPointRangeException("L2", $"The L2 penalty must be 0 or positive, not {Show(l2)}.");
        if (eta * l2 >= 1)
            throw new FixedPointRangeException("learning rate",
                $"learning rate x L2 = {Show(eta * l2)} must stay below 1, or every step overshoots the weight decay.");

        // The residual bound depends on the score bound (for an unclipped polynomial): iterate to a fixed point. Least
        // squares: from the loss assumption above, in one pass.
        double g = 1, weights = 0, scores = 0, step = 0;
        for (int round = 0; ; round++)
        {
            if (options.LeastSquares)
            {
                // The features' weights; the bias (not decayed) moves by the batch's mean residual, at most 1, per
                // step, and not at all with full batches (centred features and label: its gradient is itself).
                step = eta * meanFeature;
                double rounding = steps * (truncationErrorBound + 1) * resolution;
                double features = (l2 > 0 ? Math.Min(steps * step, 1 / Math.Sqrt(l2)) : steps * step) + rounding;
                double bias = (schedule.IsFullBatch ? 0 : steps * eta) + rounding;
                weights = Math.Max(features, bias);
                scores = features * (columns - 1) * c + bias + (truncationErrorBound + 1) * resolution;
                g = scores + labelBound;
                break;
            }
            step = eta * g * meanFeature;
            weights = l2 > 0 ? Math.Min(steps * step, step / (eta * l2)) : steps * step;
            weights += steps * (truncationErrorBound + 1) * resolution;
            scores = weights * (1 + (columns - 1) * c) + (truncationErrorBound + 1) * resolution;
            // A softmax's probabilities lie in [0, 1] (up to its small error), whatever the scores.
            double next = softmax ? 1.01 : options.Sigmoid.ResidualBound(scores);
            if (next <= g * 1.0001) break;
            if (round == 20 || !double.IsFinite(next))
                throw new FixedPointRangeException("sigmoid",
                    $"The {options.Sigmoid.Name} grows without bound over the scores this run can reach (up to {Show(scores)}); " +
                    "use a clipped or piecewise-linear sigmoid.");
            g = next;
        }

        double limit = b - 1;
        double scoreBits = Math.Log2(scores) + 2 * f;
        if (scoreBits >= limit)
        {
            double factor = Math.ScaleB(1, (int)Math.Floor(limit - scoreBits - 0.01));
            throw new FixedPointRangeException("learning rate",
                $"{epochs} epochs at learning rate {Show(eta)} (batch {schedule.BatchSize} of {rows} rows) " +
                $"can drive the scores x·w to {Show(scores)} in the worst case, and their products (2^{Show(scoreBits)} with f = {f}) " +
                $"exceed the suite's truncation range 2^{(int)limit}; use a learning rate of at most {Show(eta * factor)}, " +
                $"at most {Math.Max(1, (int)(epochs * factor))} epochs, an L2 penalty, or fewer fractional bits.");
        }
        // The softmax's base (2 scores + 2^s) 2^(f + s) is compared, and its square (at most 2^(2 (f + s))) truncated.
        double sigmoidBits = options.LeastSquares ? 0 : softmax
            ? Math.Max(Math.Log2(2 * scores + Math.ScaleB(1, Sigmoid.SecureSoftmax.Squarings)) + f + Sigmoid.SecureSoftmax.Squarings,
                2.0 * (f + Sigmoid.SecureSoftmax.Squarings))
            : options.Sigmoid.IntermediateBits(scores, f);
        if (sigmoidBits >= limit)
            throw new FixedPointRangeException("sigmoid",
                $"The {options.Sigmoid.Name} needs 2^{Show(sigmoidBits)} for scores up to {Show(scores)} at f = {f}, " +
                $"beyond the suite's truncation range 2^{(int)limit}; use a clipped or piecewise-linear sigmoid, " +
                "a lower learning rate or fewer epochs.");

        // The step factor eta / batch as round(c 2^k): the update (W + step) 2^(2f + k) must fit, and c 2^k must keep 10 bits.
        int stepBits = Math.Min(30, (int)Math.Floor(limit - 2 * f - Math.Log2(weights + step) - 1));
        stepBits = Math.Min(stepBits, Math.Min(62, b - 1) - f);
        double smallestFactor = eta / schedule.BatchSize;
        if (stepBits < 0 || Math.ScaleB(smallestFactor, stepBits) < 1024)
        {
            string why = stepBits < 0
                ? $"the weights (up to {Show(weights)}) leave no room for the gradient step's 2f = {2 * f} fractional bits"
                : $"the step factor learning rate / batch = {Show(smallestFactor)} needs at least " +
                    $"2^{Show(Math.Log2(1024 / smallestFactor))} to be carried within 0.1%, and only 2^{stepBits} fits";
            throw new FixedPointRangeException("learning rate",
                $"Learning rate {Show(eta)} with batches of {schedule.BatchSize} rows does not fit the fixed-point format: {why}; " +
                "change the learning rate or the batch size, or use fewer fractional bits.");
        }
        double stepRingBits = Math.Log2(weights + step) + 2 * f + stepBits;
        return new TrainingRanges(weights, scores, g, stepBits, Math.Max(Math.Max(scoreBits, sigmoidBits), stepRingBits));
    }

    private static string Show(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}

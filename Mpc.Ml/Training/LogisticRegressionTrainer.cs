using System.Diagnostics;
using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Sigmoid;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Training;

/// <summary>
/// Secure logistic regression by full-batch or mini-batch gradient descent over any suite (SecureML, Mohassel and
/// Zhang 2017, with the sigmoid of <see cref="LogisticRegressionOptions.Sigmoid"/>), or with
/// <see cref="LogisticRegressionOptions.LeastSquares"/> linear regression by the same steps with the identity link (the
/// residual X_B w - y_B on a standardised label). Semi-honest, as the suite.
/// </summary>
/// <remarks>
/// <para>The training matrix is arranged once in the schedule's row order and prepared once
/// (<see cref="IArithmeticSuite{T}.PrepareMatrixAsync"/>: the additive suite opens X - A a single time); every step
/// then multiplies a row view of it: z = X_B w, the sigmoid, the residual g = s - y_B, and the update.</para>
/// <para>The update is one product and one truncation: w -= trunc_(f+k)(X_B^T (round(c 2^k) g)) with c = eta / |B|,
/// so the step factor is carried with k extra bits (chosen by <see cref="FixedPointRangeAnalysis"/>) and never
/// rounded to f bits. With L2, w = trunc_(f+k)(round((1 - eta L2) 2^(f+k)) w - X_B^T (round(c 2^k) g)) (bias not
/// decayed): the same truncation, after an untruncated product.</para>
/// <para>Rounds per step: the product of z (a suite that allows speculative evaluation hands the untruncated product to
/// the sigmoid, which starts its comparisons on it at once: additive 1; Shamir fuses product and truncation: 1
/// opening), the sigmoid's (<see cref="Sigmoid.ISigmoid.EvaluateProductAsync"/>), and the update's (additive 2, Shamir
/// 1 opening; with L2 Shamir needs a reduction too). The loss, when asked for, is the mean of the untruncated squared
/// residuals: its product starts beside the update's, its opening (one number) beside the update's truncation (after
/// it in Shamir). Nothing else is opened but the model, as <see cref="ModelOutput"/> says. Operations run side by side
/// only where all but the last one started take all their tags when they start, so every party numbers the messages
/// alike whatever thread finishes what first.</para>
/// <para>With <see cref="ITrainingCheckpoints{T}"/>, training starts from a saved state, each epoch's randomness is keyed
/// before it starts (so a resumed run draws what the original drew), and each finished epoch's shares are handed over
/// for saving.</para>
/// </remarks>
public sealed class LogisticRegressionTrainer<T>(FixedPointArithmetic<T> fixedPoint) where T : unmanaged, IRing<T>
{
    private IArithmeticSuite<T> Suite => fixedPoint.Suite;

    /// <summary>
    /// Trains on <paramref name="data"/>, whose standardised features are bounded by <paramref name="featureBound"/>;
    /// with <paramref name="checkpoints"/>, from its saved state, keying each epoch's randomness and saving finished epochs.
    /// </summary>
    public async ValueTask<TrainingResult<T>> TrainAsync(SharedDataset<T> data, double featureBound, LogisticRegressionOptions options,
        ModelOutput output, Action<TrainingProgress>? progress = null, CancellationToken ct = default,
        ITrainingCheckpoints<T>? checkpoints = null, double labelBound = 1)
    {
        int f = fixedPoint.Format.FractionalBits, rows = data.Rows, columns = data.Columns, outputs = data.Labels.Length / rows;
        bool softmax = outputs > 1 && options.Multiclass == MulticlassMode.Softmax;
        var ranges = FixedPointRangeAnalysis.Check(rows, columns, featureBound, options, fixedPoint.Format,
            Suite.TruncationInputBits, Suite.TruncationErrorBound, softmax, labelBound);
        var schedule = new BatchSchedule(rows, options.BatchSize, options.ShuffleSeed);
        if (data.Members is not null && !schedule.IsFullBatch)
            throw new ArgumentException("Rows of a private intersection train by full batches: a mini-batch's common rows are secret.");
        // Rows outside a private intersection are zero and add nothing: steps and loss average over the others.
        int members = data.Members ?? rows;
        var clock = Stopwatch.StartNew();

        var x = schedule.IsFullBatch ? data.Features : data.Features.SelectRows(schedule.RowOrder, columns);
        var y = schedule.IsFullBatch ? data.Labels : data.Labels.SelectRows(schedule.RowOrder, outputs);
        var prepared = await Suite.PrepareMatrixAsync(x, rows, columns, ct).ConfigureAwait(false);
        var weights = fixedPoint.Constant(new double[columns * outputs]);
        var decay = DecayMultipliers(columns, outputs, options, f + ranges.StepBits);
        var activation = new Activation(options, ranges, outputs, softmax);
        var losses = new List<(int Epoch, double Loss)>();
        int firstEpoch = 0;
        if (checkpoints?.ResumeFrom is { } resume)
        {
            if (resume.WeightShares.Length != columns * outputs)
                throw new ArgumentException(
                    $"The saved state has {resume.WeightShares.Length} weights where the data has {columns} columns (bias included) " +
                    $"and {outputs} outputs.",
                    nameof(checkpoints));
            if (resume.EpochsCompleted < 0 || resume.EpochsCompleted > options.Epochs)
                throw new ArgumentException($"The saved state is at epoch {resume.EpochsCompleted}, outside 0..{options.Epochs}.",
                    nameof(checkpoints));
            weights = SharedVector<T>.FromShares(resume.WeightShares.ToArray());
            losses.AddRange(resume.Losses);
            firstEpoch = resume.EpochsCompleted;
        }

        for (int epoch = firstEpoch; epoch < options.Epochs; epoch++)
        {
            checkpoints?.BeginEpoch(epoch);
            // Least squares always measures the last epoch's loss: the range analysis rests on it (checked below).
            bool reportLoss = (options.LossEvery > 0 && (epoch + 1) % options.LossEvery == 0 || epoch + 1 == options.Epochs)
                && (options.LossEvery > 0 || options.LeastSquares);
            double? loss = null;
            foreach (var (first, count) in schedule.Batches(epoch))
            {
                var batch = schedule.IsFullBatch ? prepared : prepared.SelectRows(first, count);
                var labels = schedule.IsFullBatch ? y : y.Slice(first * outputs, count * outputs);
                var residual = await ResidualAsync(batch, labels, weights, activation, ct).ConfigureAwait(false);
                var scaledResidual = Suite.Scale(residual,
                    T.FromInt128((Int128)Math.Round(Math.ScaleB(
                        options.LearningRate / (schedule.IsFullBatch ? Math.Max(1, members) : count), ranges.StepBits))));
                (weights, var batchLoss) = await UpdateAsync(batch, scaledResidual, weights, outputs, decay, f + ranges.StepBits,
                    reportLoss && schedule.IsFullBatch ? residual : null, members * outputs, ct).ConfigureAwait(false);
                loss ??= batchLoss;
            }
            if (reportLoss && !schedule.IsFullBatch)
            {
                var residual = await ResidualAsync(prepared, y, weights, activation, ct).ConfigureAwait(false);
                loss = await MeanSquareAsync(await Suite.MultiplyAsync(residual, residual, ct).ConfigureAwait(false), members * outputs,
                    ct).ConfigureAwait(false);
            }
            if (loss is double l) losses.Add((epoch + 1, l));
            progress?.Invoke(new TrainingProgress(epoch + 1, loss, clock.Elapsed));
            if (checkpoints is not null)
                await checkpoints.EpochCompletedAsync(new TrainingState<T>(epoch + 1, weights.LocalShares.ToArray(), losses.ToArray()), ct)
                    .ConfigureAwait(false);
        }
        var trainingTime = clock.Elapsed;
        checkpoints?.BeginEpoch(options.Epochs);
        if (options.LeastSquares && losses.Count > 0 && !(losses[^1].Loss <= 1.01))
            throw new FixedPointRangeException("learning rate", FormattableString.Invariant(
                $"Linear regression diverged: the mean squared residual reached {losses[^1].Loss:G4} (the standardised label's ") +
                FormattableString.Invariant(
                $"is 1), so the fixed-point ranges, which assume it never grows, no longer hold; use a learning rate below ") +
                FormattableString.Invariant($"{options.LearningRate / 2:G3} or full batches."));

        double[]? revealed = output switch
        {
            { Shared: true } => null,
            { Receiver: int receiver } => await fixedPoint.OpenToAsync(receiver, weights, ct).ConfigureAwait(false),
            _ => await fixedPoint.OpenAsync(weights, ct).ConfigureAwait(false),
        };
        return new TrainingResult<T>(revealed, weights, options.Sigmoid.Name, losses, trainingTime, ranges);
    }

    /// <summary>
    /// w - trunc(X_B^T (c g)), or trunc(decay w - X_B^T (c g)) with L2. With <paramref name="lossResidual"/>, the mean
    /// squared residual too, its product started beside the update's and opened beside its truncation (no extra round
    /// where the suite separates product and truncation).
    /// </summary>
    private async ValueTask<(SharedVector<T> Weights, double? Loss)> UpdateAsync(ReusableMatrix<T> batch, SharedVector<T> scaledResidual,
        SharedVector<T> weights, int outputs, T[]? decay, int bits, SharedVector<T>? lossResidual, int lossCount, CancellationToken ct)
    {
        // Operations run side by side only where every one of them but the last started has taken all its tags and
        // preprocessing when it was called: a step that takes them later (a truncation after its product, in some
        // suites) may run on another thread at any moment, so nothing else may start meanwhile (see Session).
        if (decay is null && (Suite.SpeculativeComparison is null || Suite.FusedTruncation is not null))
        {
            // The fused product and truncation (Shamir: one opening; replicated: the product's shares enter the
            // truncation's first round), with the loss's product started first. A suite that compares speculatively
            // takes every tag of its fused operations when they start, so the loss's opening may start beside one, as
            // soon as the squares are made; in others the fused operation may take later tags as it goes, so the loss
            // is opened after it.
            bool openBeside = Suite.SpeculativeComparison is not null;
            var squares = lossResidual is null ? default : Suite.MultiplyAsync(lossResidual, lossResidual, ct);
            var fused = Suite.TransposedMatrixMultiplyAndTruncateAsync(batch, scaledResidual, outputs, bits, ct);
            ValueTask<double> fusedLoss = default;
            if (lossResidual is not null && openBeside) fusedLoss = MeanSquareAsync(await squares.ConfigureAwait(false), lossCount, ct);
            var step = await fused.ConfigureAwait(false);
            if (lossResidual is not null && !openBeside) fusedLoss = MeanSquareAsync(await squares.ConfigureAwait(false), lossCount, ct);
            double? fusedMean = lossResidual is null ? null : await fusedLoss.ConfigureAwait(false);
            return (Suite.Subtract(weights, step), fusedMean);
        }

        // The product and the loss's product, in one round; then the loss's opening (one step, its tag taken as it
        // starts) and the truncation (which may take tags as it goes) in the next.
        var product = Suite.TransposedMatrixMultiplyAsync(batch, scaledResidual, outputs, ct);
        var lossProduct = lossResidual is null ? default : Suite.MultiplyAsync(lossResidual, lossResidual, ct);
        var gradient = await product.ConfigureAwait(false);
        var loss = lossResidual is null ? default : MeanSquareAsync(await lossProduct.ConfigureAwait(false), lossCount, ct);
        var truncation = decay is null
            ? Suite.TruncateAsync(gradient, bits, ct)
            : Suite.TruncateAsync(Suite.Subtract(Suite.MultiplyPublic(weights, decay), gradient), bits, ct);
        var truncated = await truncation.ConfigureAwait(false);
        double? mean = lossResidual is null ? null : await loss.ConfigureAwait(false);
        return (decay is null ? Suite.Subtract(weights, truncated) : truncated, mean);
    }

    // What turns scores into predictions: the sigmoid of each (one output, or one-vs-rest), each row's softmax, or
    // (least squares) nothing.
    private sealed record Activation(LogisticRegressionOptions Options, TrainingRanges Ranges, int Outputs, bool Softmax);

    // g = sigmoid(X_B W) - Y_B (or softmax, or X_B W itself). A suite that allows speculative evaluation hands the sigmoid the untruncated
    // product, so its comparisons start at once; others truncate with the product (Shamir: one opening).
    private async ValueTask<SharedVector<T>> ResidualAsync(ReusableMatrix<T> batch, SharedVector<T> labels, SharedVector<T> weights,
        Activation activation, CancellationToken ct)
    {
        SharedVector<T> predictions;
        var (options, ranges, outputs, softmax) = activation;
        if (options.LeastSquares)
            predictions = await fixedPoint.MatrixMultiplyAsync(batch, weights, outputs, ct).ConfigureAwait(false);
        else if (softmax)
        {
            var scores = await fixedPoint.MatrixMultiplyAsync(batch, weights, outputs, ct).ConfigureAwait(false);
            predictions = await SecureSoftmax.EvaluateAsync(fixedPoint, scores, outputs, ranges.ScoreBound, ct).ConfigureAwait(false);
        }
        else if (Suite.SpeculativeComparison is not null)
        {
            var product = await Suite.MatrixMultiplyAsync(batch, weights, outputs, ct).ConfigureAwait(false);
            predictions = await options.Sigmoid.EvaluateProductAsync(fixedPoint, product, ranges.ScoreBound, ct).ConfigureAwait(false);
        }
        else
        {
            var scores = await fixedPoint.MatrixMultiplyAsync(batch, weights, outputs, ct).ConfigureAwait(false);
            predictions = await options.Sigmoid.EvaluateAsync(fixedPoint, scores, ranges.ScoreBound, ct).ConfigureAwait(false);
        }
        return Suite.Subtract(predictions, labels);
    }

    // mean g^2 over `count` residuals (the rest are zero) from the untruncated squares (2f fractional bits): a local sum
    // and one opening of a single number, whose tag is taken at the call.
    private async ValueTask<double> MeanSquareAsync(SharedVector<T> squares, int count, CancellationToken ct)
    {
        var opened = await Suite.OpenAsync(squares.Sum(), ct).ConfigureAwait(false);
        return Math.ScaleB((double)T.ToSignedInt128(opened[0]), -2 * fixedPoint.Format.FractionalBits) / Math.Max(1, count);
    }

    // round((1 - eta L2) 2^bits) for every weight but the biases (the last row), which keep 2^bits; null without L2.
    private static T[]? DecayMultipliers(int columns, int outputs, LogisticRegressionOptions options, int bits)
    {
        if (options.L2 == 0) return null;
        var decay = new T[columns * outputs];
        var keep = T.FromInt128((Int128)Math.Round(Math.ScaleB(1 - options.LearningRate * options.L2, bits)));
        for (int j = 0; j < (columns - 1) * outputs; j++) decay[j] = keep;
        for (int k = 0; k < outputs; k++) decay[(columns - 1) * outputs + k] = T.FromInt128(Int128.One << bits);
        return decay;
    }
}

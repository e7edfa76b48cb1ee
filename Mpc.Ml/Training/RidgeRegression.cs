using Mpc.Core;
using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Internal;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Training;

/// <summary>
/// A linear model y = intercept + Σ weights_j x_j in the data's own units, with its pooled test metrics; or, with
/// <see cref="Means"/> (vertical data), y = intercept + Σ weights_j (x_j - mean_j) / sd_j on standardised features,
/// where each party knows only its own columns' means and deviations (the others' entries null).
/// </summary>
public sealed record LinearModelResult(IReadOnlyList<string> FeatureNames, double[] Weights, double Intercept, double TestR2,
    double TestRmse, int TrainRows, int TestRows)
{
    /// <summary>Vertical data: the means of the standardisation (null where another party holds the column).</summary>
    public IReadOnlyList<double?>? Means { get; init; }

    /// <summary>Vertical data: the deviations of the standardisation (null where another party holds the column).</summary>
    public IReadOnlyList<double?>? StandardDeviations { get; init; }
}

/// <summary>
/// Ridge (and, with lambda 0, ordinary least squares) regression in closed form over every party's rows (horizontal
/// data): w = (X^T X / n + lambda I)^-1 X^T y / n on standardised features and target, the Gram matrix and X^T y summed
/// from each party's own and never opened, the inverse by Newton-Schulz iterations V &lt;- V (2I - A V) in fixed point
/// (Schulz 1933; quadratic convergence from V0 = I / trace bound). Only the model and aggregates are revealed.
/// </summary>
/// <remarks>
/// <para>Revealed: the pooled means and standard deviations of every feature and of the target over the training
/// rows (as train-lr reveals them), the model, and the pooled test sums behind R^2 and RMSE.</para>
/// <para>Conditioning: on standardised data A = X^T X / n + lambda I has its eigenvalues in [lambda_min + lambda,
/// d (1 + lambda)], so V0 = I / (d (1 + lambda)) converges, the error (1 - (lambda_min + lambda) / (d (1 + lambda)))^(2^k)
/// after k steps: <see cref="Iterations"/> = 24 suffices for a condition number d (1 + lambda) / (lambda_min + lambda) up
/// to about 10^6, which lambda bounds by d (1 + lambda) / lambda. Each step is two d x d matrix products (1 round each
/// with fused truncation); the fixed-point error of V stays near its 2^-f resolution times its largest entry,
/// 1 / (lambda_min + lambda).</para>
/// </remarks>
public sealed class RidgeRegression<T>(FixedPointArithmetic<T> fixedPoint) where T : unmanaged, IRing<T>
{
    /// <summary>Newton-Schulz steps.</summary>
    public int Iterations { get; init; } = 24;

    /// <summary>
    /// Gradient descent for this many epochs instead of the closed form: the trainer of logistic regression with the
    /// identity link (<see cref="LogisticRegressionOptions.LeastSquares"/>) on standardised features, bias and target,
    /// w -= rate (X_B^T (X_B w - y_B) / |B| + lambda w) with the bias not penalised; full batches unless
    /// <see cref="BatchSize"/>.
    /// </summary>
    public int? GradientEpochs { get; init; }

    /// <summary>The step of <see cref="GradientEpochs"/>; by default 1 / (d (1 + lambda)) for d columns (bias included),
    /// with which full-batch descent provably decreases the objective on any standardised data (the Hessian's largest
    /// eigenvalue is at most its trace, d + lambda d).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Rows per step of <see cref="GradientEpochs"/> (mini-batches, shuffled once by the split seed); null for
    /// full batches.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Progress of <see cref="GradientEpochs"/>, after every epoch.</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Vertical data over parties whose ids differ, the common rows kept secret
    /// (<see cref="SecureDataLoader{T}.LoadPrivateAsync"/>): the model fits the label owner's rows every party holds, and
    /// the test sums are computed on shares (no prediction is opened).
    /// </summary>
    public bool PrivateIntersection { get; init; }

    /// <summary>
    /// Fits the model on the columns every party holds of the same rows (vertical data, aligned by id; the target at
    /// <paramref name="partition"/>'s label owner) and scores it on the test rows: each party standardises its own
    /// columns (nothing of them is revealed), the shared matrix [X 1] is input, A = X^T X / n + lambda I (the bias not
    /// penalised) and X^T y / n come from one secure matrix product, the same Newton-Schulz inverse solves for the
    /// weights, which are opened (on standardised features); each test row's prediction goes to the label owner, and
    /// only the pooled sums behind R^2 and RMSE are opened. The product is n (d + 1) (d + 2) multiplications (one round).
    /// With <see cref="GradientEpochs"/>, gradient descent replaces the product and the inverse, the label owner
    /// standardising the target too (its mean and deviation enter the opened model as secrets).
    /// </summary>
    public async Task<LinearModelResult> FitVerticalAsync(PartyTable mine, DataPartition partition, double lambda, double testFraction,
        ulong seed, CancellationToken ct = default)
    {
        if (lambda < 0 || !double.IsFinite(lambda)) throw new ArgumentException($"--lambda must be 0 or more, not {lambda}.");
        var suite = fixedPoint.Suite;
        int me = suite.Session.PartyId;
        var options = new DataLoadOptions(testFraction, seed, FeatureBound: null) { StandardiseLabel = GradientEpochs is not null };
        var loader = new SecureDataLoader<T>(fixedPoint);
        var data = PrivateIntersection
            ? await loader.LoadPrivateAsync(mine, partition, options, labelFill: 0, ct).ConfigureAwait(false)
            : await loader.LoadAsync(mine, partition, options, ct).ConfigureAwait(false);
        var train = data.Train;
        int n = train.Members ?? train.Rows, columns = train.Columns, d = columns - 1;
        var w = GradientEpochs is null
            ? await ClosedFormVerticalAsync(train, lambda, ct).ConfigureAwait(false)
            : await GradientDescentAsync(data, lambda, seed, partition.LabelOwner, ct).ConfigureAwait(false);
        var test = data.Test;
        var (pooled, testRows) = data.Private is { } kept
            ? (await PrivateTestSumsAsync(test, kept, w, ct).ConfigureAwait(false), test.Members ?? 0)
            : (await TestSumsAsync(mine, partition, test, w, testFraction, seed, ct).ConfigureAwait(false), test.Rows);
        double totalSquares = pooled[2] - pooled[1] * pooled[1] / Math.Max(1, testRows);

        var (means, deviations) = data.KnownScaling(me);
        return new LinearModelResult(data.ColumnNames.Take(d).ToArray(), w[..d], w[d], 1 - pooled[0] / totalSquares,
            Math.Sqrt(pooled[0] / Math.Max(1, testRows)), n, testRows)
        {
            Means = means,
            StandardDeviations = deviations,
        };
    }

    /// <summary>Fits the model on every party's training rows and scores it on their test rows.</summary>
    public async Task<LinearModelResult> FitAsync(PartyTable mine, double lambda, double testFraction, ulong seed,
        CancellationToken ct = default)
    {
        if (mine.Labels is null)
            throw new ArgumentException("Ridge regression needs the target column at every party (horizontal data).");
        if (lambda < 0 || !double.IsFinite(lambda)) throw new ArgumentException($"--lambda must be 0 or more, not {lambda}.");
        var suite = fixedPoint.Suite;
        int d = mine.FeatureCount;
        var rows = AlignedRows.Create(mine, DataPartition.ByRows, suite.Session.PartyId, testFraction, seed);
        double[] weights;
        double intercept;
        int n, testRows;
        if (GradientEpochs is not null)
        {
            var options = new DataLoadOptions(testFraction, seed, FeatureBound: null) { StandardiseLabel = true };
            var data = await new SecureDataLoader<T>(fixedPoint).LoadAsync(mine, DataPartition.ByRows, options, ct).ConfigureAwait(false);
            var w = await GradientDescentAsync(data, lambda, seed, 0, ct).ConfigureAwait(false);
            var scaling = data.PublicScaling!;
            weights = [.. Enumerable.Range(0, d).Select(j => w[j] / scaling.StandardDeviations[j])];
            intercept = w[d] - Enumerable.Range(0, d).Sum(j => weights[j] * scaling.Means[j]);
            (n, testRows) = (data.Train.Rows, data.Test.Rows);
        }
        else
        {
            (weights, intercept, n, testRows) = await FitClosedFormAsync(mine, rows, lambda, testFraction, ct).ConfigureAwait(false);
        }
        return await ScoreAsync(mine, rows, weights, intercept, n, testRows, ct).ConfigureAwait(false);
    }

    /// <summary>The closed form in the data's units, and the training and test row counts.</summary>
    private async Task<(double[] Weights, double Intercept, int TrainRows, int TestRows)> FitClosedFormAsync(PartyTable mine,
        AlignedRows rows, double lambda, double testFraction, CancellationToken ct)
    {
        var suite = fixedPoint.Suite;
        int d = mine.FeatureCount;
        var counts = await DataConsistency.VerifyAsync(suite, mine, DataPartition.ByRows, ct).ConfigureAwait(false);
        int n = counts.Sum(c => c - TrainTestSplit.TestCount(c, testFraction));
        int testRows = counts.Sum(c => TrainTestSplit.TestCount(c, testFraction));
        var labels = mine.Labels!;

        // Pooled means and deviations of the features and the target, then everything standardised locally.
        double Cell(int r, int j) => j < d ? mine[r, j] : labels[r];
        var sums = new double[d + 1];
        foreach (int r in rows.Train) for (int j = 0; j <= d; j++) sums[j] += Cell(r, j);
        double[] means = [.. (await TotalsAsync(mine, sums, ct).ConfigureAwait(false)).Select(s => s / n)];
        var squares = new double[d + 1];
        foreach (int r in rows.Train) for (int j = 0; j <= d; j++) squares[j] += (Cell(r, j) - means[j]) * (Cell(r, j) - means[j]);
        double[] deviations = [.. (await TotalsAsync(mine, squares, ct).ConfigureAwait(false))
            .Select(s => Math.Sqrt(Math.Max(s, 0) / n) is var sd && sd > 1e-12 ? sd : 1.0)];
        double Standard(int r, int j) => (Cell(r, j) - means[j]) / deviations[j];

        double[] w = await ClosedFormAsync(rows.Train, Standard, d, n, lambda, ct).ConfigureAwait(false);

        // In the data's units: y = mean_y + sd_y Σ w_j (x_j - mean_j) / sd_j.
        double[] weights = [.. Enumerable.Range(0, d).Select(j => deviations[d] * w[j] / deviations[j])];
        double intercept = means[d] - Enumerable.Range(0, d).Sum(j => weights[j] * means[j]);
        return (weights, intercept, n, testRows);
    }

    /// <summary>The model with its test metrics, from pooled sums of every party's test rows.</summary>
    private async Task<LinearModelResult> ScoreAsync(PartyTable mine, AlignedRows rows, double[] weights, double intercept, int n,
        int testRows, CancellationToken ct)
    {
        int d = mine.FeatureCount;

        // Test metrics from pooled sums: residual squares, and the target's sum and squares.
        var test = new double[3];
        foreach (int r in rows.Test)
        {
            double predicted = intercept + Enumerable.Range(0, d).Sum(j => weights[j] * mine[r, j]);
            double y = mine.Labels![r];
            test[0] += (y - predicted) * (y - predicted);
            test[1] += y;
            test[2] += y * y;
        }
        var pooled = await TotalsAsync(mine, test, ct).ConfigureAwait(false);
        double totalSquares = pooled[2] - pooled[1] * pooled[1] / Math.Max(1, testRows);
        return new LinearModelResult(mine.FeatureNames, weights, intercept, 1 - pooled[0] / totalSquares,
            Math.Sqrt(pooled[0] / Math.Max(1, testRows)), n, testRows);
    }

    /// <summary>
    /// Vertical closed form: A = X^T X / n + lambda I (the bias not penalised) and X^T y / n from one secure matrix
    /// product of [X 1] with [X 1 y], then the Newton-Schulz solve; the opened weights are on standardised features, the
    /// last one the intercept.
    /// </summary>
    private async Task<double[]> ClosedFormVerticalAsync(SharedDataset<T> train, double lambda, CancellationToken ct)
    {
        var suite = fixedPoint.Suite;
        int n = train.Rows, columns = train.Columns, d = columns - 1, members = train.Members ?? n;
        // [X | y], row by row, and X^T [X | y] / n in one product (rows outside a private intersection are zero).
        var indices = new int[n * (columns + 1)];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < columns; j++) indices[i * (columns + 1) + j] = i * columns + j;
            indices[i * (columns + 1) + columns] = n * columns + i;
        }
        var joined = SharedVector<T>.Concat(train.Features, train.Labels).Select(indices);
        var prepared = await suite.PrepareMatrixAsync(train.Features, n, columns, ct).ConfigureAwait(false);
        var gram = await fixedPoint.TransposedMatrixMultiplyAsync(prepared, joined, columns + 1, ct).ConfigureAwait(false);
        gram = await fixedPoint.ScaleAsync(gram, 1.0 / Math.Max(1, members), ct).ConfigureAwait(false);
        var aIndices = Enumerable.Range(0, columns).SelectMany(j => Enumerable.Range(0, columns).Select(k => j * (columns + 1) + k));
        var a = fixedPoint.AddPublic(gram.Select([.. aIndices]),
            [.. Enumerable.Range(0, columns * columns).Select(i => i % (columns + 1) == 0 && i / columns < d ? lambda : 0)]);
        var b = gram.Select([.. Enumerable.Range(0, columns).Select(j => j * (columns + 1) + columns)]);
        return await fixedPoint.OpenAsync(await SolveAsync(a, b, columns, columns * (1 + lambda), ct).ConfigureAwait(false), ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The test sums (squared residuals, labels, squared labels) over the test rows: each row's prediction goes to the
    /// label owner, who sums them; only the pooled sums are opened.
    /// </summary>
    private async Task<double[]> TestSumsAsync(PartyTable mine, DataPartition partition, SharedDataset<T> test, double[] w,
        double testFraction, ulong seed, CancellationToken ct)
    {
        var predictions = await fixedPoint.MatrixMultiplyAsync(test.Features, fixedPoint.Constant(w), test.Rows, test.Columns, 1, ct)
            .ConfigureAwait(false);
        var mine0 = await fixedPoint.OpenToAsync(partition.LabelOwner, predictions, ct).ConfigureAwait(false);
        var sums = new double[3];
        if (mine0 is not null)
        {
            var rows = AlignedRows.Create(mine, partition, fixedPoint.Suite.Session.PartyId, testFraction, seed);
            for (int i = 0; i < rows.Test.Length; i++)
            {
                double y = mine.Labels![rows.Test[i]];
                sums[0] += (y - mine0[i]) * (y - mine0[i]);
                sums[1] += y;
                sums[2] += y * y;
            }
        }
        return await TotalsAsync(mine, sums, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The same sums over a private intersection's common test rows: the residuals and labels (the label owner's, in its
    /// own units) weighed by the shared membership, squared on shares, and only the sums opened. NaN without test rows.
    /// </summary>
    private async Task<double[]> PrivateTestSumsAsync(SharedDataset<T> test, PrivateRows<T> kept, double[] w, CancellationToken ct)
    {
        var suite = fixedPoint.Suite;
        int rows = test.Rows;
        if (rows == 0) return [double.NaN, double.NaN, double.NaN];
        var predictions = await fixedPoint.MatrixMultiplyAsync(test.Features, fixedPoint.Constant(w), rows, test.Columns, 1, ct)
            .ConfigureAwait(false);
        var weighed = await suite.MultiplyAsync(SharedVector<T>.Concat(kept.TestIndicator, kept.TestIndicator),
            SharedVector<T>.Concat(suite.Subtract(kept.TestLabels, predictions), kept.TestLabels), ct).ConfigureAwait(false);
        var squares = await fixedPoint.MultiplyAsync(weighed, weighed, ct).ConfigureAwait(false);
        return await fixedPoint.OpenAsync(SharedVector<T>.Concat(squares.Slice(0, rows).Sum(), weighed.Slice(rows, rows).Sum(),
            squares.Slice(rows, rows).Sum()), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The weights by gradient descent on the loaded data (label standardised), on standardised features with the
    /// intercept last, in the target's units: w sd_y, and mean_y added to the intercept. Horizontal data's label
    /// scaling is public, applied after opening; vertical data's comes from the label owner as a secret, applied
    /// before, so only the final model is opened, as in the closed form.
    /// </summary>
    private async Task<double[]> GradientDescentAsync(SecureTrainingData<T> data, double lambda, ulong seed, int labelOwner,
        CancellationToken ct)
    {
        var train = data.Train;
        int columns = train.Columns, me = fixedPoint.Suite.Session.PartyId;
        var options = new LogisticRegressionOptions
        {
            Epochs = GradientEpochs ?? throw new InvalidOperationException("No epochs of gradient descent were asked for."),
            LearningRate = LearningRate ?? 1.0 / (columns * (1 + lambda)),
            BatchSize = BatchSize,
            L2 = lambda,
            ShuffleSeed = seed,
            LeastSquares = true,
        };
        var trained = await new LogisticRegressionTrainer<T>(fixedPoint).TrainAsync(train, data.FeatureBound, options,
            ModelOutput.KeepShared, Progress, ct, labelBound: data.LabelBound).ConfigureAwait(false);
        var w = trained.SharedWeights;
        if (data.PublicScaling is not null)
        {
            // Horizontal: the target's mean and deviation are public, so the standardised model says no more than
            // the final one, and the change of units is done in the clear.
            var label = data.LabelScaling!;
            var standard = await fixedPoint.OpenAsync(w, ct).ConfigureAwait(false);
            return [.. standard.Select((v, j) => label.StandardDeviations[0] * v + (j == columns - 1 ? label.Means[0] : 0))];
        }
        double[] mine = data.LabelScaling is { } own ? [own.StandardDeviations[0], own.Means[0]] : [];
        var secret = await fixedPoint.InputAsync(labelOwner, me == labelOwner ? mine : ReadOnlyMemory<double>.Empty, 2, ct)
            .ConfigureAwait(false);
        var scaled = await fixedPoint.MultiplyAsync(w, secret.Select(new int[columns]), ct).ConfigureAwait(false);
        var shift = SharedVector<T>.Concat(fixedPoint.Constant(new double[columns - 1]), secret.Slice(1, 1));
        return await fixedPoint.OpenAsync(fixedPoint.Suite.Add(scaled, shift), ct).ConfigureAwait(false);
    }

    /// <summary>The standardised weights in closed form: this party's X^T X / n and X^T y / n summed, never opened.</summary>
    private async Task<double[]> ClosedFormAsync(int[] trainRows, Func<int, int, double> standard, int d, int n, double lambda,
        CancellationToken ct)
    {
        var suite = fixedPoint.Suite;
        var local = new double[d * d + d];
        foreach (int r in trainRows)
        {
            for (int j = 0; j < d; j++)
            {
                double xj = standard(r, j);
                for (int k = 0; k < d; k++) local[j * d + k] += xj * standard(r, k) / n;
                local[d * d + j] += xj * standard(r, d) / n;
            }
        }
        var total = await PartySums.InputAndAddAsync(suite, fixedPoint.Format.Encode<T>(local), ct).ConfigureAwait(false);
        var a = fixedPoint.AddPublic(total.Slice(0, d * d), [.. Enumerable.Range(0, d * d).Select(i => i % (d + 1) == 0 ? lambda : 0)]);
        var b = total.Slice(d * d, d);
        return await fixedPoint.OpenAsync(await SolveAsync(a, b, d, d * (1 + lambda), ct).ConfigureAwait(false), ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// A^-1 b for the shared d x d matrix A, whose eigenvalues are at most <paramref name="bound"/>: Newton-Schulz from
    /// V0 = I / bound, then one product.
    /// </summary>
    private async Task<SharedVector<T>> SolveAsync(SharedVector<T> a, SharedVector<T> b, int d, double bound, CancellationToken ct)
    {
        var suite = fixedPoint.Suite;
        int f = fixedPoint.Format.FractionalBits;
        var identity = new double[d * d];
        for (int j = 0; j < d; j++) identity[j * d + j] = 1;
        var v = fixedPoint.Constant([.. identity.Select(x => x / bound)]);
        double[] twice = [.. identity.Select(x => 2 * x)];
        for (int step = 0; step < Iterations; step++)
        {
            var av = await suite.MatrixMultiplyAndTruncateAsync(a, v, d, d, d, f, ct).ConfigureAwait(false);
            var correction = fixedPoint.AddPublic(suite.Scale(av, T.FromInt64(-1)), twice);
            v = await suite.MatrixMultiplyAndTruncateAsync(v, correction, d, d, d, f, ct).ConfigureAwait(false);
        }
        return await suite.MatrixMultiplyAndTruncateAsync(v, b, d, d, 1, f, ct).ConfigureAwait(false);
    }

    private ValueTask<double[]> TotalsAsync(PartyTable mine, double[] values, CancellationToken ct) =>
        PooledTotals.OpenAsync(fixedPoint, values, (column, limit) => new MpcException(FormattableString.Invariant(
            $"{mine.Source}: a sum over this party's rows (value {column}) is beyond the {limit:G3} that can be added up ")
            + "without overflow; rescale the columns."), ct);
}

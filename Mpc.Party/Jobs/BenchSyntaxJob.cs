using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols;
using Mpc.Protocols.Expressions;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-syntax</c>: what the natural syntax costs over hand-written vector code, in one run, alternating: 10^6
/// fixed-point products, and a full-batch logistic regression (clipped linear sigmoid, 100 epochs by default) written
/// both ways on the same shares. Prints one JSON line per party with the medians and their ratio; the two trainings must
/// give the same weights.
/// </summary>
public sealed class BenchSyntaxJob : IJob
{
    /// <inheritdoc />
    public string Name => "bench-syntax";

    /// <inheritdoc />
    public string Description => "Benchmark the natural syntax against the explicit API (products and a training); prints JSON.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<int>("--size") { Description = "Products per multiplication.", DefaultValueFactory = _ => 1_000_000 },
        new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 100 },
        new Option<int>("--repeat") { Description = "Timed runs of each, alternating.", DefaultValueFactory = _ => 5 },
    ];

    private const int Rows = 455, Features = 30;
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        return session.PartyCount switch
        {
            3 => await RunAsync(context, SuiteOptions.Replicated(session, "auto"), ct),
            >= 4 => await RunAsync(context, SuiteOptions.Shamir(session, context), ct),
            _ => throw new ArgumentException("bench-syntax runs on 3 or more parties (replicated or Shamir: no preprocessing to time)."),
        };
    }

    private static async Task<int> RunAsync<T>(JobContext context, IArithmeticSuite<T> suite, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int size = context.GetOption<int>("--size"), epochs = context.GetOption<int>("--epochs");
        int repeat = context.GetOption<int>("--repeat");
        var x = await suite.InputAsync(0, Format.Encode<T>(Enumerable.Range(0, size).Select(i => (i % 7) * 0.25).ToArray()), size, ct);
        var (data, labels) = SyntheticData();
        var matrix = await suite.InputAsync(0, Format.Encode<T>(data), data.Length, ct);
        var y = await suite.InputAsync(0, Format.Encode<T>(labels), labels.Length, ct);
        using var secure = SecretContext.For(suite, Format);

        var products = new List<double>[] { [], [] };
        var trainings = new List<double>[] { [], [] };
        double[]? explicitWeights = null, naturalWeights = null;
        for (int run = 0; run <= repeat; run++)
        {
            // Alternating; run 0 warms both up and is not counted.
            foreach (bool natural in new[] { run % 2 == 0, run % 2 != 0 })
            {
                await suite.OpenAsync(suite.Constant(new T[1]), ct); // barrier
                var clock = Stopwatch.StartNew();
                var product = natural
                    ? await secure.SharesAsync(secure.FromShares(x, isInteger: false) * secure.FromShares(x, isInteger: false), ct)
                    : await suite.MultiplyAndTruncateAsync(x, x, Format.FractionalBits, ct);
                double productSeconds = clock.Elapsed.TotalSeconds;
                GC.KeepAlive(product);
                await suite.OpenAsync(suite.Constant(new T[1]), ct);
                clock.Restart();
                var weights = natural
                    ? await NaturalTrainingAsync(secure, secure.FromShares(matrix, false), secure.FromShares(y, false), epochs, ct)
                    : await ExplicitTrainingAsync(suite, matrix, y, epochs, ct);
                double trainingSeconds = clock.Elapsed.TotalSeconds;
                if (natural) naturalWeights = weights;
                else explicitWeights = weights;
                if (run == 0) continue;
                products[natural ? 1 : 0].Add(productSeconds);
                trainings[natural ? 1 : 0].Add(trainingSeconds);
            }
        }
        double difference = explicitWeights!.Zip(naturalWeights!, (a, b) => Math.Abs(a - b)).Max();
        if (difference > 1e-3)
            throw new InvalidOperationException(
                $"The two trainings differ by {difference:0.####} in a weight: the bench measures nothing.");
        double Median(List<double> v) => BenchStatistics.Median(v);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"syntax\",\"suite\":\"{suite.Name}\",\"party\":{suite.Session.PartyId},\"parties\":{suite.Session.PartyCount}," +
            $"\"size\":{size},\"epochs\":{epochs},\"repeat\":{repeat}," +
            $"\"products_explicit_seconds\":{Median(products[0]):0.######},\"products_natural_seconds\":{Median(products[1]):0.######}," +
            $"\"products_ratio\":{Median(products[1]) / Median(products[0]):0.###}," +
            $"\"training_explicit_seconds\":{Median(trainings[0]):0.######},\"training_natural_seconds\":{Median(trainings[1]):0.######}," +
            $"\"training_ratio\":{Median(trainings[1]) / Median(trainings[0]):0.###},\"max_weight_difference\":{difference:0.######}}}"));
        return 0;
    }

    /// <summary>Standardised-looking features and labels of a known linear model (deterministic).</summary>
    private static (double[] Data, double[] Labels) SyntheticData()
    {
        var data = new double[Rows * Features];
        var labels = new double[Rows];
        for (int r = 0; r < Rows; r++)
        {
            double score = 0;
            for (int c = 0; c < Features; c++)
            {
                double v = Math.Round(Math.Sin(r * 0.37 + c * 1.3) * 1.5, 3);
                data[r * Features + c] = v;
                score += (c % 3 - 1) * v;
            }
            labels[r] = score > 0 ? 1 : 0;
        }
        return (data, labels);
    }

    private const double LearningRate = 1.0;

    // p = clip(0.5 + z / 4, 0, 1); w -= lr / n X^T (p - y). The same steps, in the same order, as NaturalTrainingAsync.
    private static async Task<double[]> ExplicitTrainingAsync<T>(IArithmeticSuite<T> suite, SharedVector<T> x, SharedVector<T> y,
        int epochs, CancellationToken ct) where T : unmanaged, IRing<T>
    {
        int f = Format.FractionalBits;
        var transposed = x.Transpose(Rows, Features);
        var w = suite.Constant(new T[Features]);
        T[] Repeat(double v, int n) => Enumerable.Repeat(Format.Encode<T>(v), n).ToArray();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var z = await suite.MatrixMultiplyAndTruncateAsync(x, w, Rows, Features, 1, f, ct);
            var a = suite.AddPublic(await suite.TruncateAsync(suite.MultiplyPublic(z, Repeat(0.25, Rows)), f, ct), Repeat(0.5, Rows));
            var oneMinusA = suite.AddPublic(suite.Scale(a, T.FromInt64(-1)), Repeat(1, Rows));
            var bits = await suite.LessThanZeroAsync(SharedVector<T>.Concat(a, oneMinusA), ct: ct);
            var corrections = await suite.MultiplyAsync(bits, SharedVector<T>.Concat(suite.Scale(a, T.FromInt64(-1)), oneMinusA), ct);
            var p = suite.Add(suite.Add(a, corrections.Slice(0, Rows)), corrections.Slice(Rows, Rows));
            var g = await suite.MatrixMultiplyAndTruncateAsync(transposed, suite.Subtract(p, y), Features, Rows, 1, f, ct);
            w = suite.Subtract(w, await suite.TruncateAsync(suite.MultiplyPublic(g, Repeat(LearningRate / Rows, Features)), f, ct));
        }
        return Format.Decode(await suite.OpenAsync(w, ct));
    }

    private static async Task<double[]> NaturalTrainingAsync(SecretContext secure, Secret x, Secret y, int epochs, CancellationToken ct)
    {
        var transposed = x.Transpose(Rows, Features);
        var w = secure.Constant(new double[Features]);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var a = 0.5 + Secret.MatrixMultiply(x, w, Rows, Features, 1) * 0.25;
            var p = a - (a < 0) * a + (a > 1) * (1 - a);
            w -= Secret.MatrixMultiply(transposed, p - y, Features, Rows, 1) * (LearningRate / Rows);
        }
        return await secure.RevealAsync([w], ct);
    }
}

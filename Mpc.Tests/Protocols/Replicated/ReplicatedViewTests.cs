using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Replicated;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Protocols.Harness;
using Xunit.Abstractions;

namespace Mpc.Tests.Protocols.Replicated;

/// <summary>
/// The replicated suite's security law on what each party receives (its view, recorded by <see cref="RecordingNetwork"/>):
/// with fixed inputs every received word is uniform, and so is every re-randomised message minus what the receiver could
/// predict of it from its shares and the inputs, so the view cannot depend on the inputs. The same statistics catch
/// the deliberately insecure variant that skips the zero sharing.
/// </summary>
/// <remarks>
/// <para>Each received 64-bit word is binned by its three low and three high bits (64 bins): products of uniform
/// values are biased in their low bits (a product of two uniform words is even three times in four, an AND of two
/// uniform words has each bit set one time in four), and an input-dependent offset would show in the high bits.</para>
/// <para>The runs are deterministic (fixed private seeds), so a pass is a pass every time; each stream is tested at
/// significance 0.001 against the chi-square critical value for 63 degrees of freedom.</para>
/// </remarks>
public sealed class ReplicatedViewTests(ITestOutputHelper output)
{
    /// <summary>The operations whose views are tested, each run after x (party 0's input) and y (party 1's).</summary>
    public enum Operation
    {
        /// <summary>Three inputs, one per owner: the two others receive the owner's third component.</summary>
        Input,
        Multiply,
        MatrixMultiply,
        /// <summary>Three truncations of x with a helper, so that the helper (which rotates with the tag) is each party once.</summary>
        Truncate,
        /// <summary>Three fused products x y truncated with a helper, for the same reason.</summary>
        MultiplyAndTruncate,
        /// <summary>Three truncations of x in one round, each making a batch of masks first.</summary>
        TruncateInOneRound,
        /// <summary>Three fused products x y truncated in one round, each making a batch of masks first.</summary>
        MultiplyAndTruncateInOneRound,
        /// <summary>The sign of x: the carries' resharing, the AND rounds of the adder and the bit injection.</summary>
        LessThanZero,
        /// <summary>The sign of x as a 16-bit value: four values to a word in the adder.</summary>
        LessThanZeroPacked,
    }

    private const int Length = 8192;
    private const int Bits = 16;
    private const int InputBits = 63;
    private const int Rows = 32, Inner = 8, Columns = 256; // 8192 results
    private const int Seed = 11;
    private const long X = 12345, Y = -7;

    private static readonly double Critical = ChiSquare.Critical001(63);

    private sealed record Frame(int Peer, StreamTag Tag, ulong[] Words);

    /// <summary>
    /// One party's shares of x and y (fixed values), what it received during each repetition of the operation, and its
    /// shares of the truncation masks each repetition used (none for other operations).
    /// </summary>
    private sealed record PartyView(int Party, long XValue, long YValue, Z2kPair[] X, Z2kPair[] Y, Frame[][] Steps, Z2kPair[][] Masks);

    private sealed record Sample(string Name, long[] Counts);

    private delegate Task Step(ReplicatedSuite suite, SharedVector<Z2kPair> x, SharedVector<Z2kPair> y);

    [Theory]
    [InlineData(Operation.Input)]
    [InlineData(Operation.Multiply)]
    [InlineData(Operation.MatrixMultiply)]
    [InlineData(Operation.Truncate)]
    [InlineData(Operation.MultiplyAndTruncate)]
    [InlineData(Operation.TruncateInOneRound)]
    [InlineData(Operation.MultiplyAndTruncateInOneRound)]
    [InlineData(Operation.LessThanZero)]
    [InlineData(Operation.LessThanZeroPacked)]
    public async Task EveryPartysView_IsUniformWhateverTheInputs(Operation operation)
    {
        var views = await ObserveAsync(
            s => new ReplicatedSuite(s, TruncationOf(operation)) { FirstMaskBatch = Length, LargestMaskBatch = Length }, operation);
        AssertReceivedWhatTheProtocolSends(views, operation);
        var samples = Samples(views, operation).ToArray();
        output.WriteLine($"{operation}: {samples.Length} samples, " +
            $"largest chi-square {samples.Max(s => ChiSquare.Statistic(s.Counts)):F1}, critical {Critical:F1}");
        foreach (var sample in samples)
            ChiSquare.AssertUniform(sample.Counts, sample.Name);
    }

    [Theory]
    [InlineData(Operation.Multiply)]
    [InlineData(Operation.MatrixMultiply)]
    [InlineData(Operation.Truncate)]
    [InlineData(Operation.MultiplyAndTruncate)]
    [InlineData(Operation.TruncateInOneRound)]
    [InlineData(Operation.MultiplyAndTruncateInOneRound)]
    [InlineData(Operation.LessThanZero)]
    [InlineData(Operation.LessThanZeroPacked)]
    public async Task WithoutZeroSharing_SomeView_IsNotUniform(Operation operation)
    {
        // Inputs are left out: they never use the zero sharing (the owner's third component is masked by the two
        // components drawn from the PRGs it shares with its neighbours), so the variant's inputs are as secure.
        var views = await ObserveAsync(
            s => new ReplicatedSuite(s, TruncationOf(operation), zeroSharing: false) { FirstMaskBatch = Length, LargestMaskBatch = Length },
            operation);
        AssertReceivedWhatTheProtocolSends(views, operation);
        var statistics = Samples(views, operation).Select(s => (s.Name, Statistic: ChiSquare.Statistic(s.Counts))).ToArray();
        foreach (var (name, statistic) in statistics) output.WriteLine($"{name}: chi-square {statistic:F1}");
        var worst = statistics.MaxBy(s => s.Statistic);
        output.WriteLine($"{operation}: largest chi-square {worst.Statistic:F1} ({worst.Name}), critical {Critical:F1}");
        Assert.True(worst.Statistic >= Critical,
            $"{operation} without zero sharing: every view looks uniform (largest chi-square {worst.Statistic:F1} < {Critical:F1}).");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task OpenTo_OnlyTheReceiverReceives_AndWhatItReceivesIsUniform(int receiver)
    {
        var views = await ObserveAsync(s => new ReplicatedSuite(s), (suite, x, _) => suite.OpenToAsync(receiver, x).AsTask(), 1);
        foreach (var view in views)
        {
            var frames = view.Steps[0];
            if (view.Party != receiver)
            {
                Assert.Empty(frames);
                continue;
            }
            // The receiver's missing component comes from its previous party. On its own it is uniform; with the
            // receiver's two components it gives the opened value, which is what the protocol reveals to it.
            var frame = Assert.Single(frames);
            Assert.Equal((receiver + 2) % 3, frame.Peer);
            Assert.Equal(Length, frame.Words.Length);
            ChiSquare.AssertUniform(Histogram(frame.Words), $"party {receiver}'s missing component");
            Assert.All(Enumerable.Range(0, Length),
                i => Assert.Equal((ulong)X, unchecked(view.X[i].First + view.X[i].Second + frame.Words[i])));
        }
    }

    [Fact]
    public async Task Multiply_PartyOnesViewsOfTwoInputs_AreIdenticallyDistributed()
    {
        var first = await ObserveAsync(s => new ReplicatedSuite(s), Operation.Multiply, X, Y);
        var second = await ObserveAsync(s => new ReplicatedSuite(s), Operation.Multiply, -999_999, 3);
        var a = Histogram(Assert.Single(first[1].Steps[0]).Words);
        var b = Histogram(Assert.Single(second[1].Steps[0]).Words);
        ChiSquare.AssertUniform(a, "party 1's view of 12345 * -7");
        ChiSquare.AssertUniform(b, "party 1's view of -999999 * 3");
        // Two-sample (homogeneity) chi-square for equal sample sizes: sum (a - b)^2 / (a + b), 63 degrees of freedom.
        double homogeneity = a.Zip(b)
            .Where(p => p.First + p.Second > 0)
            .Sum(p => (double)(p.First - p.Second) * (p.First - p.Second) / (p.First + p.Second));
        Assert.True(homogeneity < Critical, $"party 1's two views differ: chi-square {homogeneity:F1} >= {Critical:F1}");
    }

    private static ReplicatedTruncation TruncationOf(Operation operation) =>
        operation is Operation.TruncateInOneRound or Operation.MultiplyAndTruncateInOneRound
            ? ReplicatedTruncation.OneRound
            : ReplicatedTruncation.TwoRounds;

    /// <summary>Runs the three parties over recording networks: inputs x (party 0) and y (party 1), then the operation.</summary>
    private static Task<PartyView[]> ObserveAsync(Func<Session, ReplicatedSuite> create, Operation operation, long x = X, long y = Y) =>
        ObserveAsync(create, StepOf(operation), Repetitions(operation), x, y);

    private static async Task<PartyView[]> ObserveAsync(Func<Session, ReplicatedSuite> create, Step step, int repetitions,
        long x = X, long y = Y)
    {
        var networks = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30)).Select(n => new RecordingNetwork(n)).ToArray();
        return await LocalParties.RunAsync(networks, async s =>
        {
            var network = networks[s.PartyId];
            var suite = create(s);
            suite.UsedMasks = [];
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? Fixed(x) : ReadOnlyMemory<Z2kPair>.Empty, Length);
            var sy = await suite.InputAsync(1, s.PartyId == 1 ? Fixed(y) : ReadOnlyMemory<Z2kPair>.Empty, Length);
            // A party records only its own receives, and they complete before its operations return: the frames
            // after the mark belong to the step just run.
            int mark = network.Received.Count;
            var steps = new Frame[repetitions][];
            var masks = new Z2kPair[repetitions][];
            for (int k = 0; k < repetitions; k++)
            {
                suite.UsedMasks.Clear();
                await step(suite, sx, sy);
                masks[k] = suite.UsedMasks.SelectMany(m => m.Mask).ToArray();
                var received = network.Received;
                steps[k] = received.Skip(mark)
                    .Select(f => new Frame(f.Peer, f.Tag, MemoryMarshal.Cast<byte, ulong>(f.Payload).ToArray()))
                    .ToArray();
                mark = received.Count;
            }
            return new PartyView(s.PartyId, x, y, sx.LocalShares.ToArray(), sy.LocalShares.ToArray(), steps, masks);
        }, Seed);
    }

    private static Step StepOf(Operation operation) => operation switch
    {
        Operation.Input => async (suite, _, _) =>
        {
            long[] values = [X, Y, -999_999];
            for (int owner = 0; owner < 3; owner++)
                await suite.InputAsync(owner, suite.Session.PartyId == owner ? Fixed(values[owner]) : ReadOnlyMemory<Z2kPair>.Empty,
                    Length);
        },
        Operation.Multiply => (suite, x, y) => suite.MultiplyAsync(x, y).AsTask(),
        Operation.MatrixMultiply => (suite, x, y) => suite.MatrixMultiplyAsync(
            SharedVector<Z2kPair>.FromShares(x.LocalShares[..(Rows * Inner)]),
            SharedVector<Z2kPair>.FromShares(y.LocalShares[..(Inner * Columns)]), Rows, Inner, Columns).AsTask(),
        Operation.Truncate or Operation.TruncateInOneRound => (suite, x, _) => suite.TruncateAsync(x, Bits).AsTask(),
        Operation.MultiplyAndTruncate or Operation.MultiplyAndTruncateInOneRound =>
            (suite, x, y) => suite.FusedTruncation!.MultiplyAndTruncateAsync(x, y, Bits).AsTask(),
        Operation.LessThanZero => (suite, x, _) => suite.LessThanZeroAsync(x, InputBits).AsTask(),
        Operation.LessThanZeroPacked => (suite, x, _) => suite.LessThanZeroAsync(x, Bits).AsTask(),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    private static int Repetitions(Operation operation) => operation is Operation.Truncate or Operation.MultiplyAndTruncate
        or Operation.TruncateInOneRound or Operation.MultiplyAndTruncateInOneRound ? 3 : 1;

    /// <summary>
    /// Every statistic of the parties' views. First each received frame's words. Then, for the messages that the zero
    /// sharing re-randomises (a product's resharing, a two-round truncation's first-round exchange between the two
    /// non-helpers, a one-round truncation's message from the next party), the residual a
    /// distinguisher who knows the inputs computes: the message minus what the sender would send without its zero
    /// share, rebuilt from the receiver's two components, the inputs (the third component is the input minus those two)
    /// and, for a truncation, the receiver's component of the mask the sender added. With zero sharing the residual is
    /// the sender's share of zero, F(s, s + 1) - F(s - 1, s), of which the receiver knows at most one term: uniform.
    /// Without it the residual is 0. The marginal alone cannot see every leak: a truncation's message is then a bare
    /// component plus a mask component the receiver holds (uniform, yet with the receiver's two it gives the input), and
    /// a long matrix product's cross terms are sums of many products, too uniform to tell.
    /// </summary>
    private static IEnumerable<Sample> Samples(PartyView[] views, Operation operation)
    {
        foreach (var view in views)
        {
            for (int k = 0; k < view.Steps.Length; k++)
            {
                var frames = view.Steps[k];
                foreach (var frame in frames)
                    yield return new Sample($"{operation}: party {view.Party}, step {k}, from party {frame.Peer}, tag {frame.Tag}",
                        Histogram(frame.Words));
                if (frames.Length == 0) continue;
                Frame reshared;
                Func<int, ulong[]> expected;
                switch (operation)
                {
                    case Operation.Multiply:
                        reshared = frames.Single();
                        expected = sender => CrossTerms(view, sender);
                        break;
                    case Operation.MatrixMultiply:
                        reshared = frames.Single();
                        expected = sender => MatrixCrossTerms(view, sender);
                        break;
                    case Operation.Truncate or Operation.MultiplyAndTruncate:
                        var firstRound = frames.Min(f => f.Tag.Value);
                        int helper = (int)(firstRound % 3);
                        reshared = frames.Single(f => f.Tag.Value == firstRound && f.Peer != helper);
                        expected = operation == Operation.Truncate
                            ? sender => Component(view.X, view.Party, sender, view.XValue)
                            : sender => CrossTerms(view, sender);
                        break;
                    case Operation.TruncateInOneRound or Operation.MultiplyAndTruncateInOneRound:
                        // The online round (the step's first tag): the next party's share plus its first component of
                        // the mask, which is the receiver's second.
                        var online = frames.Min(f => f.Tag.Value);
                        reshared = frames.Single(f => f.Tag.Value == online && f.Peer == (view.Party + 1) % 3);
                        var mask = view.Masks[k];
                        expected = sender =>
                        {
                            var share = operation == Operation.TruncateInOneRound
                                ? Component(view.X, view.Party, sender, view.XValue)
                                : CrossTerms(view, sender);
                            for (int i = 0; i < share.Length; i++) share[i] = unchecked(share[i] + mask[i].Second);
                            return share;
                        };
                        break;
                    default:
                        continue;
                }
                var insecure = expected(reshared.Peer);
                var residual = new ulong[insecure.Length];
                for (int i = 0; i < residual.Length; i++) residual[i] = unchecked(reshared.Words[i] - insecure[i]);
                yield return new Sample(
                    $"{operation}: party {view.Party}, step {k}, party {reshared.Peer}'s message minus its value without the zero share",
                    Histogram(residual));
            }
        }
    }

    /// <summary>
    /// Component <paramref name="component"/> of a shared vector of the fixed value <paramref name="total"/>, as party
    /// <paramref name="party"/> can compute it.
    /// </summary>
    private static ulong[] Component(Z2kPair[] shares, int party, int component, long total)
    {
        var values = new ulong[shares.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((component - party + 3) % 3) switch
            {
                0 => shares[i].First,
                1 => shares[i].Second,
                _ => unchecked((ulong)total - shares[i].First - shares[i].Second),
            };
        }
        return values;
    }

    /// <summary>Party s's cross terms of x y without the zero share: x_s (y_s + y_{s+1}) + x_{s+1} y_s.</summary>
    private static ulong[] CrossTerms(PartyView view, int sender)
    {
        ulong[] x0 = Component(view.X, view.Party, sender, view.XValue), x1 = Component(view.X, view.Party, (sender + 1) % 3, view.XValue);
        ulong[] y0 = Component(view.Y, view.Party, sender, view.YValue), y1 = Component(view.Y, view.Party, (sender + 1) % 3, view.YValue);
        var z = new ulong[x0.Length];
        for (int i = 0; i < z.Length; i++) z[i] = unchecked(x0[i] * (y0[i] + y1[i]) + x1[i] * y0[i]);
        return z;
    }

    /// <summary>The same for the matrix product of x's first Rows x Inner and y's first Inner x Columns values.</summary>
    private static ulong[] MatrixCrossTerms(PartyView view, int sender)
    {
        ulong[] x0 = Component(view.X, view.Party, sender, view.XValue), x1 = Component(view.X, view.Party, (sender + 1) % 3, view.XValue);
        ulong[] y0 = Component(view.Y, view.Party, sender, view.YValue), y1 = Component(view.Y, view.Party, (sender + 1) % 3, view.YValue);
        var z = new ulong[Rows * Columns];
        for (int r = 0; r < Rows; r++)
            for (int k = 0; k < Inner; k++)
                for (int c = 0; c < Columns; c++)
                    z[r * Columns + c] = unchecked(z[r * Columns + c]
                        + x0[r * Inner + k] * (y0[k * Columns + c] + y1[k * Columns + c])
                        + x1[r * Inner + k] * y0[k * Columns + c]);
        return z;
    }

    /// <summary>Who receives what: so that the statistics above cover every frame of every round, and nothing else.</summary>
    private static void AssertReceivedWhatTheProtocolSends(PartyView[] views, Operation operation)
    {
        int products = operation == Operation.MatrixMultiply ? Rows * Columns : Length;
        switch (operation)
        {
            case Operation.Input:
                foreach (var view in views)
                {
                    var frames = Assert.Single(view.Steps);
                    Assert.Equal(Enumerable.Range(0, 3).Where(p => p != view.Party), frames.Select(f => f.Peer).Order());
                    Assert.All(frames, f => Assert.Equal(Length, f.Words.Length));
                }
                break;
            case Operation.Multiply or Operation.MatrixMultiply:
                foreach (var view in views)
                {
                    var frame = Assert.Single(Assert.Single(view.Steps));
                    Assert.Equal((view.Party + 1) % 3, frame.Peer);
                    Assert.Equal(products, frame.Words.Length);
                }
                break;
            case Operation.Truncate or Operation.MultiplyAndTruncate:
                // Each party is the helper (receives nothing) in exactly one of the three truncations, and the first
                // (a = h + 1) and second (b = h + 2) non-helper in the others: 3 frames each.
                foreach (var view in views)
                {
                    Assert.Equal(3, view.Steps.Length);
                    Assert.Single(view.Steps, frames => frames.Length == 0);
                    var roles = new HashSet<int>();
                    foreach (var frames in view.Steps.Where(f => f.Length > 0))
                    {
                        Assert.Equal(3, frames.Length);
                        int helper = (int)(frames.Min(f => f.Tag.Value) % 3);
                        Assert.NotEqual(view.Party, helper);
                        int role = (view.Party - helper + 3) % 3;
                        roles.Add(role);
                        // a: the masked value from the helper, then b's share in each round; b also gets its corrections.
                        Assert.Equal(role == 1 ? 3 * Length : 5 * Length, frames.Sum(f => f.Words.Length));
                    }
                    Assert.Equal([1, 2], roles.Order());
                }
                break;
            case Operation.TruncateInOneRound or Operation.MultiplyAndTruncateInOneRound:
                // Each truncation makes a batch of masks (the suites here make batches of exactly one truncation): the
                // carries' AND round, the generate and six levels of the adder, each from the next party (three
                // words per mask, r, r'' >> m and msb(r); the first five levels AND twice), then the opening of a_0
                // from party 1 to parties 2 and 0. Then the online round, under the truncation's own (first) tag:
                // one word per value from each other party.
                foreach (var view in views)
                {
                    Assert.Equal(3, view.Steps.Length);
                    foreach (var frames in view.Steps)
                    {
                        var rounds = frames.GroupBy(f => f.Tag.Value)
                            .OrderBy(g => g.Key)
                            .Select(g => g.OrderBy(f => f.Peer).ToArray())
                            .ToArray();
                        Assert.Equal(view.Party == 1 ? 9 : 10, rounds.Length);
                        Assert.Equal(Enumerable.Range(0, 3).Where(p => p != view.Party), rounds[0].Select(f => f.Peer));
                        Assert.All(rounds[0], f => Assert.Equal(Length, f.Words.Length));
                        int[] words = [3, 3, 6, 6, 6, 6, 6, 3];
                        int batch = Length; // the suites here make batches of exactly that
                        for (int r = 0; r < words.Length; r++)
                        {
                            var frame = Assert.Single(rounds[1 + r]);
                            Assert.Equal((view.Party + 1) % 3, frame.Peer);
                            Assert.Equal(words[r] * batch, frame.Words.Length);
                        }
                        if (view.Party == 1) continue;
                        var opening = Assert.Single(rounds[9]);
                        Assert.Equal(1, opening.Peer);
                        Assert.Equal(3 * batch, opening.Words.Length);
                    }
                }
                break;
            case Operation.LessThanZero:
                // 2 + ceil(log2(62)) = 8 resharing rounds from the next party; party 0 receives nothing in the bit
                // injection, parties 1 and 2 the two masked candidates from party 0 and a mask from each other.
                foreach (var view in views)
                {
                    var rounds = Assert.Single(view.Steps).GroupBy(f => f.Tag.Value).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
                    Assert.Equal(view.Party == 0 ? 8 : 9, rounds.Length);
                    foreach (var round in rounds.Take(8))
                    {
                        var frame = Assert.Single(round);
                        Assert.Equal((view.Party + 1) % 3, frame.Peer);
                        Assert.True(frame.Words.Length is Length or 2 * Length);
                    }
                    if (view.Party == 0) continue;
                    var injection = rounds[8].OrderBy(f => f.Peer).ToArray();
                    Assert.Equal([0, 3 - view.Party], injection.Select(f => f.Peer));
                    Assert.Equal([2 * Length, Length], injection.Select(f => f.Words.Length));
                }
                break;
            case Operation.LessThanZeroPacked:
                // 2 + ceil(log2(15)) = 6 resharing rounds of packed words (four 16-bit lanes each), then the injection.
                foreach (var view in views)
                {
                    var rounds = Assert.Single(view.Steps).GroupBy(f => f.Tag.Value).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
                    Assert.Equal(view.Party == 0 ? 6 : 7, rounds.Length);
                    foreach (var round in rounds.Take(6))
                        Assert.True(Assert.Single(round).Words.Length is Length / 4 or Length / 2);
                }
                break;
        }
    }

    private static long[] Histogram(ReadOnlySpan<ulong> words)
    {
        var counts = new long[64];
        foreach (var v in words) counts[(int)((v & 7) | ((v >> 61) << 3))]++;
        return counts;
    }

    private static ReadOnlyMemory<Z2kPair> Fixed(long value) => Enumerable.Repeat(Z2kPair.FromInt64(value), Length).ToArray();
}

using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Ml;
using Mpc.Tests.Protocols.Harness;
using Xunit.Abstractions;

namespace Mpc.Tests.Protocols.Preprocessing;

/// <summary>
/// Training under random timing, N = 2 and 3, many times: random delays in the network (<see cref="DelayingNetwork"/>)
/// and in the scheduler (<see cref="DelayingSuite{T}"/> stalls the caller's thread before an operation, as a preemption
/// does). Every party must number its messages and order its preprocessing requests alike whatever order its
/// side-by-side operations finish in, or its OT batches and openings pair with the wrong ones at its peers (a malformed
/// frame, or a model that differs between parties).
/// </summary>
public sealed class OtSourceStressTests(ITestOutputHelper output)
{
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("MPC_STRESS_RUNS"), out int r) ? r : 3;

    public static TheoryData<string, int, int?> Shapes => new()
    {
        { "ot", 2, null }, { "ot", 3, null }, { "ot", 2, 8 }, { "dealer", 2, null }, { "dealer", 3, null }, { "dealer", 3, 8 },
        { "shamir with random-bit truncation", 3, null }, { "shamir", 5, null }, { "shamir", 3, 8 },
        { "replicated", 3, null }, { "replicated", 3, 8 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Training_UnderRandomTiming_GivesEveryPartyTheSameModel(string source, int parties, int? batchSize)
    {
        var tables = MlTestData.Synthetic(40, 3, parties, seed: 5);
        var options = new LogisticRegressionOptions { Epochs = 4, BatchSize = batchSize, LossEvery = 1 };
        for (int run = 0; run < Runs; run++)
        {
            var networks = DelayingNetwork.Wrap(InMemoryNetwork.CreateCluster(parties, TimeSpan.FromSeconds(60)), seed: run);
            int seed = run;
            var weights = await LocalParties.RunAsync(networks, s =>
            {
                if (source == "replicated") return TrainAsync(new ReplicatedSuite(s), null, seed, tables[s.PartyId], options);
                if (source.StartsWith("shamir", StringComparison.Ordinal))
                {
                    var truncation = source == "shamir" ? ShamirTruncation.SummedMasks : ShamirTruncation.RandomBits;
                    return TrainAsync(new ShamirSuite<Mersenne127>(s, truncation: truncation), null, seed, tables[s.PartyId], options);
                }
                IAdditivePreprocessing preprocessing = source == "ot" ? new OtPreprocessing(s) : new DealerPreprocessing(s);
                return TrainAsync(new AdditiveSuite(s, preprocessing), preprocessing as IDisposable, seed, tables[s.PartyId], options);
            }, seed: run);
            Assert.All(weights, w => Assert.Equal(weights[0], w));
        }
        output.WriteLine($"{source}, N = {parties}, {(batchSize is int b ? $"batches of {b}" : "full batch")}: {Runs} runs");
    }

    private static async Task<double[]> TrainAsync<T>(IArithmeticSuite<T> suite, IDisposable? source, int seed, PartyTable table,
        LogisticRegressionOptions options)
        where T : unmanaged, IRing<T>
    {
        using (source)
        {
            var fx = new FixedPointArithmetic<T>(new DelayingSuite<T>(suite, seed * 31 + suite.Session.PartyId), new FixedPointFormat(16));
            var data = await new SecureDataLoader<T>(fx).LoadAsync(table, DataPartition.ByRows, new DataLoadOptions());
            var result = await new LogisticRegressionTrainer<T>(fx)
                .TrainAsync(data.Train, data.FeatureBound, options, ModelOutput.RevealToAll);
            return result.Weights!;
        }
    }
}

/// <summary>After a request of the OT source fails, the requests queued behind it fail with that same first failure.</summary>
public sealed class OtSourceFailureTests
{
    [Fact]
    public async Task QueuedRequests_AfterAnAbort_FailWithIt_NotWithBrokenState()
    {
        var networks = InMemoryNetwork.CreateCluster(2, TimeSpan.FromSeconds(30));
        var errors = await LocalParties.RunAsync(networks, async s =>
        {
            using var source = new OtPreprocessing(s);
            await source.TakeTriplesAsync(100);
            // Both have their first triples before party 0 aborts (its side of a request can end before party 1's).
            await s.Network.ExchangeWithAllAsync<long>(s.NextTag(), new[] { 1L }, new long[2]);
            if (s.PartyId == 0)
            {
                // Party 0 makes no more requests: it aborts.
                await s.Network.AbortAsync("stopped by the test");
                return Array.Empty<Exception>();
            }
            // Party 1 queues three requests side by side; the first meets the abort, the others must report it too.
            Task[] requests = [source.TakeTriplesAsync(100).AsTask(), source.TakeTruncationMasksAsync(10, 16).AsTask(),
                source.TakeTriplesAsync(5).AsTask()];
            var failures = new List<Exception>();
            foreach (var request in requests) failures.Add(await Assert.ThrowsAnyAsync<Exception>(() => request));
            return failures.ToArray();
        });
        Assert.Equal(3, errors[1].Length);
        Assert.All(errors[1], e => Assert.IsType<PeerAbortedException>(e));
        Assert.All(errors[1], e => Assert.Contains("stopped by the test", e.Message));
    }

    [Fact]
    public async Task IknpReceiver_CalledAfterAFailedBatch_ThrowsTheFirstFailure()
    {
        var networks = InMemoryNetwork.CreateCluster(2, TimeSpan.FromSeconds(30));
        var outcome = await LocalParties.RunAsync(networks, async s =>
        {
            var tag = new StreamTag(0x1234);
            using var random = Mpc.Core.Random.AesCtrPrg.FromSystemRandom();
            if (s.PartyId == 0)
            {
                using var sender = await Mpc.Protocols.ObliviousTransfer.IknpSender.CreateAsync(s.Network, 1, tag, random);
                await s.Network.AbortAsync("sender gone");
                return (First: (Exception?)null, Second: (Exception?)null);
            }
            using var receiver = await Mpc.Protocols.ObliviousTransfer.IknpReceiver.CreateAsync(s.Network, 0, tag, random);
            // A random-OT batch may need nothing from the sender, so wait until the abort has arrived: the batch then fails.
            await Assert.ThrowsAnyAsync<PeerException>(() => s.Network.ReceiveAsync(0, new StreamTag(0x4321), new byte[1]).AsTask());
            var outputs = new Mpc.Core.Blocks.Block128[128];
            var first = await Assert.ThrowsAnyAsync<Exception>(() => receiver.ReceiveRandomAsync(new ulong[2], outputs).AsTask());
            var second = await Assert.ThrowsAnyAsync<Exception>(() => receiver.ReceiveRandomAsync(new ulong[2], outputs).AsTask());
            return (First: (Exception?)first, Second: (Exception?)second);
        });
        var (first, second) = outcome[1];
        Assert.IsType<PeerAbortedException>(first);
        Assert.Same(first, second);
    }
}

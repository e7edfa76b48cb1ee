using Mpc.Core.Arithmetic;
using Mpc.Core.Circuits;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Garbling;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// A party that runs the honest code over a <see cref="TamperingNetwork"/>, so that its frames carry more or fewer
/// elements than the round needs. The length check is central: every fixed-size receive goes through
/// <see cref="IPartyNetwork.ReceiveAsync"/> with a destination of the round's size, which fails with a
/// <see cref="MalformedFrameException"/> naming the sender, never garbage or an IndexOutOfRange (see
/// <c>PartyNetworkBase.CopyExact</c>); the garbler's one variable-length message, the evaluator's request, is checked
/// by <c>RunLayout.CheckRequest</c>. Elliptic-curve points off the curve, at infinity or badly encoded are refused by
/// the base OT: <c>Mpc.Tests/Protocols/ObliviousTransfer/ChouOrlandiTests.cs</c> (<c>BadPoints</c>).
/// </summary>
public sealed class ProtocolHostileTests(ITestOutputHelper output)
{
    private const int Hostile = 1;

    /// <summary>How the hostile party changes each frame: bytes added (positive) or cut (negative).</summary>
    public static TheoryData<string, int> LengthChanges => new()
    {
        { "one element too few", -1 },
        { "one element too many", 1 },
        { "half an element more", 0 },
        { "nothing at all", int.MinValue },
    };

    private static Func<int, byte[], byte[]> Resize(int change, int elementBytes) => (_, payload) => change switch
    {
        int.MinValue => [],
        0 => [.. payload, .. new byte[elementBytes / 2]],
        > 0 => [.. payload, .. new byte[change * elementBytes]],
        _ => payload[..Math.Max(0, payload.Length + change * elementBytes)],
    };

    /// <summary>
    /// Runs <paramref name="body"/> at every party of a 3-party in-memory cluster; the hostile party's sends are resized
    /// from the moment the body enables tampering. Returns what each party threw.
    /// </summary>
    private static async Task<Exception?[]> RunAsync(Func<int, byte[], byte[]> tamper, Func<Session, TamperingNetwork?, Task> body)
    {
        var networks = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(10));
        var hostile = new TamperingNetwork(networks[Hostile], tamper);
        networks[Hostile] = hostile;
        var outcomes = new Exception?[networks.Length];
        try
        {
            var sessions = await Task.WhenAll(networks.Select((n, id) => Session.EstablishAsync(n, Seed(id)).AsTask()));
            var run = Task.WhenAll(sessions.Select((s, id) => Task.Run(async () =>
            {
                try
                {
                    await body(s, id == Hostile ? hostile : null);
                }
                catch (Exception ex)
                {
                    outcomes[id] = ex;
                }
            })));
            Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)))); // nobody hangs
            foreach (var s in sessions) s.Dispose();
        }
        finally
        {
            foreach (var n in networks) await n.DisposeAsync();
        }
        return outcomes;
    }

    private static byte[] Seed(int party)
    {
        var key = new byte[16];
        key[0] = (byte)party;
        key[1] = 0x77;
        return key;
    }

    /// <summary>Every honest party fails naming the hostile one; at least one saw the malformed frame itself.</summary>
    private void AssertHonestPartiesBlame(Exception?[] outcomes, int culprit, string detail)
    {
        for (int p = 0; p < outcomes.Length; p++)
        {
            if (p == culprit) continue;
            var ex = Assert.IsAssignableFrom<PeerException>(outcomes[p]);
            Assert.Equal(culprit, ex.PeerId);
            output.WriteLine($"party {p}: {ex.Message}");
        }
        var seen = outcomes.Where((e, p) => p != culprit).OfType<MalformedFrameException>().ToArray();
        Assert.NotEmpty(seen);
        Assert.All(seen, e => Assert.Contains(detail, e.Detail));
    }

    [Theory]
    [MemberData(nameof(LengthChanges))]
    public async Task AdditiveOpen_WrongElementCount_FailsNamingThePeer(string what, int change)
    {
        output.WriteLine(what);
        var outcomes = await RunAsync(Resize(change, sizeof(ulong)), async (session, hostile) =>
        {
            var suite = new AdditiveSuite(session, new DealerPreprocessing(session));
            var x = suite.Constant([Z2k.One, Z2k.One, Z2k.One, Z2k.One]);
            Assert.Equal(4, (await suite.OpenAsync(x)).Length); // an honest opening first
            hostile?.Enabled = true;
            await suite.OpenAsync(x);
        });
        AssertHonestPartiesBlame(outcomes, Hostile, "bytes where the round needs 32");
    }

    [Theory]
    [MemberData(nameof(LengthChanges))]
    public async Task ShamirOpen_WrongElementCount_FailsNamingThePeer(string what, int change)
    {
        output.WriteLine(what);
        var outcomes = await RunAsync(Resize(change, 16), async (session, hostile) =>
        {
            var suite = new ShamirSuite<Mersenne127>(session);
            var x = suite.Constant([Mersenne127.One, Mersenne127.One, Mersenne127.One]);
            hostile?.Enabled = true;
            await suite.OpenAsync(x);
        });
        AssertHonestPartiesBlame(outcomes, Hostile, "bytes where the round needs 48");
    }

    [Fact]
    public async Task AdditiveMultiply_OneElementTooFew_FailsNamingThePeer()
    {
        var outcomes = await RunAsync(Resize(-1, sizeof(ulong)), async (session, hostile) =>
        {
            var suite = new AdditiveSuite(session, new DealerPreprocessing(session));
            var x = suite.Constant([Z2k.One, Z2k.One]);
            var product = await suite.MultiplyAsync(x, x); // the dealer's triples arrive honestly
            hostile?.Enabled = true;
            await suite.MultiplyAsync(product, x);
        });
        AssertHonestPartiesBlame(outcomes, Hostile, "bytes where the round needs");
    }

    /// <summary>A circuit whose inputs all come from the evaluator: the garbler's first message is its first table chunk.</summary>
    private static Circuit EvaluatorInputCircuit()
    {
        var builder = new CircuitBuilder();
        Wire[] a = builder.Input(32);
        builder.Output(Enumerable.Range(0, 16).Select(i => builder.And(a[i], a[i + 16])).ToArray());
        return builder.Build();
    }

    private static async Task<(Exception? Garbler, Exception? Evaluator)> GarbleAsync(int tamperedParty, Func<int, byte[], byte[]> tamper)
    {
        Circuit circuit = EvaluatorInputCircuit();
        var networks = InMemoryNetwork.CreateCluster(2, TimeSpan.FromSeconds(10));
        var hostile = new TamperingNetwork(networks[tamperedParty], tamper) { Limit = 1 };
        networks[tamperedParty] = hostile;
        try
        {
            var sessions = await Task.WhenAll(networks.Select((n, id) => Session.EstablishAsync(n, Seed(id)).AsTask()));
            var created = await Task.WhenAll(
                Task.Run(async () => (object)await Garbler.CreateAsync(sessions[0], evaluator: 1)),
                Task.Run(async () => (object)await Evaluator.CreateAsync(sessions[1], garbler: 0)));
            using var garbler = (Garbler)created[0];
            using var evaluator = (Evaluator)created[1];
            hostile.Enabled = true; // base OTs done: the next frame the party sends is the one to tamper with
            Exception? g = null, e = null;
            var run = Task.WhenAll(
                Task.Run(async () =>
                {
                    try { await garbler.GarbleAsync(circuit, [GarblerInput.FromEvaluator], [OutputMode.RevealToEvaluator]); }
                    catch (Exception ex) { g = ex; await networks[0].AbortAsync($"garbler failed: {ex.GetType().Name}"); }
                }),
                Task.Run(async () =>
                {
                    try { await evaluator.EvaluateAsync(circuit, [EvaluatorInput.Own(new bool[32])], [OutputMode.RevealToEvaluator]); }
                    catch (Exception ex) { e = ex; await networks[1].AbortAsync($"evaluator failed: {ex.GetType().Name}"); }
                }));
            Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))));
            Assert.Equal(1, hostile.Tampered);
            foreach (var s in sessions) s.Dispose();
            return (g, e);
        }
        finally
        {
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task Evaluator_GarbledTablesOfTheWrongLength_FailNamingTheGarbler(int blocks)
    {
        var (_, evaluatorFailure) = await GarbleAsync(0, (_, table) => blocks < 0 ? table[..^16] : [.. table, .. new byte[16]]);
        var ex = Assert.IsType<MalformedFrameException>(evaluatorFailure);
        Assert.Equal(0, ex.PeerId);
        // 16 AND gates at two 16-byte ciphertexts each.
        Assert.Contains($"has {512 + 16 * blocks} bytes where the round needs 512", ex.Detail);
        output.WriteLine(ex.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task Garbler_WrongLengthRequest_FailsNamingTheEvaluator(int bytes)
    {
        var (garblerFailure, _) = await GarbleAsync(1, (_, request) => bytes < 0 ? request[..^1] : [.. request, 0]);
        var ex = Assert.IsType<GarblingException>(garblerFailure);
        Assert.Contains("request", ex.Message);
        output.WriteLine(ex.Message);
    }
}

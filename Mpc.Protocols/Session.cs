using Mpc.Core.Random;
using Mpc.Net;

namespace Mpc.Protocols;

/// <summary>
/// One party's view of a joint computation: its id, the number of parties, the network, its private
/// randomness, and a PRG seed shared with each peer. Suites and protocols take a session; they hold no
/// static state, so any number of sessions (parties) can run in one process.
/// </summary>
/// <remarks>
/// Message tags are derived from program position: every operation takes the next tag of its
/// <see cref="ProtocolChannel"/> when it starts, synchronously, so parties that run the same program
/// derive the same tags without talking. Start operations in the same order at every party. An operation takes
/// all its tags (and asks its preprocessing for all it needs) before its first await, so operations started together,
/// like the products of one tree level, still number their messages alike. An operation that takes more as it goes
/// (a comparison's rounds of products) must have no other operation started beside it while it runs, but for ones
/// started before it: its later steps run on whichever thread completes an await, at any moment, so one started
/// after it could take its tag before or after theirs, differently at every party.
/// </remarks>
public sealed class Session : IDisposable
{
    private const int TagCounterBits = 27;
    private readonly uint[] _tagCounters = new uint[32];
    private byte[][] _pairwiseSeeds;

    private Session(IPartyNetwork network, AesCtrPrg random, byte[][] pairwiseSeeds)
    {
        Network = network;
        Random = random;
        _pairwiseSeeds = pairwiseSeeds;
    }

    /// <summary>My party id.</summary>
    public int PartyId => Network.PartyId;

    /// <summary>N, the number of parties.</summary>
    public int PartyCount => Network.PartyCount;

    /// <summary>The links to the other parties.</summary>
    public IPartyNetwork Network { get; }

    /// <summary>
    /// This party's private randomness (AES-CTR seeded from the OS CSPRNG unless a test fixes it; re-keyed per phase by
    /// <see cref="EpochKeys"/> in a run that can resume). Read it when drawing, never keep it.
    /// </summary>
    public AesCtrPrg Random { get; private set; }

    /// <summary>How many tags each channel has handed out, by <see cref="ProtocolChannel"/>; a checkpoint records it.</summary>
    public uint[] TagCounters() => (uint[])_tagCounters.Clone();

    /// <summary>
    /// Moves every channel's tag counter forward to <paramref name="counters"/> (as <see cref="TagCounters"/> returned
    /// it at a checkpoint), so a resumed run numbers its operations, and derives their pairwise PRGs, as the original
    /// run did. Never backwards: a tag taken twice could pair a message with the wrong operation.
    /// </summary>
    public void AdvanceTagCounters(IReadOnlyList<uint> counters)
    {
        if (counters.Count != _tagCounters.Length)
            throw new ArgumentException($"Expected {_tagCounters.Length} tag counters, got {counters.Count}.", nameof(counters));
        for (int c = 0; c < counters.Count; c++)
            if (counters[c] < _tagCounters[c])
                throw new InvalidOperationException($"Channel {(ProtocolChannel)c} has already handed out {_tagCounters[c]} tags, "
                    + $"past the {counters[c]} asked for: tags would be reused.");
        for (int c = 0; c < counters.Count; c++) _tagCounters[c] = counters[c];
    }

    /// <summary>The pairwise seeds agreed at set-up (the peer's slot; mine is null), for <see cref="EpochKeys"/>.</summary>
    internal byte[][] PairwiseSeeds => _pairwiseSeeds;

    /// <summary>
    /// Replaces this party's randomness and its pairwise seeds, at a point where no operation is running
    /// (<see cref="EpochKeys.Enter"/>). The previous generator is wiped.
    /// </summary>
    internal void Rekey(AesCtrPrg random, byte[][] pairwiseSeeds)
    {
        if (pairwiseSeeds.Length != PartyCount)
            throw new ArgumentException($"Expected {PartyCount} pairwise seeds.", nameof(pairwiseSeeds));
        var previous = Random;
        Random = random;
        _pairwiseSeeds = pairwiseSeeds;
        previous.Dispose();
    }

    /// <summary>
    /// Opens a session: agrees a fresh PRG seed with every peer (the lower id picks it and sends it over the
    /// authenticated, encrypted link). One round.
    /// </summary>
    /// <param name="network">The connected network.</param>
    /// <param name="privateSeed">Fixes this party's randomness for reproducible tests; null draws it from the OS CSPRNG.</param>
    /// <param name="ct">Cancels the set-up.</param>
    public static async ValueTask<Session> EstablishAsync(IPartyNetwork network, byte[]? privateSeed = null, CancellationToken ct = default)
    {
        var random = privateSeed is null ? AesCtrPrg.FromSystemRandom() : new AesCtrPrg(privateSeed);
        int me = network.PartyId, n = network.PartyCount;
        var seeds = new byte[n][];
        var tag = new StreamTag(ComposeTag(ProtocolChannel.Setup, 0));
        var pending = new List<Task>();
        for (int peer = 0; peer < n; peer++)
        {
            if (peer == me) continue;
            seeds[peer] = new byte[AesCtrPrg.SeedSize];
            if (me < peer)
            {
                random.Fill(seeds[peer]);
                pending.Add(network.SendAsync(peer, tag, seeds[peer], ct).AsTask());
            }
            else
            {
                pending.Add(network.ReceiveAsync(peer, tag, seeds[peer], ct).AsTask());
            }
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        network.CountRound();
        var session = new Session(network, random, seeds);
        session._tagCounters[(int)ProtocolChannel.Setup] = 1;
        return session;
    }

    /// <summary>
    /// A session over <paramref name="network"/> with no secrets: fixed randomness and all-zero pairwise seeds, for a
    /// rehearsal that only records what a program takes (<see cref="Preprocessing.PreprocessingPlan.RecordAsync"/>).
    /// </summary>
    internal static Session ForRehearsal(IPartyNetwork network)
    {
        var seeds = new byte[network.PartyCount][];
        for (int peer = 0; peer < seeds.Length; peer++) if (peer != network.PartyId) seeds[peer] = new byte[AesCtrPrg.SeedSize];
        return new Session(network, new AesCtrPrg(new byte[AesCtrPrg.SeedSize]), seeds);
    }

    /// <summary>The next tag of <paramref name="channel"/>; call it synchronously when an operation starts.</summary>
    public StreamTag NextTag(ProtocolChannel channel = ProtocolChannel.Online)
    {
        uint counter = Interlocked.Increment(ref _tagCounters[(int)channel]) - 1;
        return new StreamTag(ComposeTag(channel, counter & ((1u << TagCounterBits) - 1)));
    }

    /// <summary>
    /// A PRG whose stream this party and <paramref name="peer"/> both compute, distinct for every
    /// <paramref name="purpose"/> (HKDF-SHA256 over the pairwise seed, RFC 5869). Nobody else can compute it.
    /// </summary>
    public AesCtrPrg SharedPrg(int peer, StreamTag purpose)
    {
        if (peer == PartyId || (uint)peer >= (uint)PartyCount)
            throw new ArgumentOutOfRangeException(nameof(peer), peer,
                $"A shared PRG needs another party's id (0..{PartyCount - 1}, not {PartyId}).");
        Span<byte> info = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(info, purpose.Value);
        return AesCtrPrg.Derive(_pairwiseSeeds[peer], "mpc-pairwise-prg"u8, info);
    }

    /// <inheritdoc />
    public void Dispose() => Random.Dispose();

    internal static uint ComposeTag(ProtocolChannel channel, uint counter) => ((uint)channel << TagCounterBits) | counter;
}

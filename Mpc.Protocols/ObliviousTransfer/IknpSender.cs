using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer.Internal;
using Mpc.Protocols.Common;

namespace Mpc.Protocols.ObliviousTransfer;

/// <summary>
/// The sender of IKNP OT extension: holds the global correlation Δ and the message pairs, and turns 128 base OTs
/// into any number of correlated, random, chosen-message or Z_2^64-correlated OTs with <see cref="IknpReceiver"/>.
/// </summary>
/// <remarks>
/// <para>
/// Y. Ishai, J. Kilian, K. Nissim, E. Petrank, "Extending Oblivious Transfers Efficiently", CRYPTO 2003, with
/// κ = 128; created with k &gt; 1 bits per group, SoftSpoken OT (Roy, CRYPTO 2022; see <see cref="Internal.SoftSpoken"/>).
/// Semi-honest security; outputs are hashed with fixed-key AES TCCR (Guo, Katz, Wang, Yu, S&amp;P 2020). Rounds:
/// creation runs the 128 base OTs as their receiver (<see cref="ChouOrlandiReceiver"/>, 2 rounds; SoftSpoken's GGM
/// trees add one message); then one per batch for correlated blocks and random OT, two for chosen-message and
/// word-correlated OT, whatever the batch size. Derivation: docs/protocols.md#iknp-ot-extension.
/// </para>
/// <para>
/// Create one sender per ordered pair of parties on a stream tag of its own; the receiver must create its
/// <see cref="IknpReceiver"/> on the same tag, and both must then call their methods in the same order. Calls on
/// one instance must not overlap, and after a failed call the instance refuses further calls.
/// </para>
/// </remarks>
public sealed class IknpSender : IDisposable
{
    private const int Kappa = IknpCore.Kappa;

    private readonly IPartyNetwork _network;
    private readonly int _receiver;
    private readonly StreamTag _tag;
    private readonly SoftSpokenSenderColumns _columns;
    private readonly byte[] _acknowledgement = [1];
    private ulong _nextIndex;
    private readonly ExclusiveCalls _calls = new(nameof(IknpSender),
        "An earlier batch on this IknpSender failed, so its stream is out of step with the peer; create a new pair.");
    private bool _disposed;

    private IknpSender(IPartyNetwork network, int receiver, StreamTag tag, Block128 delta, SoftSpokenSenderColumns columns)
    {
        _network = network;
        _receiver = receiver;
        _tag = tag;
        Delta = delta;
        _columns = columns;
    }

    /// <summary>
    /// Creates the sender towards party <paramref name="receiver"/> on <paramref name="tag"/>: draws Δ from
    /// <paramref name="random"/> and runs the 128 base OTs (2 rounds). <paramref name="random"/> is used only during
    /// this call.
    /// </summary>
    public static ValueTask<IknpSender> CreateAsync(IPartyNetwork network, int receiver, StreamTag tag, AesCtrPrg random,
        CancellationToken ct = default) =>
        CreateAsync(network, receiver, tag, random, softSpokenBits: 1, ct);

    /// <summary>
    /// Creates the sender of a SoftSpoken pair with <paramref name="softSpokenBits"/> (k = 1, 2, 4 or 8) bits per
    /// group: the base OTs (2 rounds), then the receiver's GGM message (one more for k &gt; 1). The receiver must use
    /// the same k.
    /// </summary>
    public static ValueTask<IknpSender> CreateAsync(IPartyNetwork network, int receiver, StreamTag tag, AesCtrPrg random,
        int softSpokenBits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        ChouOrlandiSender.CheckPeer(network, receiver, nameof(receiver));
        SoftSpoken.Check(softSpokenBits);
        return CreateWithDeltaAsync(network, receiver, tag, DrawDelta(random), random, softSpokenBits, ct);
    }

    /// <summary>
    /// The steps of <see cref="CreateAsync(IPartyNetwork, int, StreamTag, AesCtrPrg, int, CancellationToken)"/> with Δ
    /// given: the base-OT choices are Δ's bits.
    /// </summary>
    internal static async ValueTask<IknpSender> CreateWithDeltaAsync(IPartyNetwork network, int receiver, StreamTag tag, Block128 delta,
        AesCtrPrg random, int softSpokenBits, CancellationToken ct)
    {
        var keys = new Block128[Kappa];
        var setup = new Block128[SoftSpoken.SetupBlocks(softSpokenBits)];
        try
        {
            var baseOt = new ChouOrlandiReceiver(network, receiver, tag, random);
            await baseOt.ReceiveRandomAsync(new[] { delta.Low, delta.High }, keys, ct).ConfigureAwait(false);
            if (setup.Length > 0)
            {
                await network.ReceiveAsync(receiver, tag, setup.AsMemory(), ct).ConfigureAwait(false);
                network.CountRound();
            }
            return FromBaseOts(network, receiver, tag, delta, keys, softSpokenBits, setup);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keys.AsSpan()));
        }
    }

    /// <summary>
    /// A sender from base-OT results: <paramref name="keys"/>[i] is the key for choice bit i of <paramref name="delta"/>,
    /// and <paramref name="setup"/> the receiver's GGM message (empty for k = 1). For tests, which deal base OTs.
    /// </summary>
    internal static IknpSender FromBaseOts(IPartyNetwork network, int receiver, StreamTag tag, Block128 delta, ReadOnlySpan<Block128> keys,
        int softSpokenBits = 1, ReadOnlySpan<Block128> setup = default)
    {
        if (keys.Length != Kappa) throw new ArgumentException($"IKNP needs {Kappa} base OTs, not {keys.Length}.", nameof(keys));
        SoftSpoken.Check(softSpokenBits);
        if (setup.Length != SoftSpoken.SetupBlocks(softSpokenBits))
            throw new ArgumentException($"SoftSpoken with k = {softSpokenBits} needs a setup of "
                + $"{SoftSpoken.SetupBlocks(softSpokenBits)} blocks, not {setup.Length}.", nameof(setup));
        var leaves = new Block128[SoftSpoken.Groups(softSpokenBits) << softSpokenBits];
        try
        {
            SoftSpoken.SenderLeaves(softSpokenBits, delta, keys, setup, leaves);
            return new IknpSender(network, receiver, tag, delta, new SoftSpokenSenderColumns(softSpokenBits, delta, leaves));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(leaves.AsSpan()));
        }
    }

    /// <summary>SoftSpoken's k: bits per group of columns (1 for IKNP); the receiver sends 16/k bytes per OT.</summary>
    public int SoftSpokenBits => _columns.Bits;

    /// <summary>The values of k a pair can be created with (k divides 128; 2^k leaves per group stay few).</summary>
    public static IReadOnlyList<int> SoftSpokenBitChoices { get; } = [1, 2, 4, 8];

    /// <summary>The global correlation Δ: for every OT, the receiver's block is q_j ⊕ c_j·Δ. A secret of this party.</summary>
    public Block128 Delta { get; }

    /// <summary>
    /// Correlated OT on raw blocks ("random COT"): fills <paramref name="q"/> with q_j such that the receiver's
    /// t_j = q_j ⊕ (c_j ? Δ : 0). One round; 16 bytes per OT from the receiver.
    /// </summary>
    public ValueTask SendCorrelatedBlocksAsync(Memory<Block128> q, CancellationToken ct = default) =>
        RunAsync(new IknpRequest(IknpFlavour.CorrelatedBlocks, q.Length, Blocks0: q), ct);

    /// <summary>
    /// Random OT: fills (<paramref name="m0"/>[j], <paramref name="m1"/>[j]) with H(q_j) and H(q_j ⊕ Δ); the receiver
    /// gets m_{c_j}[j] and nothing about the other. One round.
    /// </summary>
    public ValueTask SendRandomAsync(Memory<Block128> m0, Memory<Block128> m1, CancellationToken ct = default)
    {
        if (m1.Length != m0.Length)
            throw new ArgumentException($"{m0.Length} first messages but {m1.Length} second messages.", nameof(m1));
        return RunAsync(new IknpRequest(IknpFlavour.Random, m0.Length, Blocks0: m0, Blocks1: m1), ct);
    }

    /// <summary>
    /// Chosen-message OT: the receiver learns <paramref name="m0"/>[j] or <paramref name="m1"/>[j] as its choice
    /// c_j says, and nothing about the other. Two rounds; 32 bytes per OT back to the receiver.
    /// </summary>
    public ValueTask SendChosenAsync(ReadOnlyMemory<Block128> m0, ReadOnlyMemory<Block128> m1, CancellationToken ct = default)
    {
        if (m1.Length != m0.Length)
            throw new ArgumentException($"{m0.Length} first messages but {m1.Length} second messages.", nameof(m1));
        return RunAsync(new IknpRequest(IknpFlavour.Chosen, m0.Length, Messages0: m0, Messages1: m1), ct);
    }

    /// <summary>
    /// Correlated OT over Z_2^64 with sender-chosen vector correlations (for Gilboa products): OT j carries
    /// <paramref name="width"/> words, and for every i &lt; width the receiver gets
    /// <c>outputs[j*width+i] + (c_j ? correlations[j*width+i] : 0)</c> (mod 2^64), where <paramref name="outputs"/> is
    /// filled with pseudorandom words. The count is <c>outputs.Length / width</c>. Two rounds; 8·width bytes per OT
    /// back to the receiver.
    /// </summary>
    public ValueTask SendCorrelatedAsync(ReadOnlyMemory<ulong> correlations, int width, Memory<ulong> outputs,
        CancellationToken ct = default)
    {
        CheckCorrelations(correlations.Length, width, outputs.Length);
        return RunAsync(new IknpRequest(IknpFlavour.CorrelatedWords, outputs.Length / width, Correlations: correlations,
            Words: outputs, Width: width), ct);
    }

    /// <summary>
    /// <see cref="SendCorrelatedAsync"/> for correlations that are multiples of 2^s in OT j, s = j mod 64 (Gilboa's
    /// a 2^s): OT j then works modulo 2^(64 - s) in the top bits, its outputs' low s bits are 0 on both sides, and its
    /// correction travels in 64 - s bits, 49% fewer reply bytes. The count must be a multiple of 64.
    /// </summary>
    public ValueTask SendCorrelatedShiftedAsync(ReadOnlyMemory<ulong> correlations, int width, Memory<ulong> outputs,
        CancellationToken ct = default)
    {
        CheckCorrelations(correlations.Length, width, outputs.Length);
        CheckShifted(outputs.Length / width);
        var span = correlations.Span;
        for (int j = 0; j < span.Length / width; j++)
        {
            ulong low = TruncatedWords.LowMask(TruncatedWords.DroppedBits(j));
            for (int i = 0; i < width; i++)
                if ((span[j * width + i] & low) != 0)
                    throw new ArgumentException(
                        $"Correlation word {i} of OT {j} has bits below 2^{TruncatedWords.DroppedBits(j)}, which a shifted OT drops.",
                        nameof(correlations));
        }
        return RunAsync(new IknpRequest(IknpFlavour.CorrelatedWords, outputs.Length / width, Correlations: correlations, Words: outputs,
            Width: width, TruncatedByIndex: true), ct);
    }

    private static void CheckCorrelations(int correlations, int width, int outputs)
    {
        CheckWidth(width, outputs, nameof(outputs));
        if (correlations != outputs)
            throw new ArgumentException($"{outputs} output words but {correlations} correlation words.", nameof(correlations));
    }

    internal static void CheckShifted(int count)
    {
        if (count % 64 != 0)
            throw new ArgumentException($"Shifted correlated OT runs in groups of 64; {count} OTs are not.", nameof(count));
    }

    /// <summary>Wipes the column PRGs; the instance cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _columns.Dispose();
    }

    internal static void CheckWidth(int width, int length, string name)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "The width is at least one word per OT.");
        if (length % width != 0) throw new ArgumentException($"{length} words are not a whole number of OTs of width {width}.", name);
    }

    private static Block128 DrawDelta(AesCtrPrg random)
    {
        Span<Block128> delta = stackalloc Block128[1];
        random.Fill(delta);
        return delta[0];
    }

    /// <summary>Checks the state synchronously, then runs the batch.</summary>
    private ValueTask RunAsync(IknpRequest request, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _calls.Enter();
        return _calls.RunAsync(() => request.Count > 0 ? RunChunksAsync(request, ct) : ValueTask.CompletedTask);
    }

    private async ValueTask RunChunksAsync(IknpRequest request, CancellationToken ct)
    {
        int count = request.Count;
        int capacity = Math.Min(count, IknpCore.ChunkOts);
        int matrixBytes = Kappa * IknpCore.RowBytes(capacity);
        int replyBytes = request.ReplyBytes(capacity);
        var pool = ArrayPool<byte>.Shared;
        byte[] u0 = pool.Rent(CorrectionBytes(count, 0)), u1 = pool.Rent(CorrectionBytes(count, 0)), q = pool.Rent(matrixBytes);
        byte[] reply0 = replyBytes > 0 ? pool.Rent(replyBytes) : [], reply1 = replyBytes > 0 ? pool.Rent(replyBytes) : [];
        Block128[] scratch = request.ScratchBlocks(capacity) > 0 ? ArrayPool<Block128>.Shared.Rent(request.ScratchBlocks(capacity)) : [];
        bool settled = false;
        try
        {
            int chunks = (count + IknpCore.ChunkOts - 1) / IknpCore.ChunkOts;
            ValueTask pendingSend = ValueTask.CompletedTask;
            // Post the receive of the next chunk's correction before working on this one, so the transport can
            // write it straight into our buffer while we compute.
            ValueTask pendingReceive = _network.ReceiveAsync(_receiver, _tag, u0.AsMemory(0, CorrectionBytes(count, 0)), ct);
            for (int k = 0; k < chunks; k++)
            {
                int start = k * IknpCore.ChunkOts;
                int m = Math.Min(IknpCore.ChunkOts, count - start);
                byte[] u = (k & 1) == 0 ? u0 : u1;
                // Round 1 (pipelined over chunks): the receiver's correction for chunk k.
                await pendingReceive.ConfigureAwait(false);
                pendingReceive = k + 1 < chunks
                    ? _network.ReceiveAsync(_receiver, _tag, ((k & 1) == 0 ? u1 : u0).AsMemory(0, CorrectionBytes(count, k + 1)), ct)
                    : ValueTask.CompletedTask;

                byte[] reply = (k & 1) == 0 ? reply0 : reply1;
                ComputeChunk(request, start, m, u.AsSpan(0, CorrectionBytes(count, k)), q, scratch, reply.AsSpan(0, request.ReplyBytes(m)));
                if (request.HasReply)
                {
                    // Round 2 (pipelined): our reply for chunk k.
                    await pendingSend.ConfigureAwait(false);
                    pendingSend = _network.SendAsync(_receiver, _tag, reply.AsMemory(0, request.ReplyBytes(m)), ct);
                }
                else if (IknpCore.Acknowledged(k, chunks))
                {
                    await pendingSend.ConfigureAwait(false);
                    pendingSend = _network.SendAsync(_receiver, _tag, _acknowledgement, ct);
                }
            }
            await pendingReceive.ConfigureAwait(false);
            await pendingSend.ConfigureAwait(false);
            settled = true;
        }
        finally
        {
            // After a failure a receive may still be writing into a buffer: leave those to the GC, never to the pool.
            if (settled)
            {
                pool.Return(u0);
                pool.Return(u1);
                pool.Return(q, clearArray: true);
                if (replyBytes > 0)
                {
                    pool.Return(reply0);
                    pool.Return(reply1);
                }
                if (scratch.Length > 0) ArrayPool<Block128>.Shared.Return(scratch, clearArray: true);
            }
        }
        _nextIndex += (ulong)count;
        for (int r = 0; r < request.Rounds; r++) _network.CountRound();
    }

    /// <summary>
    /// Shifted word-correlated OT of one word (Gilboa's elementwise products), in one pass after the two hashes:
    /// OT j's output is H(q_j) without its low s = j mod 64 bits, and its correction
    /// (H(q_j) + correlation - H(q_j ⊕ Δ)) &gt;&gt; s is packed in 64 - s bits.
    /// </summary>
    private void ShiftedSingleWords(ReadOnlySpan<Block128> blocks, ulong first, ReadOnlySpan<ulong> correlations, Span<ulong> outputs,
        Span<Block128> hashes, Span<ulong> packed)
    {
        int m = blocks.Length;
        Span<Block128> h0 = hashes[..m], h1 = hashes.Slice(m, m);
        FixedKeyAes.TccrHash(blocks, first, h0);
        FixedKeyAes.TccrHash(blocks, Delta, first, h1);
        var writer = new TruncatedWords.Writer(packed);
        for (int j = 0; j < m; j++)
        {
            int dropped = TruncatedWords.DroppedBits(j);
            ulong keep = ~TruncatedWords.LowMask(dropped);
            ulong output = h0[j].Low & keep;
            outputs[j] = output;
            writer.Put(unchecked(output + correlations[j] - (h1[j].Low & keep)) >> dropped, 64 - dropped);
        }
        writer.Flush();
    }

    /// <summary>Bytes of chunk <paramref name="k"/>'s correction matrix in a batch of <paramref name="count"/> OTs.</summary>
    private int CorrectionBytes(int count, int k) =>
        _columns.CorrectionRows * IknpCore.RowBytes(Math.Min(IknpCore.ChunkOts, count - k * IknpCore.ChunkOts));

    private void ComputeChunk(in IknpRequest request, int start, int m, ReadOnlySpan<byte> u, Span<byte> qBuffer,
        Span<Block128> scratch, Span<byte> reply)
    {
        Span<byte> q = qBuffer[..(Kappa * IknpCore.RowBytes(m))];
        _columns.Expand(u, q);
        ulong first = _nextIndex + (ulong)start;
        switch (request.Flavour)
        {
            case IknpFlavour.CorrelatedBlocks:
                BitMatrix.Transpose(q, request.Blocks0.Span.Slice(start, m));
                break;
            case IknpFlavour.Random:
            {
                Span<Block128> m0 = request.Blocks0.Span.Slice(start, m), m1 = request.Blocks1.Span.Slice(start, m);
                BitMatrix.Transpose(q, m0);
                FixedKeyAes.TccrHash(m0, Delta, first, m1);
                FixedKeyAes.TccrHash(m0, first, m0);
                break;
            }
            case IknpFlavour.Chosen:
            {
                Span<Block128> y = MemoryMarshal.Cast<byte, Block128>(reply);
                Span<Block128> y0 = y[..m], y1 = y.Slice(m, m);
                BitMatrix.Transpose(q, y0);
                FixedKeyAes.TccrHash(y0, Delta, first, y1);
                FixedKeyAes.TccrHash(y0, first, y0);
                IknpCore.XorInto(request.Messages0.Span.Slice(start, m), y0);
                IknpCore.XorInto(request.Messages1.Span.Slice(start, m), y1);
                break;
            }
            case IknpFlavour.CorrelatedWords:
            {
                int width = request.Width;
                Span<Block128> blocks = scratch[..m];
                Span<ulong> outputs = request.Words.Span.Slice(start * width, m * width);
                Span<ulong> d = MemoryMarshal.Cast<byte, ulong>(reply);
                BitMatrix.Transpose(q, blocks);
                ReadOnlySpan<ulong> correlations = request.Correlations.Span.Slice(start * width, m * width);
                if (request.TruncatedByIndex && width == 1)
                {
                    ShiftedSingleWords(blocks, first, correlations, outputs, scratch.Slice(m, 2 * m), d);
                    break;
                }
                IknpCore.WideHash(blocks, default, first, width, outputs, scratch[m..]);
                // d = H(q) + correlation - H(q ⊕ Δ): the receiver with c = 1 holds H(q ⊕ Δ) and adds d.
                if (request.TruncatedByIndex)
                {
                    // Shifted: both hashes lose their low s bits (so does d), and d travels packed in 64 - s bits.
                    var full = ArrayPool<ulong>.Shared.Rent(m * width);
                    try
                    {
                        Span<ulong> wide = full.AsSpan(0, m * width);
                        IknpCore.WideHash(blocks, Delta, first, width, wide, scratch[m..]);
                        var packed = new TruncatedWords.Writer(MemoryMarshal.Cast<byte, ulong>(reply));
                        for (int j = 0; j < m; j++)
                        {
                            int dropped = TruncatedWords.DroppedBits(j);
                            ulong keep = ~TruncatedWords.LowMask(dropped);
                            for (int i = j * width; i < (j + 1) * width; i++)
                            {
                                outputs[i] &= keep;
                                packed.Put(unchecked(outputs[i] + correlations[i] - (wide[i] & keep)) >> dropped, 64 - dropped);
                            }
                        }
                        packed.Flush();
                    }
                    finally
                    {
                        ArrayPool<ulong>.Shared.Return(full);
                    }
                    break;
                }
                IknpCore.WideHash(blocks, Delta, first, width, d, scratch[m..]);
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = unchecked(outputs[i] + correlations[i] - d[i]);
                }
                break;
            }
        }
    }
}

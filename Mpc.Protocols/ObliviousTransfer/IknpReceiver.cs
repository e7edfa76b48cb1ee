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
/// The receiver of IKNP OT extension: holds the choice bits and gets, for each OT, the message (or block, or words)
/// its choice selects from <see cref="IknpSender"/>, learning nothing about the other.
/// </summary>
/// <remarks>
/// <para>
/// Ishai, Kilian, Nissim, Petrank, CRYPTO 2003, κ = 128 (SoftSpoken, Roy, CRYPTO 2022, for k &gt; 1); semi-honest
/// security; hashes: fixed-key AES TCCR (Guo et al. S&amp;P 2020). Rounds: creation runs the base OTs as their sender
/// (<see cref="ChouOrlandiSender"/>, 2 rounds), and batches take the rounds listed on <see cref="IknpSender"/>.
/// Derivation: docs/protocols.md#iknp-ot-extension.
/// </para>
/// <para>
/// Choices are packed: OT j's choice is bit <c>j % 64</c> of <c>choices[j / 64]</c>; bits past the last OT are
/// ignored. Calls on one instance must not overlap and must follow the sender's order; after a failed call the instance
/// refuses further calls.
/// </para>
/// </remarks>
public sealed class IknpReceiver : IDisposable
{
    private const int Kappa = IknpCore.Kappa;

    /// <summary>Chunks between sending a correction and applying the sender's reply to it.</summary>
    private const int ReplyLag = 2;

    private readonly IPartyNetwork _network;
    private readonly int _sender;
    private readonly StreamTag _tag;
    private readonly SoftSpokenReceiverColumns _columns;
    private ulong _nextIndex;
    private readonly ExclusiveCalls _calls = new(nameof(IknpReceiver),
        "An earlier batch on this IknpReceiver failed, so its stream is out of step with the peer; create a new pair.");
    private bool _disposed;

    private IknpReceiver(IPartyNetwork network, int sender, StreamTag tag, SoftSpokenReceiverColumns columns)
    {
        _network = network;
        _sender = sender;
        _tag = tag;
        _columns = columns;
    }

    /// <summary>
    /// Creates the receiver from party <paramref name="sender"/> on <paramref name="tag"/>: runs the 128 base OTs as
    /// their sender (2 rounds). <paramref name="random"/> is used only during this call.
    /// </summary>
    public static ValueTask<IknpReceiver> CreateAsync(IPartyNetwork network, int sender, StreamTag tag, AesCtrPrg random,
        CancellationToken ct = default) =>
        CreateAsync(network, sender, tag, random, softSpokenBits: 1, ct);

    /// <summary>
    /// Creates the receiver of a SoftSpoken pair with <paramref name="softSpokenBits"/> (k = 1, 2, 4 or 8) bits per
    /// group: the base OTs (2 rounds), then one message with the GGM trees' masked level sums (a third round, none
    /// for k = 1).
    /// The sender must use the same k.
    /// </summary>
    public static ValueTask<IknpReceiver> CreateAsync(IPartyNetwork network, int sender, StreamTag tag, AesCtrPrg random,
        int softSpokenBits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        ChouOrlandiSender.CheckPeer(network, sender, nameof(sender));
        SoftSpoken.Check(softSpokenBits);
        return CreateCoreAsync(network, sender, tag, random, softSpokenBits, ct);
    }

    private static async ValueTask<IknpReceiver> CreateCoreAsync(IPartyNetwork network, int sender, StreamTag tag, AesCtrPrg random,
        int softSpokenBits, CancellationToken ct)
    {
        var keys0 = new Block128[Kappa];
        var keys1 = new Block128[Kappa];
        try
        {
            var baseOt = new ChouOrlandiSender(network, sender, tag, random);
            await baseOt.SendRandomAsync(keys0, keys1, ct).ConfigureAwait(false);
            var setup = new Block128[SoftSpoken.SetupBlocks(softSpokenBits)];
            var receiver = FromBaseOts(network, sender, tag, keys0, keys1, softSpokenBits, setup);
            if (setup.Length > 0)
            {
                await network.SendAsync(sender, tag, setup.AsMemory(), ct).ConfigureAwait(false);
                network.CountRound();
            }
            return receiver;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keys0.AsSpan()));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keys1.AsSpan()));
        }
    }

    /// <summary>
    /// A receiver from base-OT key pairs, writing the GGM message for the sender into <paramref name="setup"/>
    /// (empty for k = 1). For tests, which deal base OTs instead of running them.
    /// </summary>
    internal static IknpReceiver FromBaseOts(IPartyNetwork network, int sender, StreamTag tag, ReadOnlySpan<Block128> keys0,
        ReadOnlySpan<Block128> keys1, int softSpokenBits = 1, Span<Block128> setup = default)
    {
        if (keys0.Length != Kappa || keys1.Length != Kappa)
            throw new ArgumentException($"IKNP needs {Kappa} base OT key pairs, not {keys0.Length} and {keys1.Length}.", nameof(keys0));
        SoftSpoken.Check(softSpokenBits);
        if (setup.Length != SoftSpoken.SetupBlocks(softSpokenBits))
            throw new ArgumentException($"SoftSpoken with k = {softSpokenBits} writes a setup of "
                + $"{SoftSpoken.SetupBlocks(softSpokenBits)} blocks, not {setup.Length}.", nameof(setup));
        var leaves = new Block128[SoftSpoken.Groups(softSpokenBits) << softSpokenBits];
        try
        {
            SoftSpoken.ReceiverLeaves(softSpokenBits, keys0, keys1, leaves, setup);
            return new IknpReceiver(network, sender, tag, new SoftSpokenReceiverColumns(softSpokenBits, leaves));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(leaves.AsSpan()));
        }
    }

    /// <summary>SoftSpoken's k: bits per group of columns (1 for IKNP); this side sends 16/k bytes per OT.</summary>
    public int SoftSpokenBits => _columns.Bits;

    /// <summary>
    /// Correlated OT on raw blocks: fills <paramref name="t"/> with t_j = q_j ⊕ c_j·Δ for the sender's q_j and Δ.
    /// The count is <c>t.Length</c>. One round.
    /// </summary>
    public ValueTask ReceiveCorrelatedBlocksAsync(ReadOnlyMemory<ulong> choices, Memory<Block128> t, CancellationToken ct = default) =>
        RunAsync(choices, new IknpRequest(IknpFlavour.CorrelatedBlocks, t.Length, Blocks0: t), ct);

    /// <summary>Random OT: fills <paramref name="messages"/>[j] with the sender's m_{c_j}[j]. One round.</summary>
    public ValueTask ReceiveRandomAsync(ReadOnlyMemory<ulong> choices, Memory<Block128> messages, CancellationToken ct = default) =>
        RunAsync(choices, new IknpRequest(IknpFlavour.Random, messages.Length, Blocks0: messages), ct);

    /// <summary>Chosen-message OT: fills <paramref name="messages"/>[j] with the sender's m_{c_j}[j]. Two rounds.</summary>
    public ValueTask ReceiveChosenAsync(ReadOnlyMemory<ulong> choices, Memory<Block128> messages, CancellationToken ct = default) =>
        RunAsync(choices, new IknpRequest(IknpFlavour.Chosen, messages.Length, Blocks0: messages), ct);

    /// <summary>
    /// Correlated OT over Z_2^64: fills <paramref name="outputs"/>[j*width+i] with the sender's
    /// <c>outputs[j*width+i] + (c_j ? correlations[j*width+i] : 0)</c>. The count is <c>outputs.Length / width</c>. Two rounds.
    /// </summary>
    public ValueTask ReceiveCorrelatedAsync(ReadOnlyMemory<ulong> choices, int width, Memory<ulong> outputs, CancellationToken ct = default)
    {
        IknpSender.CheckWidth(width, outputs.Length, nameof(outputs));
        return RunAsync(choices, new IknpRequest(IknpFlavour.CorrelatedWords, outputs.Length / width, Words: outputs, Width: width), ct);
    }

    /// <summary>
    /// The receiver of <see cref="IknpSender.SendCorrelatedShiftedAsync"/>: OT j's outputs have their low j mod 64 bits
    /// 0 and equal the sender's plus (c_j ? correlation : 0) mod 2^64. The count must be a multiple of 64. Two rounds.
    /// </summary>
    public ValueTask ReceiveCorrelatedShiftedAsync(ReadOnlyMemory<ulong> choices, int width, Memory<ulong> outputs,
        CancellationToken ct = default)
    {
        IknpSender.CheckWidth(width, outputs.Length, nameof(outputs));
        IknpSender.CheckShifted(outputs.Length / width);
        return RunAsync(choices,
            new IknpRequest(IknpFlavour.CorrelatedWords, outputs.Length / width, Words: outputs, Width: width, TruncatedByIndex: true), ct);
    }

    /// <summary>Wipes the column PRGs; the instance cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _columns.Dispose();
    }

    /// <summary>Checks the arguments synchronously, then runs the batch.</summary>
    private ValueTask RunAsync(ReadOnlyMemory<ulong> choices, IknpRequest request, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _calls.ThrowIfBroken();
        if (choices.Length < (request.Count + 63) / 64)
            throw new ArgumentException($"{request.Count} OTs need {(request.Count + 63) / 64} words of choice bits, not {choices.Length}.",
                nameof(choices));
        _calls.Enter();
        return _calls.RunAsync(() => request.Count > 0 ? RunChunksAsync(choices, request, ct) : ValueTask.CompletedTask);
    }

    private async ValueTask RunChunksAsync(ReadOnlyMemory<ulong> choices, IknpRequest request, CancellationToken ct)
    {
        int count = request.Count;
        int capacity = Math.Min(count, IknpCore.ChunkOts);
        int rowBytes = IknpCore.RowBytes(capacity);
        int matrixBytes = Kappa * rowBytes;
        int replyBytes = request.ReplyBytes(capacity);
        var pool = ArrayPool<byte>.Shared;
        int correctionBytes = _columns.CorrectionRows * rowBytes;
        byte[] t = pool.Rent(matrixBytes), u0 = pool.Rent(correctionBytes), u1 = pool.Rent(correctionBytes);
        byte[] reply = replyBytes > 0 ? pool.Rent(replyBytes) : [];
        ulong[] r = ArrayPool<ulong>.Shared.Rent(rowBytes / sizeof(ulong));
        Block128[] scratch = request.ScratchBlocks(capacity) > 0 ? ArrayPool<Block128>.Shared.Rent(request.ScratchBlocks(capacity)) : [];
        bool settled = false;
        try
        {
            int chunks = (count + IknpCore.ChunkOts - 1) / IknpCore.ChunkOts;
            int replied = 0;
            var acknowledgement = new byte[1];
            ValueTask pendingSend = ValueTask.CompletedTask;
            for (int k = 0; k < chunks; k++)
            {
                int start = k * IknpCore.ChunkOts;
                int m = Math.Min(IknpCore.ChunkOts, count - start);
                int bytes = Kappa * IknpCore.RowBytes(m);
                int sent = _columns.CorrectionRows * IknpCore.RowBytes(m);
                byte[] u = (k & 1) == 0 ? u0 : u1;
                Expand(choices.Span, start, m, t.AsSpan(0, bytes), u.AsSpan(0, sent), r);
                if (!request.HasReply && k >= IknpCore.AckWindow)
                {
                    // Flow control: the sender has taken chunk k - AckWindow before we send chunk k.
                    await _network.ReceiveAsync(_sender, _tag, acknowledgement, ct).ConfigureAwait(false);
                }
                // Round 1 (pipelined over chunks): the correction for chunk k. The send of chunk k-1 used the other
                // buffer; one send in flight at a time keeps frames in order.
                await pendingSend.ConfigureAwait(false);
                pendingSend = _network.SendAsync(_sender, _tag, u.AsMemory(0, sent), ct);
                Finish(request, start, m, t.AsSpan(0, bytes), scratch);
                // Round 2 (pipelined): the sender's reply to the chunk sent ReplyLag chunks ago.
                for (; request.HasReply && replied <= k - ReplyLag; replied++)
                {
                    await ApplyReplyAsync(choices, request, replied, reply, ct).ConfigureAwait(false);
                }
            }
            await pendingSend.ConfigureAwait(false);
            for (; request.HasReply && replied < chunks; replied++)
            {
                await ApplyReplyAsync(choices, request, replied, reply, ct).ConfigureAwait(false);
            }
            settled = true;
        }
        finally
        {
            // After a failure a send or receive may still use a buffer: leave those to the GC, never to the pool.
            if (settled)
            {
                pool.Return(t, clearArray: true);
                pool.Return(u0);
                pool.Return(u1);
                if (replyBytes > 0) pool.Return(reply);
                ArrayPool<ulong>.Shared.Return(r, clearArray: true);
                if (scratch.Length > 0) ArrayPool<Block128>.Shared.Return(scratch, clearArray: true);
            }
        }
        _nextIndex += (ulong)count;
        for (int i = 0; i < request.Rounds; i++) _network.CountRound();
    }

    private void Expand(ReadOnlySpan<ulong> choices, int start, int m, Span<byte> t, Span<byte> u, ulong[] r)
    {
        int rowBytes = t.Length / Kappa;
        Span<ulong> chunkChoices = r.AsSpan(0, rowBytes / sizeof(ulong));
        IknpCore.ChunkChoices(choices, start, m, chunkChoices);
        _columns.Expand(MemoryMarshal.AsBytes(chunkChoices), t, u);
    }

    /// <summary>Transposes t into one block per OT and hashes as the flavour needs (before any reply).</summary>
    private void Finish(in IknpRequest request, int start, int m, ReadOnlySpan<byte> t, Span<Block128> scratch)
    {
        ulong first = _nextIndex + (ulong)start;
        switch (request.Flavour)
        {
            case IknpFlavour.CorrelatedBlocks:
                BitMatrix.Transpose(t, request.Blocks0.Span.Slice(start, m));
                break;
            case IknpFlavour.Random:
            case IknpFlavour.Chosen:
            {
                Span<Block128> messages = request.Blocks0.Span.Slice(start, m);
                BitMatrix.Transpose(t, messages);
                FixedKeyAes.TccrHash(messages, first, messages);
                break;
            }
            case IknpFlavour.CorrelatedWords:
            {
                Span<Block128> blocks = scratch[..m];
                BitMatrix.Transpose(t, blocks);
                IknpCore.WideHash(blocks, default, first, request.Width,
                    request.Words.Span.Slice(start * request.Width, m * request.Width), scratch[m..]);
                break;
            }
        }
    }

    private async ValueTask ApplyReplyAsync(ReadOnlyMemory<ulong> choices, IknpRequest request, int k, byte[] reply, CancellationToken ct)
    {
        int start = k * IknpCore.ChunkOts;
        int m = Math.Min(IknpCore.ChunkOts, request.Count - start);
        int bytes = request.ReplyBytes(m);
        await _network.ReceiveAsync(_sender, _tag, reply.AsMemory(0, bytes), ct).ConfigureAwait(false);
        ApplyReply(choices.Span, request, start, m, reply.AsSpan(0, bytes));
    }

    private static void ApplyReply(ReadOnlySpan<ulong> choices, in IknpRequest request, int start, int m, ReadOnlySpan<byte> reply)
    {
        if (request.Flavour == IknpFlavour.Chosen)
        {
            // messages[j] = H(t_j) ⊕ y_{c_j}[j], selecting y0 or y1 with a mask rather than a branch on c_j.
            ReadOnlySpan<Block128> y = MemoryMarshal.Cast<byte, Block128>(reply);
            ReadOnlySpan<Block128> y0 = y[..m], y1 = y.Slice(m, m);
            Span<Block128> messages = request.Blocks0.Span.Slice(start, m);
            for (int j = 0; j < m; j++)
            {
                ulong mask = 0UL - IknpCore.Choice(choices, start + j);
                Block128 a = y0[j], b = y1[j];
                messages[j] ^= new Block128(a.Low ^ ((a.Low ^ b.Low) & mask), a.High ^ ((a.High ^ b.High) & mask));
            }
        }
        else
        {
            // outputs = H(t_j) + c_j·d (shifted: H(t_j) without its low s bits, d unpacked from 64 - s bits).
            int width = request.Width;
            Span<ulong> outputs = request.Words.Span.Slice(start * width, m * width);
            if (request.TruncatedByIndex)
            {
                var packed = new TruncatedWords.Reader(MemoryMarshal.Cast<byte, ulong>(reply));
                for (int j = 0; j < m; j++)
                {
                    ulong mask = 0UL - IknpCore.Choice(choices, start + j);
                    int dropped = TruncatedWords.DroppedBits(j);
                    ulong keep = ~TruncatedWords.LowMask(dropped);
                    for (int i = j * width; i < (j + 1) * width; i++)
                        outputs[i] = unchecked((outputs[i] & keep) + ((packed.Take(64 - dropped) << dropped) & mask));
                }
                return;
            }
            ReadOnlySpan<ulong> d = MemoryMarshal.Cast<byte, ulong>(reply);
            for (int j = 0; j < m; j++)
            {
                ulong mask = 0UL - IknpCore.Choice(choices, start + j);
                for (int i = 0; i < width; i++)
                {
                    outputs[j * width + i] = unchecked(outputs[j * width + i] + (d[j * width + i] & mask));
                }
            }
        }
    }
}

using System.Buffers;
using System.Runtime.InteropServices;
using Mpc.Core.Blocks;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Protocols.Preprocessing.Internal;

/// <summary>
/// Cross terms of AND gates on packed XOR-shared bits, one random OT each (as in the GMW/TinyOT line: Asharov,
/// Lindell, Schneider, Zohner, CCS 2013, section 5): for the sender's bit x and the receiver's bit y, a random OT gives
/// the sender m0, m1 and the receiver m_y; the sender keeps s = lsb(m0) and sends u = lsb(m0) XOR lsb(m1) XOR x, and the
/// receiver's lsb(m_y) XOR (y AND u) = s XOR (x AND y). So x AND y is shared between them.
/// </summary>
/// <remarks>
/// Security: semi-honest. The receiver sees u, masked by lsb(m1) of the message it did not choose (the random OT's
/// hash hides it); the sender sees nothing of y (the extension hides the choices). Cost per product: one random OT
/// (16/k bytes from the receiver) and one bit back; two messages.
/// </remarks>
internal static class BitProducts
{
    /// <summary>Random OTs held at once (2 x 4 MiB of blocks at the sender).</summary>
    private const int ChunkWords = 1 << 12;

    /// <summary>
    /// Sender side: XORs my share of x AND (the receiver's y) into <paramref name="into"/>, word by word. Without
    /// <paramref name="masked"/> (tests only: a deliberately broken variant) u leaves out lsb(m1), so a receiver that
    /// chose 0 reads x off it.
    /// </summary>
    public static async ValueTask SendAsync(IknpSender ot, IPartyNetwork network, int peer, StreamTag correctionTag,
        ReadOnlyMemory<ulong> x, Memory<ulong> into, CancellationToken ct, bool masked = true)
    {
        var m0 = ArrayPool<Block128>.Shared.Rent(ChunkWords * 64);
        var m1 = ArrayPool<Block128>.Shared.Rent(ChunkWords * 64);
        var corrections = ArrayPool<ulong>.Shared.Rent(ChunkWords);
        try
        {
            for (int start = 0; start < x.Length; start += ChunkWords)
            {
                int words = Math.Min(ChunkWords, x.Length - start);
                await ot.SendRandomAsync(m0.AsMemory(0, words * 64), m1.AsMemory(0, words * 64), ct).ConfigureAwait(false);
                var source = x.Span.Slice(start, words);
                var target = into.Span.Slice(start, words);
                for (int w = 0; w < words; w++)
                {
                    ulong kept = Lsbs(m0.AsSpan(w * 64, 64)), other = Lsbs(m1.AsSpan(w * 64, 64));
                    target[w] ^= kept;
                    corrections[w] = kept ^ (masked ? other : 0) ^ source[w];
                }
                await network.SendAsync(peer, correctionTag, MemoryMarshal.AsBytes(corrections.AsSpan(0, words)).ToArray(), ct)
                    .ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<Block128>.Shared.Return(m0);
            ArrayPool<Block128>.Shared.Return(m1);
            ArrayPool<ulong>.Shared.Return(corrections);
        }
    }

    /// <summary>Receiver side: XORs my share of (the sender's x) AND y into <paramref name="into"/>; y are my choices.</summary>
    public static async ValueTask ReceiveAsync(IknpReceiver ot, IPartyNetwork network, int peer, StreamTag correctionTag,
        ReadOnlyMemory<ulong> y, Memory<ulong> into, CancellationToken ct)
    {
        var messages = ArrayPool<Block128>.Shared.Rent(ChunkWords * 64);
        var corrections = new byte[ChunkWords * 8];
        try
        {
            for (int start = 0; start < y.Length; start += ChunkWords)
            {
                int words = Math.Min(ChunkWords, y.Length - start);
                await ot.ReceiveRandomAsync(y.Slice(start, words), messages.AsMemory(0, words * 64), ct).ConfigureAwait(false);
                await network.ReceiveAsync(peer, correctionTag, corrections.AsMemory(0, words * 8), ct).ConfigureAwait(false);
                var u = MemoryMarshal.Cast<byte, ulong>(corrections.AsSpan(0, words * 8));
                var choices = y.Span.Slice(start, words);
                var target = into.Span.Slice(start, words);
                for (int w = 0; w < words; w++) target[w] ^= Lsbs(messages.AsSpan(w * 64, 64)) ^ (choices[w] & u[w]);
            }
        }
        finally
        {
            ArrayPool<Block128>.Shared.Return(messages);
        }
    }

    private static ulong Lsbs(ReadOnlySpan<Block128> blocks)
    {
        ulong word = 0;
        for (int b = 0; b < 64; b++) word |= (blocks[b].Low & 1) << b;
        return word;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Net.Internal;

namespace Mpc.Net;

/// <summary>
/// Typed and collective operations over <see cref="IPartyNetwork"/>. Typed variants send elements as their raw
/// little-endian bytes (one copy, no per-element serialisation). Only <c>ExchangeWithAllAsync</c> counts a round;
/// a custom pattern (e.g. <see cref="SendToAllAsync(IPartyNetwork, StreamTag, ReadOnlyMemory{byte}, CancellationToken)"/>
/// followed by <see cref="ReceiveFromAllAsync(IPartyNetwork, StreamTag, Memory{byte}, CancellationToken)"/>) calls
/// <see cref="IPartyNetwork.CountRound"/> itself.
/// </summary>
public static class PartyNetworkExtensions
{
    private static void CheckEndianness()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Mpc.Net sends elements as little-endian bytes and needs a little-endian machine.");
    }

    /// <summary>Views elements as bytes without copying.</summary>
    private static ReadOnlyMemory<byte> Bytes<T>(ReadOnlyMemory<T> values) where T : unmanaged
    {
        CheckEndianness();
        return CastMemoryManager<T>.AsBytes(MemoryMarshal.AsMemory(values));
    }

    private static Memory<byte> Bytes<T>(Memory<T> values) where T : unmanaged
    {
        CheckEndianness();
        return CastMemoryManager<T>.AsBytes(values);
    }

    /// <summary>Sends <paramref name="values"/> to <paramref name="peer"/> as one frame of raw little-endian bytes.</summary>
    public static ValueTask SendAsync<T>(this IPartyNetwork network, int peer, StreamTag tag, ReadOnlyMemory<T> values,
        CancellationToken ct = default)
        where T : unmanaged =>
        network.SendAsync(peer, tag, Bytes(values), ct);

    /// <summary>Sends <paramref name="values"/> to <paramref name="peer"/> as one frame of raw little-endian bytes.</summary>
    public static ValueTask SendAsync<T>(this IPartyNetwork network, int peer, StreamTag tag, Memory<T> values,
        CancellationToken ct = default)
        where T : unmanaged =>
        network.SendAsync(peer, tag, Bytes(values), ct);

    /// <summary>
    /// Receives exactly <c>destination.Length</c> elements from <paramref name="peer"/>; a frame of another length
    /// is a <see cref="MalformedFrameException"/> naming the peer.
    /// </summary>
    public static ValueTask ReceiveAsync<T>(this IPartyNetwork network, int peer, StreamTag tag, Memory<T> destination,
        CancellationToken ct = default)
        where T : unmanaged =>
        network.ReceiveAsync(peer, tag, Bytes(destination), ct);

    /// <summary>Sends the same frame to every peer, concurrently. Does not count a round.</summary>
    public static ValueTask SendToAllAsync(this IPartyNetwork network, StreamTag tag, ReadOnlyMemory<byte> payload,
        CancellationToken ct = default)
    {
        var pending = new ValueTask[network.PartyCount - 1];
        int k = 0;
        for (int p = 0; p < network.PartyCount; p++)
        {
            if (p != network.PartyId) pending[k++] = network.SendAsync(p, tag, payload, ct);
        }
        return WhenAll(pending);
    }

    /// <summary>Sends the same elements to every peer, concurrently. Does not count a round.</summary>
    public static ValueTask SendToAllAsync<T>(this IPartyNetwork network, StreamTag tag, ReadOnlyMemory<T> values,
        CancellationToken ct = default)
        where T : unmanaged =>
        network.SendToAllAsync(tag, Bytes(values), ct);

    /// <summary>
    /// Receives one frame with <paramref name="tag"/> from every peer, concurrently, into <paramref name="all"/>,
    /// laid out party-major (PartyCount equal slots); my own slot is left as it is. Does not count a round.
    /// </summary>
    public static ValueTask ReceiveFromAllAsync(this IPartyNetwork network, StreamTag tag, Memory<byte> all, CancellationToken ct = default)
    {
        int slot = SlotLength(network, all.Length, nameof(all));
        var pending = new ValueTask[network.PartyCount - 1];
        int k = 0;
        for (int p = 0; p < network.PartyCount; p++)
        {
            if (p != network.PartyId) pending[k++] = network.ReceiveAsync(p, tag, all.Slice(p * slot, slot), ct);
        }
        return WhenAll(pending);
    }

    /// <summary>
    /// Typed <see cref="ReceiveFromAllAsync(IPartyNetwork, StreamTag, Memory{byte}, CancellationToken)"/>: slots of
    /// <c>all.Length / PartyCount</c> elements.
    /// </summary>
    public static ValueTask ReceiveFromAllAsync<T>(this IPartyNetwork network, StreamTag tag, Memory<T> all, CancellationToken ct = default)
        where T : unmanaged
    {
        SlotLength(network, all.Length, nameof(all));
        return network.ReceiveFromAllAsync(tag, Bytes(all), ct);
    }

    /// <summary>
    /// One round: sends <paramref name="mine"/> to every peer and receives every peer's value of the same length,
    /// all concurrently. <paramref name="all"/> has <c>PartyCount * mine.Length</c> bytes laid out party-major,
    /// and my own slot is filled with <paramref name="mine"/>. Counts one round, unless <paramref name="countRound"/>
    /// is false (an exchange sent beside another in the same round).
    /// </summary>
    public static ValueTask ExchangeWithAllAsync(this IPartyNetwork network, StreamTag tag, ReadOnlyMemory<byte> mine, Memory<byte> all,
        CancellationToken ct = default, bool countRound = true)
    {
        int n = network.PartyCount, me = network.PartyId, len = mine.Length;
        if (all.Length != (long)n * len)
            throw new ArgumentException($"Expected PartyCount * mine.Length = {(long)n * len} bytes, got {all.Length}.", nameof(all));
        var pending = new ValueTask[2 * (n - 1)];
        int k = 0;
        for (int p = 0; p < n; p++)
        {
            if (p != me) pending[k++] = network.ReceiveAsync(p, tag, all.Slice(p * len, len), ct);
        }
        for (int p = 0; p < n; p++)
        {
            if (p != me) pending[k++] = network.SendAsync(p, tag, mine, ct);
        }
        mine.Span.CopyTo(all.Span.Slice(me * len, len));
        if (countRound) network.CountRound();
        return WhenAll(pending);
    }

    /// <summary>
    /// Typed <see cref="ExchangeWithAllAsync(IPartyNetwork, StreamTag, ReadOnlyMemory{byte}, Memory{byte}, CancellationToken, bool)"/>:
    /// <paramref name="all"/> has <c>PartyCount * mine.Length</c> elements.
    /// </summary>
    public static ValueTask ExchangeWithAllAsync<T>(this IPartyNetwork network, StreamTag tag, ReadOnlyMemory<T> mine, Memory<T> all,
        CancellationToken ct = default, bool countRound = true)
        where T : unmanaged
    {
        if (all.Length != (long)network.PartyCount * mine.Length)
            throw new ArgumentException(
                $"Expected PartyCount * mine.Length = {(long)network.PartyCount * mine.Length} elements, got {all.Length}.", nameof(all));
        return network.ExchangeWithAllAsync(tag, Bytes(mine), Bytes(all), ct, countRound);
    }

    private static int SlotLength(IPartyNetwork network, int length, string name)
    {
        if (length % network.PartyCount != 0)
            throw new ArgumentException($"Length {length} is not a multiple of PartyCount {network.PartyCount}.", name);
        return length / network.PartyCount;
    }

    /// <summary>Awaits every task (so none is left unobserved) and rethrows the first failure.</summary>
    private static ValueTask WhenAll(ValueTask[] pending)
    {
        foreach (var t in pending)
        {
            if (!t.IsCompletedSuccessfully) return Slow(pending);
        }
        return ValueTask.CompletedTask;

        static async ValueTask Slow(ValueTask[] pending)
        {
            ExceptionDispatchInfoHolder first = default;
            foreach (var t in pending)
            {
                try
                {
                    await t.ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    first.Capture(ex);
                }
            }
            first.ThrowIfAny();
        }
    }

    private struct ExceptionDispatchInfoHolder
    {
        private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _info;

        public void Capture(Exception ex)
        {
            // Prefer the network's failure over a cancellation that came with it.
            if (_info is null || (_info.SourceException is OperationCanceledException && ex is not OperationCanceledException))
                _info = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public readonly void ThrowIfAny() => _info?.Throw();
    }
}

using System.Runtime.CompilerServices;

namespace Mpc.Protocols.ObliviousTransfer.Internal;

/// <summary>
/// The corrections of word-correlated OT where OT j works modulo 2^(64 - s), s = j mod 64, in the top bits of its
/// words (Gilboa products: OT s of a product carries a 2^s, so its low s bits never matter). Each correction then
/// travels in 64 - s bits: 2080 bits per 64 OTs and word instead of 4096. Packed least significant bit first.
/// </summary>
internal static class TruncatedWords
{
    /// <summary>Bits of OT j that are dropped: j mod 64 (chunks start at multiples of 64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DroppedBits(int j) => j & 63;

    /// <summary>
    /// Bytes of packed corrections for <paramref name="ots"/> OTs (from a multiple of 64) of <paramref name="width"/> words, whole words.
    /// </summary>
    public static int PackedBytes(int ots, int width)
    {
        long bits = 0;
        int full = ots / 64, rest = ots % 64;
        bits += (long)full * 2080 * width;
        for (int s = 0; s < rest; s++) bits += (64 - s) * (long)width;
        return checked((int)((bits + 63) / 64 * 8));
    }

    /// <summary>The low <paramref name="bits"/> bits set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong LowMask(int bits) => bits == 0 ? 0 : ulong.MaxValue >> (64 - bits);

    /// <summary>Packs d[j * width + i] &gt;&gt; s in 64 - s bits for every OT j and word i.</summary>
    public static void Pack(ReadOnlySpan<ulong> d, int width, Span<ulong> packed)
    {
        var writer = new Writer(packed);
        for (int j = 0; j < d.Length / width; j++)
        {
            int s = DroppedBits(j);
            for (int i = 0; i < width; i++) writer.Put(d[j * width + i] >> s, 64 - s);
        }
        writer.Flush();
    }

    /// <summary>The inverse of <see cref="Pack"/>: d[j * width + i] = (the packed value) &lt;&lt; s.</summary>
    public static void Unpack(ReadOnlySpan<ulong> packed, int width, Span<ulong> d)
    {
        var reader = new Reader(packed);
        for (int j = 0; j < d.Length / width; j++)
        {
            int s = DroppedBits(j);
            for (int i = 0; i < width; i++) d[j * width + i] = reader.Take(64 - s) << s;
        }
    }

    /// <summary>Appends values of 1 to 64 bits, least significant first, into whole words.</summary>
    public ref struct Writer(Span<ulong> output)
    {
        private readonly Span<ulong> _output = output;
        private ulong _pending;
        private int _filled, _written;

        /// <summary>Appends the low <paramref name="bits"/> of <paramref name="value"/> (its higher bits are 0).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(ulong value, int bits)
        {
            _pending |= value << _filled; // _filled < 64
            int total = _filled + bits;
            if (total < 64)
            {
                _filled = total;
                return;
            }
            _output[_written++] = _pending;
            _pending = _filled == 0 ? 0 : value >> (64 - _filled);
            _filled = total - 64;
        }

        /// <summary>Writes the last, partial word.</summary>
        public void Flush()
        {
            if (_filled > 0) _output[_written] = _pending;
        }
    }

    /// <summary>Reads what <see cref="Writer"/> wrote, value by value.</summary>
    public ref struct Reader(ReadOnlySpan<ulong> input)
    {
        private readonly ReadOnlySpan<ulong> _input = input;
        private ulong _current;
        private int _left, _read; // bits of _current not yet taken, from its low end

        /// <summary>The next value of <paramref name="bits"/> (1 to 64) bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Take(int bits)
        {
            ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
            if (bits <= _left)
            {
                ulong value = _current & mask;
                _current = bits == 64 ? 0 : _current >> bits;
                _left -= bits;
                return value;
            }
            ulong next = _input[_read++];
            ulong result = (_current | (next << _left)) & mask; // _left < 64 here
            int fromNext = bits - _left; // 1..64
            _current = fromNext == 64 ? 0 : next >> fromNext;
            _left = 64 - fromNext;
            return result;
        }
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Mpc.Tests.Hostile;

/// <summary>
/// Byte-level mutation of valid seed inputs, AFL-style: bit flips, random bytes, inserts, deletes, duplicated runs,
/// truncation, splicing with another seed, and "interesting" integers (0, -1, int.MaxValue, 2^32...) written both as
/// binary words and, for text formats, in place of a decimal number. Deterministic for a given <see cref="Random"/>
/// (test-case selection only, never key material), so a failing input is reproduced from the run's seed and index.
/// </summary>
public sealed class Mutator(IReadOnlyList<byte[]> seeds)
{
    /// <summary>Boundary values that parsers tend to get wrong.</summary>
    public static readonly long[] InterestingIntegers =
    [
        0, 1, -1, 2, 7, 8, 127, 128, 255, 256, 32767, 32768, 65535, 65536,
        int.MaxValue, int.MinValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 32, (1L << 32) + 1,
        (long)Array.MaxLength, (long)Array.MaxLength + 1, 1L << 40, long.MaxValue, long.MinValue,
    ];

    private const int MaxLength = 1 << 20;

    /// <summary>The seeds the mutations start from.</summary>
    public IReadOnlyList<byte[]> Seeds => seeds;

    /// <summary>One seed with 1..4 stacked mutations.</summary>
    public byte[] Mutate(Random rng)
    {
        var bytes = new List<byte>(seeds[rng.Next(seeds.Count)]);
        int rounds = 1 + rng.Next(4);
        for (int r = 0; r < rounds; r++) MutateOnce(rng, bytes);
        return [.. bytes];
    }

    private void MutateOnce(Random rng, List<byte> b)
    {
        switch (rng.Next(11))
        {
            case 0 when b.Count > 0: // flip one bit
            {
                int i = rng.Next(b.Count);
                b[i] ^= (byte)(1 << rng.Next(8));
                break;
            }
            case 1 when b.Count > 0: // set a random byte
                b[rng.Next(b.Count)] = (byte)rng.Next(256);
                break;
            case 2: // insert random bytes
            {
                var run = new byte[1 + rng.Next(16)];
                rng.NextBytes(run);
                if (b.Count + run.Length <= MaxLength) b.InsertRange(rng.Next(b.Count + 1), run);
                break;
            }
            case 3 when b.Count > 0: // delete a run
            {
                int at = rng.Next(b.Count);
                b.RemoveRange(at, Math.Min(b.Count - at, 1 + rng.Next(32)));
                break;
            }
            case 4 when b.Count > 0: // duplicate a run in place
            {
                int at = rng.Next(b.Count);
                int n = Math.Min(b.Count - at, 1 + rng.Next(64));
                if (b.Count + n <= MaxLength) b.InsertRange(at, b.GetRange(at, n));
                break;
            }
            case 5 when b.Count > 0: // truncate
            {
                int cut = rng.Next(b.Count);
                b.RemoveRange(cut, b.Count - cut);
                break;
            }
            case 6: // splice: my head, another seed's tail
            {
                byte[] other = seeds[rng.Next(seeds.Count)];
                int head = rng.Next(b.Count + 1), tail = rng.Next(other.Length + 1);
                b.RemoveRange(head, b.Count - head);
                b.AddRange(other.AsSpan(tail).ToArray());
                break;
            }
            case 7 when b.Count > 0: // a binary interesting integer, 1, 2, 4 or 8 bytes, either endianness
            {
                int width = 1 << rng.Next(4);
                int at = rng.Next(b.Count);
                Span<byte> word = stackalloc byte[8];
                long v = InterestingIntegers[rng.Next(InterestingIntegers.Length)];
                if (rng.Next(2) == 0) BinaryPrimitives.WriteInt64LittleEndian(word, v);
                else BinaryPrimitives.WriteInt64BigEndian(word, v << (64 - 8 * width));
                for (int k = 0; k < width && at + k < b.Count; k++) b[at + k] = word[k];
                break;
            }
            case 8: // a decimal number replaced by an interesting one (text formats)
                ReplaceNumber(rng, b, InterestingIntegers[rng.Next(InterestingIntegers.Length)].ToString(CultureInfo.InvariantCulture));
                break;
            case 9: // a decimal number nudged by a little
                ReplaceNumber(rng, b, null);
                break;
            case 10 when b.Count > 0: // a structural character inserted or replaced
            {
                byte c = "\n\r\t ,;:\"{}[]-.eE0\\"u8[rng.Next(18)];
                if (rng.Next(2) == 0) b[rng.Next(b.Count)] = c;
                else b.Insert(rng.Next(b.Count + 1), c);
                break;
            }
            default:
                if (b.Count > 0) b[rng.Next(b.Count)] ^= 0xFF;
                break;
        }
    }

    /// <summary>
    /// Replaces one run of ASCII digits (with its minus sign) by <paramref name="text"/>, or by itself plus a small
    /// delta.
    /// </summary>
    private static void ReplaceNumber(Random rng, List<byte> b, string? text)
    {
        if (b.Count == 0) return;
        int start = rng.Next(b.Count);
        while (start < b.Count && !IsDigit(b[start])) start++;
        if (start == b.Count) return;
        int end = start;
        while (end < b.Count && IsDigit(b[end])) end++;
        if (start > 0 && b[start - 1] == '-') start--;
        if (text is null)
        {
            string old = Encoding.ASCII.GetString([.. b.GetRange(start, end - start)]);
            if (!long.TryParse(old, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)) return;
            text = unchecked(value + rng.Next(-2, 3)).ToString(CultureInfo.InvariantCulture);
        }
        b.RemoveRange(start, end - start);
        b.InsertRange(start, Encoding.ASCII.GetBytes(text));
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';
}

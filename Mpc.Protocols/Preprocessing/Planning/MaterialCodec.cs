using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing.Planning;

/// <summary>
/// A plan and the material made for it as bytes (for a store made ahead): a magic, the requests (48 bytes each), then
/// each request's vectors as a length and the raw little-endian words. Reading checks every length against what its
/// request implies, so bytes that do not fit the plan are refused rather than handed out.
/// </summary>
internal static class MaterialCodec
{
    private static readonly byte[] Magic = "MPCPLAN1"u8.ToArray();

    public static byte[] Write(IReadOnlyList<DealRequest> plan, IReadOnlyList<object?> material)
    {
        using var stream = new MemoryStream();
        stream.Write(Magic);
        WriteInt(stream, plan.Count);
        foreach (var request in plan) stream.Write(request.ToBytes());
        for (int i = 0; i < plan.Count; i++)
            foreach (var vector in Vectors(material[i] ?? throw new InvalidOperationException($"Request {i + 1} was handed out already.")))
            {
                WriteInt(stream, vector.Length / 8);
                stream.Write(vector);
            }
        return stream.ToArray();
    }

    /// <summary>The plan and material in <paramref name="bytes"/>; a <see cref="FormatException"/> names what does not fit.</summary>
    public static (List<DealRequest> Plan, object[] Material) Read(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        if (!reader.Take(Magic.Length).SequenceEqual(Magic)) throw new FormatException("not a plan's material (wrong magic)");
        int count = reader.Int();
        if (count < 0 || (long)count * DealRequest.Size > bytes.Length) throw new FormatException($"{count} requests cannot fit");
        var plan = new List<DealRequest>(count);
        for (int i = 0; i < count; i++) plan.Add(ReadRequest(reader.Take(DealRequest.Size)));
        var material = new object[count];
        for (int i = 0; i < count; i++)
        {
            int index = i;
            material[i] = Build(plan[i], length => reader.Vector<Z2k>(length, index), length => reader.Vector<ulong>(length, index), i);
        }
        if (!reader.AtEnd) throw new FormatException("bytes after the last request's material");
        return (plan, material);
    }

    /// <summary>The 64-bit words of one request's material (what it holds in memory and in a store).</summary>
    public static long WordsOf(DealRequest r)
    {
        long words = (r.P0 + 63L) >> 6;
        return r.Kind switch
        {
            DealKind.Triples or DealKind.TruncationMasks => 3L * r.P0,
            DealKind.MatrixTriple => (long)r.P0 * r.P1 + (long)r.P1 * r.P2 + (long)r.P0 * r.P2,
            DealKind.MatrixMask => (long)r.P0 * r.P1,
            DealKind.MatrixTripleForMask => ((long)r.P4 + r.P2) * r.P6,
            DealKind.BitMasks => r.P0 + (long)r.P0 * r.P1,
            DealKind.ComparisonMasks => 2L * r.P0 + r.P1 * words + words + (r.P2 == 1 ? 2L * r.P0 : 0),
            DealKind.AndTuples => ((1L << r.P0) - 1) * r.P1,
            DealKind.PowerMasks => (long)r.P0 * r.P1,
            DealKind.TruncationPowerMasks => 3L * r.P0 + 2L * r.P0 * r.P2,
            _ => 0,
        };
    }

    private static DealRequest ReadRequest(ReadOnlySpan<byte> bytes)
    {
        var p = new int[7];
        for (int i = 0; i < p.Length; i++) p[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(16 + 4 * i)..]);
        return new DealRequest((DealKind)bytes[0], BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]), p[0], p[1], p[2], p[3], p[4],
            p[5], p[6]);
    }

    // The vectors of one item, in a fixed order per kind.
    private static IEnumerable<byte[]> Vectors(object item) => item switch
    {
        BeaverTriples<Z2k> t => [Bytes(t.A), Bytes(t.B), Bytes(t.C)],
        MatrixTriple<Z2k> t => [Bytes(t.A), Bytes(t.B), Bytes(t.C)],
        MatrixMask m => [Bytes(m.Shares.ToArray())],
        FixedMaskTriple t => [Bytes(t.B), Bytes(t.C)],
        TruncationMasks m => [Bytes(m.R), Bytes(m.TopBit), Bytes(m.LowShifted)],
        BitMasks m => [Bytes(m.R), Bytes(m.Bits)],
        PackedComparisonMasks m => m.ProductMasks is null
            ? [Bytes(m.R), Bytes(m.Bits), Bytes(m.ConversionBits), Bytes(m.ConversionValues)]
            : [Bytes(m.R), Bytes(m.Bits), Bytes(m.ConversionBits), Bytes(m.ConversionValues), Bytes(m.ProductMasks),
                Bytes(m.ConversionProducts!)],
        BinaryAndTuples t => [Bytes(t.Shares)],
        PowerMasks m => [Bytes(m.Powers)],
        TruncationPowerMasks m => [Bytes(m.Masks.R), Bytes(m.Masks.TopBit), Bytes(m.Masks.LowShifted), Bytes(m.LowPowers),
            Bytes(m.TopTimesLowPowers)],
        _ => throw new ArgumentException($"{item.GetType().Name} is not planned material.", nameof(item)),
    };

    /// <summary>An item of the shapes <paramref name="r"/> gives, every vector zero (what a rehearsal hands out).</summary>
    public static object Zeros(DealRequest r) => Build(r, length => new Z2k[length], length => new ulong[length], 0);

    // One item of request r (the index-th), its vectors of the lengths its shapes give taken from ring (Z_2^64
    // elements) and words (packed bits), in the order Vectors lists them.
    private static object Build(DealRequest r, Func<long, Z2k[]> ring, Func<long, ulong[]> words, int index)
    {
        Z2k[] Ring(long length) => ring(length);
        ulong[] Words(long length) => words(length);
        switch (r.Kind)
        {
            case DealKind.Triples:
                return new BeaverTriples<Z2k>(Ring(r.P0), Ring(r.P0), Ring(r.P0));
            case DealKind.MatrixTriple:
                return new MatrixTriple<Z2k>(Ring((long)r.P0 * r.P1), Ring((long)r.P1 * r.P2), Ring((long)r.P0 * r.P2), r.P0, r.P1, r.P2);
            case DealKind.MatrixMask:
                return new MatrixMask(Ring((long)r.P0 * r.P1), r.P0, r.P1);
            case DealKind.MatrixTripleForMask:
                bool transposed = r.P5 == 1;
                int inner = transposed ? r.P4 : r.P2, left = transposed ? r.P2 : r.P4;
                return new FixedMaskTriple(Ring((long)inner * r.P6), Ring((long)left * r.P6), transposed, r.P6);
            case DealKind.TruncationMasks:
                return new TruncationMasks(Ring(r.P0), Ring(r.P0), Ring(r.P0), r.P1);
            case DealKind.BitMasks:
                return new BitMasks(Ring(r.P0), Ring((long)r.P0 * r.P1), r.P1);
            case DealKind.ComparisonMasks:
                long packed = (r.P0 + 63L) >> 6;
                var masks = new PackedComparisonMasks(Ring(r.P0), Words(r.P1 * packed), Words(packed), Ring(r.P0), r.P1);
                return r.P2 == 1 ? masks with { ProductMasks = Ring(r.P0), ConversionProducts = Ring(r.P0) } : masks;
            case DealKind.AndTuples:
                return new BinaryAndTuples(r.P0, r.P1, Words(((1L << r.P0) - 1) * r.P1));
            case DealKind.PowerMasks:
                return new PowerMasks(Ring((long)r.P0 * r.P1), r.P0, r.P1);
            case DealKind.TruncationPowerMasks:
                var truncation = new TruncationMasks(Ring(r.P0), Ring(r.P0), Ring(r.P0), r.P1);
                return new TruncationPowerMasks(truncation, Ring((long)r.P0 * r.P2), Ring((long)r.P0 * r.P2), r.P2);
            default:
                throw new FormatException($"request {index + 1} is a {r.Kind}, which a plan never holds");
        }
    }

    private static byte[] Bytes<T>(T[] vector) where T : unmanaged => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    private static void WriteInt(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private sealed class Reader(ReadOnlyMemory<byte> bytes)
    {
        private int _offset;

        public bool AtEnd => _offset == bytes.Length;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > bytes.Length - _offset) throw new FormatException("the material ends early");
            var part = bytes.Span.Slice(_offset, count);
            _offset += count;
            return part;
        }

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public T[] Vector<T>(long expected, int index) where T : unmanaged
        {
            int length = Int();
            if (length != expected)
                throw new FormatException($"request {index + 1} holds a vector of {length} words where its shapes give {expected}");
            return MemoryMarshal.Cast<byte, T>(Take(checked(length * 8))).ToArray();
        }
    }
}

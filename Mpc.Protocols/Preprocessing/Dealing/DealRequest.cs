using System.Buffers.Binary;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>What a dealing produces (the shapes, never a value), as party 0 tells an external dealer.</summary>
internal enum DealKind : byte
{
    /// <summary>The computation is over: the dealer stops.</summary>
    End = 0,
    /// <summary>Party 0 is alive but has nothing to ask (sent while the computation needs no dealing).</summary>
    KeepAlive = 1,
    Triples = 2,
    MatrixTriple = 3,
    MatrixMask = 4,
    MatrixTripleForMask = 5,
    TruncationMasks = 6,
    TruncationPowerMasks = 7,
    BitMasks = 8,
    PowerMasks = 9,
    ComparisonMasks = 10,
    AndTuples = 11,
}

/// <summary>
/// One dealing request: its kind, the preprocessing tag that separates its PRG streams, and up to six public sizes.
/// It is all an external dealer ever receives: shapes and counters, the same whatever the parties' inputs.
/// </summary>
internal readonly record struct DealRequest(DealKind Kind, uint Tag, int P0 = 0, int P1 = 0, int P2 = 0, int P3 = 0, int P4 = 0, int P5 = 0)
{
    /// <summary>Bytes on the wire: kind, three zero bytes, the tag and six 32-bit sizes, little-endian.</summary>
    public const int Size = 32;

    public void WriteTo(Span<byte> destination)
    {
        destination[..Size].Clear();
        destination[0] = (byte)Kind;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Tag);
        int[] p = [P0, P1, P2, P3, P4, P5];
        for (int i = 0; i < p.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(destination[(8 + 4 * i)..], p[i]);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Reads a request; a kind it does not know or non-zero padding is a <see cref="FormatException"/>.</summary>
    public static DealRequest Read(ReadOnlySpan<byte> source)
    {
        if (source.Length != Size) throw new FormatException($"a dealing request is {Size} bytes, not {source.Length}");
        if (source[0] > (byte)DealKind.AndTuples) throw new FormatException($"unknown dealing kind {source[0]}");
        if (source[1] != 0 || source[2] != 0 || source[3] != 0) throw new FormatException("non-zero padding in a dealing request");
        var p = new int[6];
        for (int i = 0; i < p.Length; i++) p[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(8 + 4 * i)..]);
        return new DealRequest((DealKind)source[0], BinaryPrimitives.ReadUInt32LittleEndian(source[4..]), p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    /// <summary>For messages: "triples (tag 0x..., 1000, 0, ...)".</summary>
    public override string ToString() => $"{Kind} (tag 0x{Tag:x8}; {P0}, {P1}, {P2}, {P3}, {P4}, {P5})";
}

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
/// One dealing: its kind, up to seven public sizes, and its ordinal, which makes it unique (with an external dealer, the
/// how-manieth dealing of that kind and those sizes; with party 0 dealing, the session's preprocessing tag). Every party
/// keys its PRG stream for the dealing on all of it. It is all an external dealer ever receives: shapes and counters,
/// the same whatever the parties' inputs.
/// </summary>
internal readonly record struct DealRequest(DealKind Kind, ulong Ordinal, int P0 = 0, int P1 = 0, int P2 = 0, int P3 = 0,
    int P4 = 0, int P5 = 0, int P6 = 0)
{
    /// <summary>
    /// Bytes on the wire: kind, three zero bytes, a count, the ordinal, seven 32-bit sizes and four zero bytes,
    /// little-endian. The count (how many dealings of the shape, from the ordinal on, one request asks for) is zero in
    /// the bytes that name one dealing (a PRG's key).
    /// </summary>
    public const int Size = 48;

    /// <summary>The most dealings one request may ask for.</summary>
    public const int MaxCount = 64;

    public void WriteTo(Span<byte> destination, int count = 0)
    {
        destination[..Size].Clear();
        destination[0] = (byte)Kind;
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], count);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Ordinal);
        int[] p = [P0, P1, P2, P3, P4, P5, P6];
        for (int i = 0; i < p.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(destination[(16 + 4 * i)..], p[i]);
    }

    public byte[] ToBytes(int count = 0)
    {
        var bytes = new byte[Size];
        WriteTo(bytes, count);
        return bytes;
    }

    /// <summary>The same dealing with another ordinal.</summary>
    public DealRequest WithOrdinal(ulong ordinal) => this with { Ordinal = ordinal };

    /// <summary>
    /// Reads a request and its count; a kind it does not know, a count out of range or non-zero padding is a <see cref="FormatException"/>.
    /// </summary>
    public static DealRequest Read(ReadOnlySpan<byte> source, out int count)
    {
        if (source.Length != Size) throw new FormatException($"a dealing request is {Size} bytes, not {source.Length}");
        if (source[0] > (byte)DealKind.AndTuples) throw new FormatException($"unknown dealing kind {source[0]}");
        if (source[1..4].ContainsAnyExcept((byte)0) || source[44..].ContainsAnyExcept((byte)0))
            throw new FormatException("non-zero padding in a dealing request");
        count = BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
        bool control = source[0] is (byte)DealKind.End or (byte)DealKind.KeepAlive;
        if (control ? count != 0 : count is < 1 or > MaxCount)
            throw new FormatException($"a request for {(DealKind)source[0]} cannot ask for {count} dealings");
        var p = new int[7];
        for (int i = 0; i < p.Length; i++) p[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(16 + 4 * i)..]);
        return new DealRequest((DealKind)source[0], BinaryPrimitives.ReadUInt64LittleEndian(source[8..]), p[0], p[1],
            p[2], p[3], p[4], p[5], p[6]);
    }

    /// <summary>For messages: "Triples #3 (1000, 0, ...)".</summary>
    public override string ToString() => $"{Kind} #{Ordinal} ({P0}, {P1}, {P2}, {P3}, {P4}, {P5}, {P6})";
}

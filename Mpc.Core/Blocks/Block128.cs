using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mpc.Core.Blocks;

/// <summary>
/// A 128-bit block: a wire label or key in garbled circuits, a row of an OT-extension matrix,
/// an AES block, or an element of GF(2^128).
/// </summary>
/// <remarks>
/// <para>
/// The struct is exactly 16 bytes and blittable: a <see cref="Span{T}"/> of blocks reinterpreted with
/// <see cref="MemoryMarshal.AsBytes{T}(Span{T})"/> is the raw little-endian bytes, byte 0 first. As a
/// 128-bit integer the block is <c>Low + 2^64 * High</c>, so byte <c>j</c> carries bits <c>8j .. 8j+7</c>
/// (every platform .NET 10 runs on is little-endian).
/// </para>
/// <para>
/// Blocks are usually secret (labels, keys, seeds): <see cref="ToString"/> never prints the value.
/// Use <see cref="ToHexString"/> deliberately, for test vectors and debugging, never in logs.
/// </para>
/// <para>
/// Equality compares both halves without short-circuiting. Bitwise operators use SIMD when hardware
/// acceleration is on and two 64-bit operations otherwise.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public readonly partial struct Block128 : IEquatable<Block128>
{
    /// <summary>Size of a block in bytes.</summary>
    public const int Size = 16;

    private readonly ulong _low;
    private readonly ulong _high;

    /// <summary>The block with bits 0..63 from <paramref name="low"/> and bits 64..127 from <paramref name="high"/>.</summary>
    public Block128(ulong low, ulong high)
    {
        _low = low;
        _high = high;
    }

    /// <summary>The block whose little-endian bytes are <paramref name="bytes"/> (exactly 16).</summary>
    public Block128(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) ThrowWrongLength(bytes.Length);
        _low = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _high = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
    }

    /// <summary>The all-zero block (also the zero of GF(2^128)).</summary>
    public static Block128 Zero => default;

    /// <summary>The block with every bit set.</summary>
    public static Block128 AllOnes => new(ulong.MaxValue, ulong.MaxValue);

    /// <summary>The block with only bit 0 set: the multiplicative identity of GF(2^128).</summary>
    public static Block128 One => new(1, 0);

    /// <summary>Bits 0..63.</summary>
    public ulong Low => _low;

    /// <summary>Bits 64..127.</summary>
    public ulong High => _high;

    /// <summary>
    /// Bit 0 of byte 0: the point-and-permute (colour) bit of a garbled-circuit label.
    /// </summary>
    public bool Lsb => (_low & 1) != 0;

    /// <summary>This block with bit 0 replaced by <paramref name="value"/>, without branching on it.</summary>
    public Block128 WithLsb(bool value) => new((_low & ~1UL) | (value ? 1UL : 0UL), _high);

    /// <summary>
    /// <see cref="AllOnes"/> when <paramref name="bit"/> is set and <see cref="Zero"/> otherwise, computed
    /// without a branch, for selecting with <c>&amp;</c> (e.g. <c>label ^ (delta &amp; Mask(bit))</c>).
    /// </summary>
    public static Block128 Mask(bool bit)
    {
        ulong m = 0UL - (bit ? 1UL : 0UL);
        return new Block128(m, m);
    }

    /// <summary>The block holding the 16 bytes of <paramref name="vector"/> in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 FromVector128(Vector128<byte> vector)
    {
        return Unsafe.BitCast<Vector128<byte>, Block128>(vector);
    }

    /// <summary>The 16 bytes of this block as a vector, byte 0 in lane 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<byte> AsVector128() => Unsafe.BitCast<Block128, Vector128<byte>>(this);

    /// <summary>Writes the 16 little-endian bytes of this block to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Size) ThrowWrongLength(destination.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _low);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _high);
    }

    /// <summary>
    /// The 16 bytes in memory order (byte 0 first) as 32 lower-case hex digits.
    /// Reveals the value: for test vectors and debugging only, never for logs.
    /// </summary>
    public string ToHexString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>A fixed placeholder: blocks are labels and keys, so their value is never printed.</summary>
    public override string ToString() => "Block128(<redacted>)";

    /// <summary>Bitwise exclusive or (addition in GF(2^128)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 operator ^(Block128 left, Block128 right)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            return FromVector(left.AsVector() ^ right.AsVector());
        }
        return new Block128(left._low ^ right._low, left._high ^ right._high);
    }

    /// <summary>Bitwise and.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 operator &(Block128 left, Block128 right)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            return FromVector(left.AsVector() & right.AsVector());
        }
        return new Block128(left._low & right._low, left._high & right._high);
    }

    /// <summary>Bitwise or.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 operator |(Block128 left, Block128 right)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            return FromVector(left.AsVector() | right.AsVector());
        }
        return new Block128(left._low | right._low, left._high | right._high);
    }

    /// <summary>Bitwise complement.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 operator ~(Block128 value) => new(~value._low, ~value._high);

    /// <summary>Whether both blocks hold the same 128 bits; compares both halves without short-circuiting.</summary>
    public static bool operator ==(Block128 left, Block128 right) => left.Equals(right);

    /// <summary>Whether the blocks differ in at least one bit.</summary>
    public static bool operator !=(Block128 left, Block128 right) => !left.Equals(right);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(Block128 other) => ((_low ^ other._low) | (_high ^ other._high)) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Block128 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_low, _high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<ulong> AsVector() => Unsafe.BitCast<Block128, Vector128<ulong>>(this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Block128 FromVector(Vector128<ulong> vector) => Unsafe.BitCast<Vector128<ulong>, Block128>(vector);

    private static void ThrowWrongLength(int length) =>
        throw new ArgumentException($"A block is {Size} bytes, not {length}.");
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Core.Arithmetic;

/// <summary>
/// The field of 256 elements, GF(2)[x] / (x^8 + x^4 + x^3 + x + 1), the field of AES (FIPS 197, section 4.2): the
/// binary domain of the Shamir suite, where bits are shared with 8-bit shares and XOR is addition.
/// </summary>
/// <remarks>
/// An element is its 8 coefficients as a byte. Addition (and subtraction) is XOR; multiplication reads a 64 KiB
/// table, and vectors take the split-table kernels of <see cref="VectorMath"/>. Of the integer conversions of
/// <see cref="IRing{T}"/> only the ring map is meaningful: the integer n is n times 1, that is n mod 2.
/// </remarks>
public readonly struct Gf256 : IFiniteField<Gf256>
{
    /// <summary>The reduction polynomial's low byte: x^8 = x^4 + x^3 + x + 1.</summary>
    internal const int Reduction = 0x1B;

    /// <summary>The coefficients, bit i for x^i.</summary>
    public readonly byte Value;

    /// <summary>The element whose coefficients are the bits of <paramref name="value"/>.</summary>
    public Gf256(byte value) => Value = value;

    public static Gf256 Zero => default;
    public static Gf256 One => new(1);
    public static BigInteger Modulus { get; } = 256;

    /// <summary>1: the integers -1 and 0 map to distinct elements (1 and 0); 2 maps to 0.</summary>
    public static int SignedBits => 1;
    public static bool EveryBitPatternIsElement => true;

    public static Gf256 FromInt64(long value) => new((byte)(value & 1));
    public static Gf256 FromUInt64(ulong value) => new((byte)(value & 1));
    public static Gf256 FromInt128(Int128 value) => new((byte)(value & 1));
    public static Gf256 FromBigInteger(BigInteger value) => new(value.IsEven ? (byte)0 : (byte)1);

    /// <summary>The coefficient byte, read as an integer in [0, 256).</summary>
    public static BigInteger ToBigInteger(Gf256 value) => value.Value;

    /// <summary>0 for zero and -1 for one (the centred lift of the integers' images); other elements are no integer's image.</summary>
    public static Int128 ToSignedInt128(Gf256 value) => value.Value switch
    {
        0 => 0,
        1 => -1,
        _ => throw new InvalidOperationException($"The element 0x{value.Value:x2} of GF(2^8) is not the image of an integer."),
    };

    public static bool TryMakeUniform(ref Gf256 value) => true;

    /// <summary>The element with byte index + 1, for index 0 to 254.</summary>
    public static Gf256 NonZeroElement(int index)
    {
        if ((uint)index > 254) throw new ArgumentOutOfRangeException(nameof(index), index, "GF(2^8) has 255 non-zero elements.");
        return new((byte)(index + 1));
    }

    public static Gf256 operator +(Gf256 a, Gf256 b) => new((byte)(a.Value ^ b.Value));
    public static Gf256 operator -(Gf256 a, Gf256 b) => new((byte)(a.Value ^ b.Value));
    public static Gf256 operator -(Gf256 a) => a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Gf256 operator *(Gf256 a, Gf256 b) =>
        new(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tables.Products), (a.Value << 8) | b.Value));

    public static Gf256 operator /(Gf256 a, Gf256 b) => a * Inverse(b);

    public static Gf256 Inverse(Gf256 value)
    {
        if (value.Value == 0) throw new DivideByZeroException("Zero has no inverse in GF(2^8).");
        return new(Tables.Inverses[value.Value]);
    }

    public static bool operator ==(Gf256 a, Gf256 b) => a.Value == b.Value;
    public static bool operator !=(Gf256 a, Gf256 b) => a.Value != b.Value;
    public bool Equals(Gf256 other) => Value == other.Value;
    public override bool Equals(object? obj) => obj is Gf256 other && Equals(other);
    public override int GetHashCode() => Value;
    public override string ToString() => $"0x{Value:x2}";

    /// <summary>The product of two coefficient bytes by shift and add, reducing as it goes: the reference for the tables.</summary>
    internal static byte MultiplySlowly(byte a, byte b)
    {
        int product = 0, x = a;
        for (int bit = 0; bit < 8; bit++)
        {
            if (((b >> bit) & 1) != 0) product ^= x;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= 0x100 | Reduction;
        }
        return (byte)product;
    }

    /// <summary>Products of every pair (row a, column b), and inverses.</summary>
    internal static class Tables
    {
        public static readonly byte[] Products = BuildProducts();
        public static readonly byte[] Inverses = BuildInverses();

        private static byte[] BuildProducts()
        {
            var table = new byte[256 * 256];
            for (int a = 0; a < 256; a++)
                for (int b = 0; b < 256; b++)
                    table[(a << 8) | b] = MultiplySlowly((byte)a, (byte)b);
            return table;
        }

        private static byte[] BuildInverses()
        {
            var table = new byte[256];
            for (int a = 1; a < 256; a++)
                for (int b = 1; b < 256; b++)
                    if (Products[(a << 8) | b] == 1)
                    {
                        table[a] = (byte)b;
                        break;
                    }
            return table;
        }
    }
}

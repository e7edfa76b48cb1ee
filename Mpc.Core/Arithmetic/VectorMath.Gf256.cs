using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mpc.Core.Arithmetic;

// Kernels over GF(2^8): addition is XOR, and a product by a constant c is two 16-entry table lookups, one per half
// byte (c x = c (x mod 16) + c 16 (x div 16)), which one byte shuffle does for 16 or 32 bytes at once (as in Intel's
// ISA-L erasure codes); with GFNI, GF2P8MULB multiplies 32 pairs of bytes at once in this very field. Without either
// the scalar loops read the product table.
public static partial class VectorMath
{
    private static class Gf256Kernels
    {
        public static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> d)
        {
            ref byte ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b),
                rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; i + 32 <= n; i += 32)
                    Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref ra, i) ^ Vector256.LoadUnsafe(ref rb, i), ref rd, i);
            if (Vector128.IsHardwareAccelerated)
                for (; i + 16 <= n; i += 16)
                    Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref ra, i) ^ Vector128.LoadUnsafe(ref rb, i), ref rd, i);
            for (; i < n; i++) Unsafe.Add(ref rd, i) = (byte)(Unsafe.Add(ref ra, i) ^ Unsafe.Add(ref rb, i));
        }

        public static void Multiply(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> d)
        {
            ref byte ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            // GF2P8MULB multiplies bytes in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, this field's polynomial.
            if (Gfni.V256.IsSupported)
                for (; i + 32 <= n; i += 32)
                    Vector256.StoreUnsafe(Gfni.V256.GaloisFieldMultiply(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i)),
                        ref rd, i);
            if (Gfni.IsSupported)
                for (; i + 16 <= n; i += 16)
                    Vector128.StoreUnsafe(Gfni.GaloisFieldMultiply(Vector128.LoadUnsafe(ref ra, i), Vector128.LoadUnsafe(ref rb, i)),
                        ref rd, i);
            ref byte products = ref MemoryMarshal.GetArrayDataReference(Gf256.Tables.Products);
            for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref products, (Unsafe.Add(ref ra, i) << 8) | Unsafe.Add(ref rb, i));
        }

        /// <summary>d = c x, or d ^= c x when <paramref name="accumulate"/>.</summary>
        public static void MultiplyByConstant(ReadOnlySpan<byte> x, byte c, Span<byte> d, bool accumulate)
        {
            ref byte rx = ref MemoryMarshal.GetReference(x), rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Gfni.V256.IsSupported && n >= 32)
            {
                var constant = Vector256.Create(c);
                for (; i + 32 <= n; i += 32)
                {
                    var product = Gfni.V256.GaloisFieldMultiply(Vector256.LoadUnsafe(ref rx, i), constant);
                    if (accumulate) product ^= Vector256.LoadUnsafe(ref rd, i);
                    Vector256.StoreUnsafe(product, ref rd, i);
                }
            }
            if (Ssse3.IsSupported && n - i >= 16)
            {
                Span<byte> low = stackalloc byte[16], high = stackalloc byte[16];
                var c8 = new Gf256(c);
                for (int k = 0; k < 16; k++)
                {
                    low[k] = (c8 * new Gf256((byte)k)).Value;
                    high[k] = (c8 * new Gf256((byte)(k << 4))).Value;
                }
                var low128 = Vector128.Create((ReadOnlySpan<byte>)low);
                var high128 = Vector128.Create((ReadOnlySpan<byte>)high);
                var nibble128 = Vector128.Create((byte)0x0F);
                if (Avx2.IsSupported)
                {
                    var low256 = Vector256.Create(low128, low128);
                    var high256 = Vector256.Create(high128, high128);
                    var nibble256 = Vector256.Create((byte)0x0F);
                    for (; i + 32 <= n; i += 32)
                    {
                        var v = Vector256.LoadUnsafe(ref rx, i);
                        var product = Avx2.Shuffle(low256, v & nibble256)
                            ^ Avx2.Shuffle(high256, Vector256.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & nibble256);
                        if (accumulate) product ^= Vector256.LoadUnsafe(ref rd, i);
                        Vector256.StoreUnsafe(product, ref rd, i);
                    }
                }
                for (; i + 16 <= n; i += 16)
                {
                    var v = Vector128.LoadUnsafe(ref rx, i);
                    var product = Ssse3.Shuffle(low128, v & nibble128)
                        ^ Ssse3.Shuffle(high128, Vector128.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & nibble128);
                    if (accumulate) product ^= Vector128.LoadUnsafe(ref rd, i);
                    Vector128.StoreUnsafe(product, ref rd, i);
                }
            }
            ref byte row = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Gf256.Tables.Products), c << 8);
            for (; i < n; i++)
            {
                byte product = Unsafe.Add(ref row, Unsafe.Add(ref rx, i));
                Unsafe.Add(ref rd, i) = accumulate ? (byte)(Unsafe.Add(ref rd, i) ^ product) : product;
            }
        }
    }
}

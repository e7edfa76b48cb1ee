using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Core.Arithmetic;

// Kernels over 2^127-1 that defer the reduction: a sum of products is accumulated in 256 bits and reduced once.
public static partial class VectorMath
{
    /// <summary>
    /// destination[i] = sum over j of scalars[j] * terms[j * n + i], with n = destination's length (the terms
    /// term-major): one pass, so a combination of many vectors (pseudo-random sharing's weighted PRG streams) reads
    /// each once and writes the result once.
    /// </summary>
    public static void LinearCombination<T>(ReadOnlySpan<T> terms, ReadOnlySpan<T> scalars, Span<T> destination)
        where T : unmanaged, IRing<T>
    {
        int n = destination.Length;
        if (terms.Length != (long)scalars.Length * n)
            throw new ArgumentException($"Expected {scalars.Length} terms of {n} elements, got {terms.Length} elements.", nameof(terms));
        if (typeof(T) == typeof(Mersenne127))
        {
            Mersenne127Kernels.LinearCombination(MemoryMarshal.Cast<T, UInt128>(terms), MemoryMarshal.Cast<T, UInt128>(scalars),
                MemoryMarshal.Cast<T, UInt128>(destination));
            return;
        }
        destination.Clear();
        for (int j = 0; j < scalars.Length; j++) AddScaled(terms.Slice(j * n, n), scalars[j], destination);
    }

    /// <summary>
    /// accumulator[i] += sum over j of scalars[j] * terms[j * n + i], with n = the accumulator's length (the terms
    /// term-major): a polynomial's coefficients evaluated at one point (Shamir dealing), whose powers are small. Over
    /// 2^127-1 with every scalar below 2^64, two 64x64 products per term and one reduction per element.
    /// </summary>
    public static void AddCombination<T>(ReadOnlySpan<T> terms, ReadOnlySpan<T> scalars, Span<T> accumulator)
        where T : unmanaged, IRing<T>
    {
        int n = accumulator.Length;
        if (terms.Length != (long)scalars.Length * n)
            throw new ArgumentException($"Expected {scalars.Length} terms of {n} elements, got {terms.Length} elements.", nameof(terms));
        if (typeof(T) == typeof(Mersenne127) && scalars.Length <= 64)
        {
            var wide = MemoryMarshal.Cast<T, UInt128>(scalars);
            Span<ulong> small = stackalloc ulong[wide.Length];
            bool allSmall = true;
            for (int j = 0; j < wide.Length && allSmall; j++)
            {
                allSmall = wide[j] >> 64 == 0;
                small[j] = (ulong)wide[j];
            }
            if (allSmall)
            {
                Mersenne127Kernels.AddSmallCombination(MemoryMarshal.Cast<T, UInt128>(terms), small,
                    MemoryMarshal.Cast<T, UInt128>(accumulator));
                return;
            }
        }
        for (int j = 0; j < scalars.Length; j++) AddScaled(terms.Slice(j * n, n), scalars[j], accumulator);
    }

    /// <summary>
    /// The sum of words[i] * values[i], each word an integer below 2^64: a random linear combination with short
    /// coefficients (a batched check's), two 64x64 products per element over 2^127-1 and one reduction in all.
    /// </summary>
    public static T DotWords<T>(ReadOnlySpan<ulong> words, ReadOnlySpan<T> values) where T : unmanaged, IRing<T>
    {
        CheckLengths(words.Length, values.Length);
        if (typeof(T) == typeof(Mersenne127))
        {
            var sum = Mersenne127Kernels.DotWords(words, MemoryMarshal.Cast<T, UInt128>(values));
            return Unsafe.As<Mersenne127, T>(ref sum);
        }
        T result = T.Zero;
        for (int i = 0; i < words.Length; i++) result += T.FromUInt64(words[i]) * values[i];
        return result;
    }

    /// <summary>
    /// destination[i] = x[i]^(2^<paramref name="times"/>): <paramref name="times"/> squarings of every element (a
    /// square root in a field with p = 2^127 - 1 is 125 of them, as (p + 1) / 4 = 2^125). Over 2^127-1, four elements
    /// at a time, so that independent squarings fill the multiplier while each one's chain waits.
    /// </summary>
    public static void RepeatedSquare<T>(ReadOnlySpan<T> x, int times, Span<T> destination) where T : unmanaged, IRing<T>
    {
        CheckLengths(x.Length, destination.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        if (typeof(T) == typeof(Mersenne127))
        {
            Mersenne127Kernels.RepeatedSquare(MemoryMarshal.Cast<T, UInt128>(x), times, MemoryMarshal.Cast<T, UInt128>(destination));
            return;
        }
        for (int i = 0; i < x.Length; i++)
        {
            var value = x[i];
            for (int k = 0; k < times; k++) value *= value;
            destination[i] = value;
        }
    }

    /// <summary>2^127-1 arithmetic on canonical values, with the reduction deferred to the end of a sum.</summary>
    private static class Mersenne127Kernels
    {
        private static readonly UInt128 P = Mersenne127.P;

        public static void RepeatedSquare(ReadOnlySpan<UInt128> x, int times, Span<UInt128> destination)
        {
            int i = 0;
            for (; i + 4 <= x.Length; i += 4)
            {
                ulong a0 = (ulong)x[i], a1 = (ulong)(x[i] >> 64), b0 = (ulong)x[i + 1], b1 = (ulong)(x[i + 1] >> 64);
                ulong c0 = (ulong)x[i + 2], c1 = (ulong)(x[i + 2] >> 64), d0 = (ulong)x[i + 3], d1 = (ulong)(x[i + 3] >> 64);
                for (int k = 0; k < times; k++)
                {
                    Square(ref a0, ref a1);
                    Square(ref b0, ref b1);
                    Square(ref c0, ref c1);
                    Square(ref d0, ref d1);
                }
                destination[i] = Canonical(a0, a1);
                destination[i + 1] = Canonical(b0, b1);
                destination[i + 2] = Canonical(c0, c1);
                destination[i + 3] = Canonical(d0, d1);
            }
            for (; i < x.Length; i++)
            {
                ulong a0 = (ulong)x[i], a1 = (ulong)(x[i] >> 64);
                for (int k = 0; k < times; k++) Square(ref a0, ref a1);
                destination[i] = Canonical(a0, a1);
            }
        }

        private const ulong Low63 = 0x7FFF_FFFF_FFFF_FFFF;

        // (hi:lo) = (hi:lo)^2 mod p for a value below 2^127 (not necessarily canonical), left below 2^127: three 64x64
        // products on 64-bit words (UInt128's shifts would branch), then 2^128 = 2 and 2^127 = 1 (mod p).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Square(ref ulong lo, ref ulong hi)
        {
            ulong h00 = Math.BigMul(lo, lo, out ulong w0);
            ulong hm = Math.BigMul(lo, hi, out ulong lm);
            ulong h11 = Math.BigMul(hi, hi, out ulong l11);
            ulong m0 = lm << 1, m1 = (hm << 1) | (lm >> 63); // 2 lo hi < 2^128
            ulong w1 = h00 + m0;
            ulong carry = w1 < m0 ? 1UL : 0UL;
            ulong w2 = l11 + m1;
            ulong carry2 = w2 < m1 ? 1UL : 0UL;
            w2 += carry;
            carry2 += w2 < carry ? 1UL : 0UL;
            ulong w3 = h11 + carry2; // the product is (w3:w2:w1:w0) < 2^254
            // (w1:w0) mod 2^127 + its bit 127 + 2 (w3:w2): below 2^128.
            ulong top = w1 >> 63;
            ulong r0 = w0 + (w2 << 1);
            ulong c = r0 < w0 ? 1UL : 0UL;
            r0 += top;
            c += r0 < top ? 1UL : 0UL;
            ulong r1 = (w1 & Low63) + ((w3 << 1) | (w2 >> 63)) + c;
            // Two folds leave it below 2^127.
            ulong fold = r1 >> 63;
            r1 &= Low63;
            r0 += fold;
            r1 += r0 < fold ? 1UL : 0UL;
            fold = r1 >> 63;
            r1 &= Low63;
            r0 += fold;
            r1 += r0 < fold ? 1UL : 0UL;
            (lo, hi) = (r0, r1);
        }

        // The canonical value of a value below 2^127: p itself is 0.
        private static UInt128 Canonical(ulong lo, ulong hi) =>
            hi == Low63 && lo == ulong.MaxValue ? UInt128.Zero : new UInt128(hi, lo);

        /// <summary>
        /// sum w[i] x[i] for w[i] &lt; 2^64 and canonical x[i] &lt; 2^127: each product below 2^191 added into a 256-bit
        /// (low, high) sum, reduced once with 2^128 = 2 (mod p). High grows below 2^64 per element: no overflow for any
        /// span length.
        /// </summary>
        public static Mersenne127 DotWords(ReadOnlySpan<ulong> w, ReadOnlySpan<UInt128> x)
        {
            UInt128 low = 0, high = 0;
            for (int i = 0; i < w.Length; i++)
            {
                UInt128 a = x[i];
                UInt128 p0 = Math.BigMul((ulong)a, w[i]), p1 = Math.BigMul((ulong)(a >> 64), w[i]);
                UInt128 product = p0 + (p1 << 64);
                UInt128 carry = (p1 >> 64) + (product < p0 ? UInt128.One : UInt128.Zero);
                UInt128 sum = low + product;
                high += carry + (sum < low ? UInt128.One : UInt128.Zero);
                low = sum;
            }
            return Mersenne127.Create(low) + Mersenne127.Create(high) + Mersenne127.Create(high);
        }

        /// <summary>
        /// accumulator[i] += c x[i]: the product (below 2^254) and the accumulator (below 2^127) summed in 256 bits
        /// and reduced once, with two 64x64 products instead of four when c is below 2^64 (evaluation points, their
        /// powers and small weights).
        /// </summary>
        public static void AddScaled(ReadOnlySpan<UInt128> x, UInt128 c, Span<UInt128> accumulator)
        {
            ulong c0 = (ulong)c, c1 = (ulong)(c >> 64);
            for (int i = 0; i < accumulator.Length; i++)
            {
                UInt128 a = x[i];
                ulong a0 = (ulong)a, a1 = (ulong)(a >> 64);
                UInt128 low, high;
                if (c1 == 0)
                {
                    // a c < 2^191: low 128 bits and the rest.
                    UInt128 p0 = Math.BigMul(a0, c0), p1 = Math.BigMul(a1, c0);
                    low = p0 + (p1 << 64);
                    high = (p1 >> 64) + (low < p0 ? UInt128.One : UInt128.Zero);
                }
                else
                {
                    UInt128 p00 = Math.BigMul(a0, c0);
                    UInt128 mid = Math.BigMul(a0, c1) + Math.BigMul(a1, c0); // each < 2^127: the sum fits
                    low = p00 + (mid << 64);
                    high = Math.BigMul(a1, c1) + (mid >> 64) + (low < p00 ? UInt128.One : UInt128.Zero);
                }
                UInt128 sum = low + accumulator[i];
                if (sum < low) high++; // the whole is below 2^254
                accumulator[i] = Fold((ulong)sum, (ulong)(sum >> 64), (ulong)high, (ulong)(high >> 64), 0);
            }
        }

        /// <remarks>
        /// Each product a b (a, b &lt; 2^127, in 64-bit limbs) adds its four 64x64 products into a 320-bit sum
        /// w0 + w1 2^64 + w2 2^128 + w3 2^192 + w4 2^256 (w4 gathers the carries: at most 2^24 terms), reduced once
        /// at the end with 2^127 = 1, so 2^128 = 2, 2^192 = 2^65 and 2^256 = 4 (mod p).
        /// </remarks>
        public static void LinearCombination(ReadOnlySpan<UInt128> terms, ReadOnlySpan<UInt128> scalars, Span<UInt128> destination)
        {
            int n = destination.Length, count = scalars.Length;
            if (count > 1 << 24) throw new ArgumentException("At most 2^24 terms are summed before a reduction.", nameof(scalars));
            Span<ulong> s0 = count <= 64 ? stackalloc ulong[count] : new ulong[count];
            Span<ulong> s1 = count <= 64 ? stackalloc ulong[count] : new ulong[count];
            for (int j = 0; j < count; j++)
            {
                s0[j] = (ulong)scalars[j];
                s1[j] = (ulong)(scalars[j] >> 64);
            }
            var limbs = MemoryMarshal.Cast<UInt128, ulong>(terms);
            for (int i = 0; i < n; i++)
            {
                ulong w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0;
                for (int j = 0; j < count; j++)
                {
                    int k = 2 * (j * n + i);
                    ulong a0 = limbs[k], a1 = limbs[k + 1], b0 = s0[j], b1 = s1[j];
                    ulong h00 = Math.BigMul(a0, b0, out ulong l00);
                    ulong h01 = Math.BigMul(a0, b1, out ulong l01);
                    ulong h10 = Math.BigMul(a1, b0, out ulong l10);
                    ulong h11 = Math.BigMul(a1, b1, out ulong l11);

                    ulong carry = AddCarry(ref w0, l00);
                    carry = AddCarry(ref w1, carry) + AddCarry(ref w1, h00) + AddCarry(ref w1, l01) + AddCarry(ref w1, l10);
                    carry = AddCarry(ref w2, carry) + AddCarry(ref w2, h01) + AddCarry(ref w2, h10) + AddCarry(ref w2, l11);
                    w4 += AddCarry(ref w3, carry) + AddCarry(ref w3, h11);
                }
                destination[i] = Fold(w0, w1, w2, w3, w4);
            }
        }

        /// <remarks>
        /// Each product a s (a &lt; 2^127, s &lt; 2^64) is below 2^191; the accumulator and at most 64 of them stay below
        /// 2^256, summed in four words and reduced once.
        /// </remarks>
        public static void AddSmallCombination(ReadOnlySpan<UInt128> terms, ReadOnlySpan<ulong> scalars, Span<UInt128> accumulator)
        {
            int n = accumulator.Length, count = scalars.Length;
            var limbs = MemoryMarshal.Cast<UInt128, ulong>(terms);
            for (int i = 0; i < n; i++)
            {
                UInt128 start = accumulator[i];
                ulong w0 = (ulong)start, w1 = (ulong)(start >> 64), w2 = 0, w3 = 0;
                for (int j = 0; j < count; j++)
                {
                    int k = 2 * (j * n + i);
                    ulong s = scalars[j];
                    ulong h0 = Math.BigMul(limbs[k], s, out ulong l0);
                    ulong h1 = Math.BigMul(limbs[k + 1], s, out ulong l1);
                    ulong carry = AddCarry(ref w0, l0);
                    carry = AddCarry(ref w1, carry) + AddCarry(ref w1, h0) + AddCarry(ref w1, l1);
                    w3 += AddCarry(ref w2, carry) + AddCarry(ref w2, h1);
                }
                accumulator[i] = Fold(w0, w1, w2, w3, 0);
            }
        }

        /// <summary>Adds <paramref name="x"/> to <paramref name="sum"/> and returns the carry out (0 or 1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong AddCarry(ref ulong sum, ulong x)
        {
            sum += x;
            return sum < x ? 1UL : 0UL;
        }

        /// <summary>(w0 + w1 2^64 + w2 2^128 + w3 2^192 + w4 2^256) mod p, for w4 &lt; 2^60.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static UInt128 Fold(ulong w0, ulong w1, ulong w2, ulong w3, ulong w4)
        {
            UInt128 low = ((UInt128)w1 << 64) | w0;
            UInt128 r = (low & P) + (low >> 127);                              // <= 2^127
            r += (UInt128)w2 << 1;                                             // 2^128 = 2
            r += (((UInt128)w3 << 65) & P) + (w3 >> 62);                       // 2^192 = 2^65: bits past 2^127 wrap to 2^0
            r += (UInt128)w4 << 2;                                             // 2^256 = 4; r < 2^128 in all
            r = (r & P) + (r >> 127);
            return r >= P ? r - P : r;
        }
    }
}

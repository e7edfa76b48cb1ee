using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Core.Arithmetic;

public static partial class VectorMath
{
    /// <summary>
    /// SIMD kernels on 64-bit lanes (<see cref="Vector{T}"/>, the widest the JIT accelerates), each with its scalar tail.
    /// Without hardware acceleration the vector loops are skipped and the scalar loops do all the work.
    /// </summary>
    private static class Simd
    {
        private static readonly Vector<ulong> P61 = new(Mersenne61.P);

        public static void AddU64(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b),
                rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Vector.IsHardwareAccelerated)
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                    Vector.StoreUnsafe(Vector.LoadUnsafe(ref ra, i) + Vector.LoadUnsafe(ref rb, i), ref rd, i);
            for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref ra, i) + Unsafe.Add(ref rb, i);
        }

        public static void SubtractU64(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b),
                rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Vector.IsHardwareAccelerated)
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                    Vector.StoreUnsafe(Vector.LoadUnsafe(ref ra, i) - Vector.LoadUnsafe(ref rb, i), ref rd, i);
            for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref ra, i) - Unsafe.Add(ref rb, i);
        }

        public static void MultiplyU64(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b),
                rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Vector.IsHardwareAccelerated)
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                    Vector.StoreUnsafe(Vector.LoadUnsafe(ref ra, i) * Vector.LoadUnsafe(ref rb, i), ref rd, i);
            for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        public static void ScaleU64(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> d)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a), rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var s = new Vector<ulong>(scalar);
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                    Vector.StoreUnsafe(Vector.LoadUnsafe(ref ra, i) * s, ref rd, i);
            }
            for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref ra, i) * scalar;
        }

        public static void AddScaledU64(ReadOnlySpan<ulong> x, ulong scalar, Span<ulong> acc)
        {
            ref ulong rx = ref MemoryMarshal.GetReference(x), racc = ref MemoryMarshal.GetReference(acc);
            nuint n = (nuint)acc.Length, i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var s = new Vector<ulong>(scalar);
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                    Vector.StoreUnsafe(Vector.LoadUnsafe(ref racc, i) + Vector.LoadUnsafe(ref rx, i) * s, ref racc, i);
            }
            for (; i < n; i++) Unsafe.Add(ref racc, i) += Unsafe.Add(ref rx, i) * scalar;
        }

        public static ulong DotU64(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b);
            nuint n = (nuint)a.Length, i = 0;
            ulong sum = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var acc = Vector<ulong>.Zero;
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                    acc += Vector.LoadUnsafe(ref ra, i) * Vector.LoadUnsafe(ref rb, i);
                sum = Vector.Sum(acc);
            }
            for (; i < n; i++) sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
            return sum;
        }

        // Mod 2^61-1 on canonical inputs: a + b < 2p, so one conditional subtraction of p suffices.
        public static void AddMod61(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b),
                rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Vector.IsHardwareAccelerated)
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                {
                    var s = Vector.LoadUnsafe(ref ra, i) + Vector.LoadUnsafe(ref rb, i);
                    Vector.StoreUnsafe(s - (Vector.GreaterThanOrEqual(s, P61) & P61), ref rd, i);
                }
            for (; i < n; i++)
            {
                ulong s = Unsafe.Add(ref ra, i) + Unsafe.Add(ref rb, i);
                Unsafe.Add(ref rd, i) = s >= Mersenne61.P ? s - Mersenne61.P : s;
            }
        }

        // a - b wraps below zero exactly when a < b; adding p back gives the canonical result.
        public static void SubtractMod61(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b),
                rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)d.Length, i = 0;
            if (Vector.IsHardwareAccelerated)
                for (nuint w = (nuint)Vector<ulong>.Count; i + w <= n; i += w)
                {
                    var x = Vector.LoadUnsafe(ref ra, i);
                    var y = Vector.LoadUnsafe(ref rb, i);
                    Vector.StoreUnsafe(x - y + (Vector.LessThan(x, y) & P61), ref rd, i);
                }
            for (; i < n; i++)
            {
                ulong x = Unsafe.Add(ref ra, i), y = Unsafe.Add(ref rb, i);
                Unsafe.Add(ref rd, i) = x >= y ? x - y : x + Mersenne61.P - y;
            }
        }
    }
}

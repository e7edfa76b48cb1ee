using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Additive.Internal;

/// <summary>The local step of a Beaver multiplication in one pass: z = c + d b + e a (+ d e at the leader).</summary>
internal static class BeaverKernel
{
    public static void Combine(ReadOnlySpan<Z2k> c, ReadOnlySpan<Z2k> d, ReadOnlySpan<Z2k> e,
        ReadOnlySpan<Z2k> a, ReadOnlySpan<Z2k> b, bool leader, Span<Z2k> z)
    {
        int n = z.Length;
        if (c.Length != n || d.Length != n || e.Length != n || a.Length != n || b.Length != n)
            throw new ArgumentException("Beaver operands differ in length.");
        ref ulong rc = ref U(c), rd = ref U(d), re = ref U(e), ra = ref U(a), rb = ref U(b);
        ref ulong rz = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<Z2k, ulong>(z));
        ulong leaderMask = leader ? ulong.MaxValue : 0;
        nuint i = 0, count = (nuint)n;
        if (Vector.IsHardwareAccelerated)
        {
            var mask = new Vector<ulong>(leaderMask);
            for (nuint w = (nuint)Vector<ulong>.Count; i + w <= count; i += w)
            {
                var vd = Vector.LoadUnsafe(ref rd, i);
                var ve = Vector.LoadUnsafe(ref re, i);
                var sum = Vector.LoadUnsafe(ref rc, i) + vd * Vector.LoadUnsafe(ref rb, i) + ve * Vector.LoadUnsafe(ref ra, i)
                    + ((vd * ve) & mask);
                Vector.StoreUnsafe(sum, ref rz, i);
            }
        }
        for (; i < count; i++)
        {
            ulong vd = Unsafe.Add(ref rd, i), ve = Unsafe.Add(ref re, i);
            Unsafe.Add(ref rz, i) = Unsafe.Add(ref rc, i) + vd * Unsafe.Add(ref rb, i) + ve * Unsafe.Add(ref ra, i)
                + ((vd * ve) & leaderMask);
        }
    }

    private static ref ulong U(ReadOnlySpan<Z2k> span) => ref MemoryMarshal.GetReference(MemoryMarshal.Cast<Z2k, ulong>(span));
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Random;

namespace Mpc.Core.Garbling;

/// <summary>
/// The AES-NI cores: the TCCR hashes of two garbled (or four evaluated) AND gates, eight blocks, go through the AES
/// pipeline together and the table arithmetic happens in registers, with no intermediate buffers.
/// </summary>
/// <remarks>
/// Labels are handled as <see cref="Vector128{T}"/> throughout: <see cref="Block128"/> arithmetic on two 64-bit halves
/// makes the JIT spill to the stack and stall on store forwarding, which cost 10x here. Indexing is unchecked: the
/// public entry points have checked that every gate's wires are below <c>wires.Length</c> (the circuit validated
/// them against its wire count) and the table indices are bounded by the room counted in <c>maxAnds</c>.
/// </remarks>
public static partial class HalfGates
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GateProgress GarbleX86(ReadOnlySpan<Gate> gates, Vector128<byte> delta, Span<Block128> wires,
        Span<Block128> tables, ulong firstAndIndex)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetReference(FixedKeyAes.RoundKeys);
        ref Gate gate0 = ref MemoryMarshal.GetReference(gates);
        ref Vector128<byte> w = ref Unsafe.As<Block128, Vector128<byte>>(ref MemoryMarshal.GetReference(wires));
        ref Vector128<byte> table = ref Unsafe.As<Block128, Vector128<byte>>(ref MemoryMarshal.GetReference(tables));
        int n = gates.Length, maxAnds = tables.Length / BlocksPerAnd;
        int i = 0, ands = 0;
        while (i < n)
        {
            ref Gate g = ref Unsafe.Add(ref gate0, i);
            GateKind kind = g.Kind;
            if (kind == GateKind.Xor)
            {
                Unsafe.Add(ref w, g.Output) = Unsafe.Add(ref w, g.InputA) ^ Unsafe.Add(ref w, g.InputB);
                i++;
                continue;
            }
            if (kind == GateKind.Inv)
            {
                Unsafe.Add(ref w, g.Output) = Unsafe.Add(ref w, g.InputA) ^ delta;
                i++;
                continue;
            }
            if (kind == GateKind.Constant)
            {
                Unsafe.Add(ref w, g.Output) = g.ConstantValue ? delta : Vector128<byte>.Zero;
                i++;
                continue;
            }
            if (ands == maxAnds) break;
            int count = RunLength(gates, i, maxAnds - ands);
            ulong j = firstAndIndex + (ulong)ands;
            ref Vector128<byte> t = ref Unsafe.Add(ref table, BlocksPerAnd * ands);
            int k = 0;
            for (; k + 2 <= count; k += 2)
            {
                GarblePairX86(ref roundKeys, ref Unsafe.Add(ref g, k), ref Unsafe.Add(ref g, k + 1), delta, ref w,
                    ref Unsafe.Add(ref t, BlocksPerAnd * k), j + (ulong)k);
            }
            if (k < count)
            {
                // An odd gate out: garble it alongside itself and keep one copy of the result.
                GarblePairX86(ref roundKeys, ref Unsafe.Add(ref g, k), ref Unsafe.Add(ref g, k), delta, ref w,
                    ref Unsafe.Add(ref t, BlocksPerAnd * k), j + (ulong)k);
            }
            i += count;
            ands += count;
        }
        return new GateProgress(i, ands);
    }

    /// <summary>
    /// Garbles AND gates <paramref name="first"/> (index <paramref name="j"/>) and <paramref name="second"/> (index j + 1),
    /// writing four table blocks from <paramref name="t"/>. When both are the same gate, the second result overwrites the
    /// first with the same label, and its table blocks land where the caller does not read them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GarblePairX86(ref Vector128<byte> roundKeys, ref Gate first, ref Gate second, Vector128<byte> delta,
        ref Vector128<byte> w, ref Vector128<byte> t, ulong j)
    {
        bool same = Unsafe.AreSame(ref first, ref second);
        Vector128<byte> a0 = Unsafe.Add(ref w, first.InputA);
        Vector128<byte> b0 = Unsafe.Add(ref w, first.InputB);
        Vector128<byte> c0 = Unsafe.Add(ref w, second.InputA);
        Vector128<byte> d0 = Unsafe.Add(ref w, second.InputB);
        ulong secondIndex = same ? j : j + 1;

        // H(x, tweak) = π(π(x) ⊕ tweak) ⊕ π(x) on A0, A1 (tweak 2j), B0, B1 (2j + 1), and the same for the second gate.
        Vector128<byte> x0 = a0, x1 = a0 ^ delta, x2 = b0, x3 = b0 ^ delta;
        Vector128<byte> x4 = c0, x5 = c0 ^ delta, x6 = d0, x7 = d0 ^ delta;
        Aes128.Encrypt8X86(ref roundKeys, ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);
        Vector128<byte> p0 = x0, p1 = x1, p2 = x2, p3 = x3, p4 = x4, p5 = x5, p6 = x6, p7 = x7;
        Vector128<byte> tweakA = Vector128.CreateScalar(2 * j).AsByte();
        Vector128<byte> tweakB = Vector128.CreateScalar(2 * j + 1).AsByte();
        Vector128<byte> tweakC = Vector128.CreateScalar(2 * secondIndex).AsByte();
        Vector128<byte> tweakD = Vector128.CreateScalar(2 * secondIndex + 1).AsByte();
        x0 = p0 ^ tweakA;
        x1 = p1 ^ tweakA;
        x2 = p2 ^ tweakB;
        x3 = p3 ^ tweakB;
        x4 = p4 ^ tweakC;
        x5 = p5 ^ tweakC;
        x6 = p6 ^ tweakD;
        x7 = p7 ^ tweakD;
        Aes128.Encrypt8X86(ref roundKeys, ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);

        GarbleGateX86(a0, b0, x0 ^ p0, x1 ^ p1, x2 ^ p2, x3 ^ p3, delta, out Vector128<byte> tg,
            out Vector128<byte> te, out Vector128<byte> c);
        t = tg;
        Unsafe.Add(ref t, 1) = te;
        Unsafe.Add(ref w, first.Output) = c;
        GarbleGateX86(c0, d0, x4 ^ p4, x5 ^ p5, x6 ^ p6, x7 ^ p7, delta, out tg, out te, out c);
        if (!same)
        {
            Unsafe.Add(ref t, 2) = tg;
            Unsafe.Add(ref t, 3) = te;
            Unsafe.Add(ref w, second.Output) = c;
        }
    }

    /// <summary>One gate's table (T_G, T_E) and output zero-label from its input zero-labels and four hashes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GarbleGateX86(Vector128<byte> a0, Vector128<byte> b0, Vector128<byte> ha0, Vector128<byte> ha1, Vector128<byte> hb0,
        Vector128<byte> hb1, Vector128<byte> delta,
        out Vector128<byte> tg, out Vector128<byte> te, out Vector128<byte> c0)
    {
        Vector128<byte> pa = LsbMaskX86(a0), pb = LsbMaskX86(b0);
        tg = ha0 ^ ha1 ^ (pb & delta);
        te = hb0 ^ hb1 ^ a0;
        c0 = ha0 ^ (pa & tg) ^ hb0 ^ (pb & (te ^ a0));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GateProgress EvaluateX86(ReadOnlySpan<Gate> gates, Span<Block128> wires,
        ReadOnlySpan<Block128> tables, ulong firstAndIndex)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetReference(FixedKeyAes.RoundKeys);
        ref Gate gate0 = ref MemoryMarshal.GetReference(gates);
        ref Vector128<byte> w = ref Unsafe.As<Block128, Vector128<byte>>(ref MemoryMarshal.GetReference(wires));
        ref Vector128<byte> table = ref Unsafe.As<Block128, Vector128<byte>>(ref MemoryMarshal.GetReference(tables));
        int n = gates.Length, maxAnds = tables.Length / BlocksPerAnd;
        int i = 0, ands = 0;
        while (i < n)
        {
            ref Gate g = ref Unsafe.Add(ref gate0, i);
            GateKind kind = g.Kind;
            if (kind == GateKind.Xor)
            {
                Unsafe.Add(ref w, g.Output) = Unsafe.Add(ref w, g.InputA) ^ Unsafe.Add(ref w, g.InputB);
                i++;
                continue;
            }
            if (kind == GateKind.Inv)
            {
                Unsafe.Add(ref w, g.Output) = Unsafe.Add(ref w, g.InputA);
                i++;
                continue;
            }
            if (kind == GateKind.Constant)
            {
                Unsafe.Add(ref w, g.Output) = Vector128<byte>.Zero;
                i++;
                continue;
            }
            if (ands == maxAnds) break;
            int count = RunLength(gates, i, maxAnds - ands);
            ulong j = firstAndIndex + (ulong)ands;
            ref Vector128<byte> t = ref Unsafe.Add(ref table, BlocksPerAnd * ands);
            int k = 0;
            for (; k + 4 <= count; k += 4)
            {
                EvaluateQuadX86(ref roundKeys, ref Unsafe.Add(ref g, k), ref w,
                    ref Unsafe.Add(ref t, BlocksPerAnd * k), j + (ulong)k, count - k);
            }
            if (k < count)
            {
                EvaluateQuadX86(ref roundKeys, ref Unsafe.Add(ref g, k), ref w,
                    ref Unsafe.Add(ref t, BlocksPerAnd * k), j + (ulong)k, count - k);
            }
            i += count;
            ands += count;
        }
        return new GateProgress(i, ands);
    }

    /// <summary>
    /// Evaluates min(4, <paramref name="available"/>) AND gates from <paramref name="g"/> (indices from <paramref name="j"/>).
    /// Fewer than four are padded with copies of the first, whose results are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EvaluateQuadX86(ref Vector128<byte> roundKeys, ref Gate g, ref Vector128<byte> w,
        ref Vector128<byte> t, ulong j, int available)
    {
        ref Gate g1 = ref available > 1 ? ref Unsafe.Add(ref g, 1) : ref g;
        ref Gate g2 = ref available > 2 ? ref Unsafe.Add(ref g, 2) : ref g;
        ref Gate g3 = ref available > 3 ? ref Unsafe.Add(ref g, 3) : ref g;
        Vector128<byte> x0 = Unsafe.Add(ref w, g.InputA), x1 = Unsafe.Add(ref w, g.InputB);
        Vector128<byte> x2 = Unsafe.Add(ref w, g1.InputA), x3 = Unsafe.Add(ref w, g1.InputB);
        Vector128<byte> x4 = Unsafe.Add(ref w, g2.InputA), x5 = Unsafe.Add(ref w, g2.InputB);
        Vector128<byte> x6 = Unsafe.Add(ref w, g3.InputA), x7 = Unsafe.Add(ref w, g3.InputB);
        Aes128.Encrypt8X86(ref roundKeys, ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);
        Vector128<byte> p0 = x0, p1 = x1, p2 = x2, p3 = x3, p4 = x4, p5 = x5, p6 = x6, p7 = x7;
        // Tweaks 2j, 2j + 1, ... are consecutive; padded gates hash under tweaks nobody uses.
        Vector128<ulong> tweak = Vector128.CreateScalar(2 * j);
        x0 = p0 ^ tweak.AsByte();
        x1 = p1 ^ (tweak + Vector128.CreateScalar(1UL)).AsByte();
        x2 = p2 ^ (tweak + Vector128.CreateScalar(2UL)).AsByte();
        x3 = p3 ^ (tweak + Vector128.CreateScalar(3UL)).AsByte();
        x4 = p4 ^ (tweak + Vector128.CreateScalar(4UL)).AsByte();
        x5 = p5 ^ (tweak + Vector128.CreateScalar(5UL)).AsByte();
        x6 = p6 ^ (tweak + Vector128.CreateScalar(6UL)).AsByte();
        x7 = p7 ^ (tweak + Vector128.CreateScalar(7UL)).AsByte();
        Aes128.Encrypt8X86(ref roundKeys, ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);

        Unsafe.Add(ref w, g.Output) = EvaluateGateX86(ref w, ref g, x0 ^ p0, x1 ^ p1, t, Unsafe.Add(ref t, 1));
        if (available > 1)
            Unsafe.Add(ref w, g1.Output) = EvaluateGateX86(ref w, ref g1, x2 ^ p2, x3 ^ p3, Unsafe.Add(ref t, 2), Unsafe.Add(ref t, 3));
        if (available > 2)
            Unsafe.Add(ref w, g2.Output) = EvaluateGateX86(ref w, ref g2, x4 ^ p4, x5 ^ p5, Unsafe.Add(ref t, 4), Unsafe.Add(ref t, 5));
        if (available > 3)
            Unsafe.Add(ref w, g3.Output) = EvaluateGateX86(ref w, ref g3, x6 ^ p6, x7 ^ p7, Unsafe.Add(ref t, 6), Unsafe.Add(ref t, 7));
    }

    /// <summary>C = H(A) ⊕ sa·T_G ⊕ H(B) ⊕ sb·(T_E ⊕ A); the input labels are reloaded (from L1) to spare registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> EvaluateGateX86(ref Vector128<byte> w, ref Gate g, Vector128<byte> ha, Vector128<byte> hb,
        Vector128<byte> tg, Vector128<byte> te)
    {
        Vector128<byte> a = Unsafe.Add(ref w, g.InputA), b = Unsafe.Add(ref w, g.InputB);
        return ha ^ (LsbMaskX86(a) & tg) ^ hb ^ (LsbMaskX86(b) & (te ^ a));
    }

    /// <summary>All ones if bit 0 of <paramref name="x"/> (the colour bit) is set, else zero: broadcast, shift, sign-fill.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> LsbMaskX86(Vector128<byte> x)
    {
        Vector128<int> low = Sse2.Shuffle(x.AsInt32(), 0);
        return Sse2.ShiftRightArithmetic(Sse2.ShiftLeftLogical(low, 31), 31).AsByte();
    }
}

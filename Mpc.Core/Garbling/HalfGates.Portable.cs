using System.Runtime.CompilerServices;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Random;

namespace Mpc.Core.Garbling;

/// <summary>The portable cores: batches of AND gates hashed through the span API of <see cref="FixedKeyAes"/>.</summary>
public static partial class HalfGates
{
    /// <summary>AND gates whose hashes go to <see cref="FixedKeyAes"/> in one call.</summary>
    private const int PortableBatch = 64;

    private static GateProgress GarblePortable(ReadOnlySpan<Gate> gates, Block128 delta, Span<Block128> wires,
        Span<Block128> tables, ulong firstAndIndex)
    {
        int maxAnds = tables.Length / BlocksPerAnd;
        Span<Block128> x0 = stackalloc Block128[2 * PortableBatch];
        Span<Block128> x1 = stackalloc Block128[2 * PortableBatch];
        Span<Block128> h0 = stackalloc Block128[2 * PortableBatch];
        Span<Block128> h1 = stackalloc Block128[2 * PortableBatch];
        int i = 0, ands = 0;
        while (i < gates.Length)
        {
            Gate g = gates[i];
            switch (g.Kind)
            {
                case GateKind.Xor:
                    wires[g.Output] = wires[g.InputA] ^ wires[g.InputB];
                    i++;
                    continue;
                case GateKind.Inv:
                    wires[g.Output] = wires[g.InputA] ^ delta;
                    i++;
                    continue;
                case GateKind.Constant:
                    wires[g.Output] = delta & Block128.Mask(g.ConstantValue);
                    i++;
                    continue;
            }
            if (ands == maxAnds) break;
            int count = RunLength(gates, i, Math.Min(PortableBatch, maxAnds - ands));

            // Hash inputs (A0, B0) and (A1, B1) per gate: tweaks 2j and 2j + 1 are consecutive.
            for (int k = 0; k < count; k++)
            {
                Gate a = gates[i + k];
                Block128 a0 = wires[a.InputA], b0 = wires[a.InputB];
                x0[2 * k] = a0;
                x0[2 * k + 1] = b0;
                x1[2 * k] = a0 ^ delta;
                x1[2 * k + 1] = b0 ^ delta;
            }
            ulong tweak = 2 * (firstAndIndex + (ulong)ands);
            FixedKeyAes.TccrHash(x0[..(2 * count)], tweak, h0);
            FixedKeyAes.TccrHash(x1[..(2 * count)], tweak, h1);
            for (int k = 0; k < count; k++)
            {
                Block128 a0 = x0[2 * k], b0 = x0[2 * k + 1];
                Block128 ha0 = h0[2 * k], hb0 = h0[2 * k + 1];
                Block128 pa = LsbMask(a0), pb = LsbMask(b0);
                Block128 tg = ha0 ^ h1[2 * k] ^ (pb & delta);
                Block128 te = hb0 ^ h1[2 * k + 1] ^ a0;
                int t = BlocksPerAnd * (ands + k);
                tables[t] = tg;
                tables[t + 1] = te;
                wires[gates[i + k].Output] = ha0 ^ (pa & tg) ^ hb0 ^ (pb & (te ^ a0));
            }
            i += count;
            ands += count;
        }
        return new GateProgress(i, ands);
    }

    private static GateProgress EvaluatePortable(ReadOnlySpan<Gate> gates, Span<Block128> wires,
        ReadOnlySpan<Block128> tables, ulong firstAndIndex)
    {
        int maxAnds = tables.Length / BlocksPerAnd;
        Span<Block128> x = stackalloc Block128[2 * PortableBatch];
        Span<Block128> h = stackalloc Block128[2 * PortableBatch];
        int i = 0, ands = 0;
        while (i < gates.Length)
        {
            Gate g = gates[i];
            switch (g.Kind)
            {
                case GateKind.Xor:
                    wires[g.Output] = wires[g.InputA] ^ wires[g.InputB];
                    i++;
                    continue;
                case GateKind.Inv:
                    wires[g.Output] = wires[g.InputA];
                    i++;
                    continue;
                case GateKind.Constant:
                    wires[g.Output] = Block128.Zero;
                    i++;
                    continue;
            }
            if (ands == maxAnds) break;
            int count = RunLength(gates, i, Math.Min(PortableBatch, maxAnds - ands));
            for (int k = 0; k < count; k++)
            {
                Gate a = gates[i + k];
                x[2 * k] = wires[a.InputA];
                x[2 * k + 1] = wires[a.InputB];
            }
            FixedKeyAes.TccrHash(x[..(2 * count)], 2 * (firstAndIndex + (ulong)ands), h);
            for (int k = 0; k < count; k++)
            {
                Block128 a = x[2 * k], b = x[2 * k + 1];
                int t = BlocksPerAnd * (ands + k);
                wires[gates[i + k].Output] = h[2 * k] ^ (LsbMask(a) & tables[t]) ^ h[2 * k + 1] ^ (LsbMask(b) & (tables[t + 1] ^ a));
            }
            i += count;
            ands += count;
        }
        return new GateProgress(i, ands);
    }

    /// <summary>All ones if the block's colour bit is set, else zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Block128 LsbMask(Block128 x)
    {
        ulong m = 0UL - (x.Low & 1);
        return new Block128(m, m);
    }
}

using System.Numerics;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using Mpc.Core.Blocks;
using Mpc.Core.Random;

namespace Mpc.Protocols.ObliviousTransfer.Internal;

/// <summary>
/// The column expansion of SoftSpoken OT (L. Roy, "SoftSpokenOT: Quieter OT Extension from Small-Field Silent VOLE
/// in the Minicrypt Model", CRYPTO 2022), semi-honest, as pure functions and two column holders. With k = 1 it is
/// exactly IKNP's expansion.
/// </summary>
/// <remarks>
/// L. Roy, CRYPTO 2022; semi-honest security, as IKNP. Rounds: the GGM trees cost the receiver one message at creation,
/// after the base OTs; a batch then takes IKNP's rounds with 128/k instead of 128 bits sent per OT.
/// Derivation and costs: docs/protocols.md#softspoken-ot.
/// </remarks>
internal static class SoftSpoken
{
    /// <summary>Whether SoftSpoken runs with k bits per group here (k divides 128 and 2^k leaves stay few).</summary>
    public static bool IsSupported(int k) => IknpSender.SoftSpokenBitChoices.Contains(k);

    /// <summary>Throws unless <paramref name="k"/> is supported.</summary>
    public static void Check(int k)
    {
        if (!IsSupported(k))
            throw new ArgumentOutOfRangeException(nameof(k), k, "SoftSpoken OT runs with k = 1 (IKNP), 2, 4 or 8 bits per group.");
    }

    /// <summary>Groups of k columns, and rows of the receiver's correction per chunk.</summary>
    public static int Groups(int k) => IknpCore.Kappa / k;

    /// <summary>Blocks of the receiver's setup message (the masked level sums): none for k = 1.</summary>
    public static int SetupBlocks(int k) => Groups(k) * (k - 1) * 2;

    /// <summary>
    /// The receiver's leaves (<c>leaves[g * 2^k + x]</c>) from its base-OT message pairs, and the setup message
    /// the sender needs to puncture them.
    /// </summary>
    public static void ReceiverLeaves(int k, ReadOnlySpan<Block128> keys0, ReadOnlySpan<Block128> keys1,
        Span<Block128> leaves, Span<Block128> setup)
    {
        int leafCount = 1 << k;
        for (int g = 0; g < Groups(k); g++)
        {
            Span<Block128> level = leaves.Slice(g * leafCount, leafCount);
            int column = g * k;
            level[0] = keys1[column];
            level[1] = keys0[column];
            for (int j = 2; j <= k; j++)
            {
                int width = 1 << (j - 1);
                Block128 sum0 = default, sum1 = default;
                for (int p = 0; p < width; p++)
                {
                    Expand(level[p], out level[p], out level[p + width]);
                    sum0 ^= level[p];
                    sum1 ^= level[p + width];
                }
                int at = 2 * (g * (k - 1) + j - 2);
                setup[at] = sum0 ^ keys1[column + j - 1];
                setup[at + 1] = sum1 ^ keys0[column + j - 1];
            }
        }
    }

    /// <summary>
    /// The sender's leaves from its base-OT messages (<paramref name="keys"/>[i] for choice bit i of
    /// <paramref name="delta"/>) and the receiver's setup message: every leaf but x = Δ_g, which is left zero.
    /// </summary>
    public static void SenderLeaves(int k, Block128 delta, ReadOnlySpan<Block128> keys, ReadOnlySpan<Block128> setup, Span<Block128> leaves)
    {
        int leafCount = 1 << k;
        for (int g = 0; g < Groups(k); g++)
        {
            Span<Block128> level = leaves.Slice(g * leafCount, leafCount);
            level.Clear();
            int column = g * k;
            int path = DeltaBit(delta, column);
            level[1 - path] = keys[column];
            for (int j = 2; j <= k; j++)
            {
                int width = 1 << (j - 1);
                Block128 sum0 = default, sum1 = default;
                for (int p = 0; p < width; p++)
                {
                    if (p == path) continue;
                    Expand(level[p], out level[p], out level[p + width]);
                    sum0 ^= level[p];
                    sum1 ^= level[p + width];
                }
                int bit = DeltaBit(delta, column + j - 1);
                int at = 2 * (g * (k - 1) + j - 2);
                // The sum of the branch off the path (1 - bit) is masked with m^{bit}, the message this party chose.
                Block128 offPath = setup[at + 1 - bit] ^ keys[column + j - 1] ^ (bit == 0 ? sum1 : sum0);
                level[path + (1 - bit) * width] = offPath;
                level[path + bit * width] = default;
                path += bit * width;
            }
        }
    }

    /// <summary>Bit <paramref name="i"/> of Δ as 0 or 1.</summary>
    public static int DeltaBit(Block128 delta, int i) => (int)((i < 64 ? delta.Low >> i : delta.High >> (i - 64)) & 1);

    /// <summary>Δ_g: the k bits of group <paramref name="g"/>.</summary>
    public static int GroupDelta(Block128 delta, int k, int g)
    {
        int bits = 0;
        for (int l = 0; l < k; l++) bits |= DeltaBit(delta, g * k + l) << l;
        return bits;
    }

    /// <summary>The GGM step: a node's two children, the first two blocks of AES-CTR under the node as key.</summary>
    private static void Expand(Block128 node, out Block128 child0, out Block128 child1)
    {
        Span<Block128> children = stackalloc Block128[2];
        using (var prg = new AesCtrPrg(MemoryMarshal.AsBytes(new ReadOnlySpan<Block128>(in node))))
        {
            prg.Fill(children);
        }
        child0 = children[0];
        child1 = children[1];
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(children));
    }

    /// <summary>Whether <paramref name="x"/> has a single bit set, and which.</summary>
    public static bool IsSingleBit(int x, out int bit)
    {
        bit = BitOperations.TrailingZeroCount(x);
        return x != 0 && (x & (x - 1)) == 0;
    }
}

/// <summary>The extension receiver's columns: every leaf PRG of every group.</summary>
internal sealed class SoftSpokenReceiverColumns : IDisposable
{
    private readonly int _k;
    private readonly AesCtrPrg[] _leaves;

    public SoftSpokenReceiverColumns(int k, ReadOnlySpan<Block128> leaves)
    {
        _k = k;
        _leaves = SeedAll(leaves, skip: null);
    }

    /// <summary>k: columns per group.</summary>
    public int Bits => _k;

    /// <summary>Rows of the correction per chunk.</summary>
    public int CorrectionRows => SoftSpoken.Groups(_k);

    /// <summary>
    /// One chunk: the 128 rows of <paramref name="t"/> and, per group, the correction row u_g ⊕ r of
    /// <paramref name="u"/>, where <paramref name="r"/> holds the chunk's choice bits (a row's worth).
    /// </summary>
    public void Expand(ReadOnlySpan<byte> r, Span<byte> t, Span<byte> u)
    {
        int rowBytes = r.Length;
        int leafCount = 1 << _k;
        byte[]? rented = _k > 1 ? System.Buffers.ArrayPool<byte>.Shared.Rent(rowBytes) : null;
        try
        {
            for (int g = 0; g < CorrectionRows; g++)
            {
                Span<byte> uRow = u.Slice(g * rowBytes, rowBytes);
                // x = 0 lies in no t row: it starts u. x = 2^l is the first x with bit l: it starts t_l.
                _leaves[g * leafCount].Fill(uRow);
                for (int x = 1; x < leafCount; x++)
                {
                    AesCtrPrg leaf = _leaves[g * leafCount + x];
                    if (SoftSpoken.IsSingleBit(x, out int l))
                    {
                        Span<byte> tRow = t.Slice((g * _k + l) * rowBytes, rowBytes);
                        leaf.Fill(tRow);
                        IknpCore.XorRow(uRow, tRow);
                        continue;
                    }
                    Span<byte> expanded = rented.AsSpan(0, rowBytes);
                    leaf.Fill(expanded);
                    IknpCore.XorRow(uRow, expanded);
                    for (int bits = x; bits != 0; bits &= bits - 1)
                    {
                        IknpCore.XorRow(t.Slice((g * _k + BitOperations.TrailingZeroCount(bits)) * rowBytes, rowBytes), expanded);
                    }
                }
                IknpCore.XorRow(uRow, r);
            }
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    public void Dispose()
    {
        foreach (var prg in _leaves) prg.Dispose();
    }

    /// <summary>One PRG per leaf; a skipped leaf gets none (null).</summary>
    internal static AesCtrPrg[] SeedAll(ReadOnlySpan<Block128> leaves, Func<int, bool>? skip)
    {
        var prgs = new AesCtrPrg[leaves.Length];
        for (int i = 0; i < leaves.Length; i++)
        {
            if (skip is not null && skip(i)) continue;
            prgs[i] = new AesCtrPrg(MemoryMarshal.AsBytes(leaves.Slice(i, 1)));
        }
        return prgs;
    }
}

/// <summary>The extension sender's columns: every leaf PRG but the punctured one of each group, and Δ.</summary>
internal sealed class SoftSpokenSenderColumns : IDisposable
{
    private readonly int _k;
    private readonly Block128 _delta;
    private readonly AesCtrPrg[] _leaves;

    public SoftSpokenSenderColumns(int k, Block128 delta, ReadOnlySpan<Block128> leaves)
    {
        _k = k;
        _delta = delta;
        int leafCount = 1 << k;
        _leaves = SoftSpokenReceiverColumns.SeedAll(leaves, i => i % leafCount == SoftSpoken.GroupDelta(delta, k, i / leafCount));
    }

    /// <summary>k: columns per group.</summary>
    public int Bits => _k;

    /// <summary>Rows of the correction per chunk.</summary>
    public int CorrectionRows => SoftSpoken.Groups(_k);

    /// <summary>
    /// One chunk: the 128 rows q_l = w_l ⊕ Δ_l·(u_g ⊕ c) = t_l ⊕ Δ_l·c from the receiver's correction <paramref name="u"/>.
    /// </summary>
    public void Expand(ReadOnlySpan<byte> u, Span<byte> q)
    {
        int rowBytes = u.Length / CorrectionRows;
        int leafCount = 1 << _k;
        byte[]? rented = _k > 1 ? System.Buffers.ArrayPool<byte>.Shared.Rent(rowBytes) : null;
        try
        {
            for (int g = 0; g < CorrectionRows; g++)
            {
                int punctured = SoftSpoken.GroupDelta(_delta, _k, g);
                // Leaf x weighs in on the rows of y = x ⊕ Δ_g; y = 2^l is the first y with bit l: it starts q_l.
                for (int y = 1; y < leafCount; y++)
                {
                    AesCtrPrg leaf = _leaves[g * leafCount + (y ^ punctured)];
                    if (SoftSpoken.IsSingleBit(y, out int l))
                    {
                        leaf.Fill(q.Slice((g * _k + l) * rowBytes, rowBytes));
                        continue;
                    }
                    Span<byte> expanded = rented.AsSpan(0, rowBytes);
                    leaf.Fill(expanded);
                    for (int bits = y; bits != 0; bits &= bits - 1)
                    {
                        IknpCore.XorRow(q.Slice((g * _k + BitOperations.TrailingZeroCount(bits)) * rowBytes, rowBytes), expanded);
                    }
                }
                ReadOnlySpan<byte> uRow = u.Slice(g * rowBytes, rowBytes);
                for (int l = 0; l < _k; l++)
                {
                    IknpCore.XorMasked(q.Slice((g * _k + l) * rowBytes, rowBytes), uRow,
                        0UL - (ulong)SoftSpoken.DeltaBit(_delta, g * _k + l));
                }
            }
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    public void Dispose()
    {
        foreach (var prg in _leaves) prg?.Dispose();
    }
}

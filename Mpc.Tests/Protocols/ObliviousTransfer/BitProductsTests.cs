using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Protocols.Preprocessing.Internal;
using Mpc.Tests.Arbitraries;

namespace Mpc.Tests.Protocols.ObliviousTransfer;

/// <summary>
/// AND cross terms by random OT: the two outputs XOR to x AND y, and what the receiver sees (its chosen message and the
/// sender's correction) says nothing of x, which a variant whose correction leaves out the other message would give away.
/// </summary>
public sealed class BitProductsTests
{
    private const int Words = 64;

    [Property(MaxTest = 10)]
    public void Outputs_XorToTheAnd(int seed)
    {
        using var prg = OtHarness.Prg(seed, 1);
        var x = OtHarness.RandomChoices(prg, Words * 64)[..Words];
        var y = OtHarness.RandomChoices(prg, Words * 64)[..Words];
        var (s, v) = Run(x, y, seed, masked: true);
        for (int w = 0; w < Words; w++) Assert.Equal(x[w] & y[w], s[w] ^ v.Output[w]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReceiversView_SaysNothingOfX_UnlessTheCorrectionIsUnmasked(bool masked)
    {
        // The receiver can compute u XOR lsb(m_y) from its view; over x = 0 and x = all ones, its bytes must be uniform.
        using var prg = OtHarness.Prg(7, 2);
        var y = OtHarness.RandomChoices(prg, Words * 64)[..Words];
        foreach (ulong fill in new[] { 0UL, ulong.MaxValue })
        {
            var x = Enumerable.Repeat(fill, Words).ToArray();
            var (_, view) = Run(x, y, 11, masked);
            var counts = new long[256];
            for (int w = 0; w < Words; w++)
                foreach (byte b in BitConverter.GetBytes(view.Corrections[w] ^ view.ChosenLsbs[w])) counts[b]++;
            if (masked) ChiSquare.AssertUniform(counts, $"the receiver's u ^ lsb(m_y) for x = {fill:x}");
            else Assert.True(ChiSquare.Statistic(counts) > ChiSquare.Critical001(255), "the broken variant should leak x");
        }
    }

    // The sender runs BitProducts; the receiver runs it too, and separately records its view of the same batch.
    private static (ulong[] Sender, (ulong[] Output, ulong[] Corrections, ulong[] ChosenLsbs) Receiver) Run(ulong[] x, ulong[] y,
        int seed, bool masked)
    {
        var networks = OtHarness.MemoryPair();
        var (sender, receiver) = OtHarness.DealtPair(networks, seed);
        var tag = new Mpc.Net.StreamTag(0x0600_0002);
        return OtHarness.RunPairAsync(networks,
            async n =>
            {
                var s = new ulong[Words];
                await BitProducts.SendAsync(sender, n, 1, tag, x, s, default, masked);
                return s;
            },
            async n =>
            {
                // The receiver's side, spelled out: the random OTs, then the corrections.
                var messages = new Block128[Words * 64];
                await receiver.ReceiveRandomAsync(y, messages);
                var correctionBytes = new byte[Words * 8];
                await n.ReceiveAsync(0, tag, correctionBytes);
                var corrections = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(correctionBytes).ToArray();
                var lsbs = new ulong[Words];
                var output = new ulong[Words];
                for (int w = 0; w < Words; w++)
                {
                    for (int b = 0; b < 64; b++) lsbs[w] |= (messages[w * 64 + b].Low & 1) << b;
                    output[w] = lsbs[w] ^ (y[w] & corrections[w]);
                }
                return (output, corrections, lsbs);
            }).GetAwaiter().GetResult();
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Protocols.ObliviousTransfer.Internal;
using static Mpc.Tests.Protocols.ObliviousTransfer.OtHarness;

namespace Mpc.Tests.Protocols.ObliviousTransfer;

/// <summary>The GGM puncturing under SoftSpoken's columns; the OT laws for every k are in <see cref="IknpTests"/>.</summary>
public sealed class SoftSpokenTests
{
    [Property(MaxTest = 40)]
    public Property Puncture_SenderHasAllButLeafDeltaG_ItNeedsAMessageItLacks() =>
        Prop.ForAll(SoftSpokenBits(), Arb.From(Gen.Choose(0, int.MaxValue)), (k, seed) =>
    {
        using var prg = Prg(seed, 31);
        var keys0 = RandomBlocks(prg, 128);
        var keys1 = RandomBlocks(prg, 128);
        Block128 delta = RandomBlocks(prg, 1)[0];
        var chosen = Enumerable.Range(0, 128).Select(i => SoftSpoken.DeltaBit(delta, i) == 1 ? keys1[i] : keys0[i]).ToArray();
        int leafCount = 1 << k, groups = 128 / k;

        var receiverLeaves = new Block128[groups * leafCount];
        var setup = new Block128[SoftSpoken.SetupBlocks(k)];
        SoftSpoken.ReceiverLeaves(k, keys0, keys1, receiverLeaves, setup);
        var senderLeaves = new Block128[groups * leafCount];
        SoftSpoken.SenderLeaves(k, delta, chosen, setup, senderLeaves);

        // The messages the sender did not choose, changed: the receiver's leaf at Δ_g changes, and the sender, which
        // never saw them, still gets every other leaf from the new setup.
        var otherKeys0 = (Block128[])keys0.Clone();
        var otherKeys1 = (Block128[])keys1.Clone();
        for (int i = 0; i < 128; i++)
        {
            if (SoftSpoken.DeltaBit(delta, i) == 1) otherKeys0[i] ^= Block128.One;
            else otherKeys1[i] ^= Block128.One;
        }
        var otherLeaves = new Block128[groups * leafCount];
        var otherSetup = new Block128[setup.Length];
        SoftSpoken.ReceiverLeaves(k, otherKeys0, otherKeys1, otherLeaves, otherSetup);
        var senderAgain = new Block128[groups * leafCount];
        SoftSpoken.SenderLeaves(k, delta, chosen, otherSetup, senderAgain);

        for (int g = 0; g < groups; g++)
        {
            int punctured = SoftSpoken.GroupDelta(delta, k, g);
            for (int x = 0; x < leafCount; x++)
            {
                int at = g * leafCount + x;
                if (x == punctured)
                {
                    Assert.Equal(Block128.Zero, senderLeaves[at]);
                    Assert.NotEqual(receiverLeaves[at], otherLeaves[at]);
                }
                else
                {
                    Assert.Equal(receiverLeaves[at], senderLeaves[at]);
                    Assert.Equal(otherLeaves[at], senderAgain[at]);
                }
            }
        }
        Assert.Equal(receiverLeaves.Length, receiverLeaves.Distinct().Count());
    });

    [Fact]
    public void OneBitPerGroup_LeavesAreTheBaseOtKeys_AndThereIsNoSetup()
    {
        // k = 1 is IKNP: leaf 1 is k0 (t = G(k0)) and leaf 0 is k1; nothing is sent beyond the base OTs.
        using var prg = Prg(3, 31);
        var keys0 = RandomBlocks(prg, 128);
        var keys1 = RandomBlocks(prg, 128);
        var leaves = new Block128[256];
        SoftSpoken.ReceiverLeaves(1, keys0, keys1, leaves, []);
        Assert.Equal(0, SoftSpoken.SetupBlocks(1));
        for (int i = 0; i < 128; i++)
        {
            Assert.Equal(keys1[i], leaves[2 * i]);
            Assert.Equal(keys0[i], leaves[2 * i + 1]);
        }
    }

    [Theory]
    [InlineData(1, 128, 0)]
    [InlineData(2, 64, 128)]
    [InlineData(4, 32, 192)]
    [InlineData(8, 16, 224)]
    public void CorrectionRowsAndSetupSize_FollowK(int k, int rows, int setupBlocks)
    {
        Assert.Equal(rows, SoftSpoken.Groups(k));
        Assert.Equal(setupBlocks, SoftSpoken.SetupBlocks(k));
    }
}

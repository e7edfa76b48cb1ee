using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Protocols.Harness;
using static Mpc.Tests.Protocols.ObliviousTransfer.OtHarness;

namespace Mpc.Tests.Protocols.ObliviousTransfer;

/// <summary>CPU-heavy two-party runs: kept out of the way of the deadline-timed network tests.</summary>
[Collection(SocketTests.Collection)]
public sealed class ChouOrlandiTests
{
    private const int PointBytes = 65;

    /// <summary>The P-256 field prime, big-endian.</summary>
    private static readonly byte[] FieldPrime = Convert.FromHexString("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");

    private static async Task<(Block128[] Keys0, Block128[] Keys1, Block128[] Got)> RunAsync(IPartyNetwork[] networks, ulong[] choices,
        int count, int seed)
    {
        var keys0 = new Block128[count];
        var keys1 = new Block128[count];
        var got = new Block128[count];
        await RunPairAsync(networks,
            async n =>
            {
                using var random = Prg(seed, 0);
                await new ChouOrlandiSender(n, 1, Tag, random).SendRandomAsync(keys0, keys1);
                return 0;
            },
            async n =>
            {
                using var random = Prg(seed, 1);
                await new ChouOrlandiReceiver(n, 0, Tag, random).ReceiveRandomAsync(choices, got);
                return 0;
            });
        return (keys0, keys1, got);
    }

    [Property(MaxTest = 5)]
    public Property ChouOrlandi_ReceiverGetsTheKeyOfItsChoice_AndTheOtherDiffers() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 200)), Arb.From(Gen.Choose(0, int.MaxValue)), (count, seed) =>
        {
            using var prg = Prg(seed, 2);
            var choices = RandomChoices(prg, count);
            var networks = MemoryPair();
            var (keys0, keys1, got) = RunAsync(networks, choices, count, seed).GetAwaiter().GetResult();
            for (int i = 0; i < count; i++)
            {
                bool c = Choice(choices, i);
                Assert.Equal(c ? keys1[i] : keys0[i], got[i]);
                Assert.NotEqual(c ? keys0[i] : keys1[i], got[i]);
            }
            Assert.Equal(2 * count, keys0.Concat(keys1).Distinct().Count());
            Assert.All(networks, n => Assert.Equal(2, n.Stats.Rounds));
        });

    [Fact]
    public async Task ChouOrlandi_RepeatedCallsOnOneTag_GiveFreshKeys()
    {
        var networks = MemoryPair();
        var choices = new ulong[] { 0x5555, 0 };
        var first = await RunAsync(networks, choices, 16, 3);
        var second = await RunAsync(networks, choices, 16, 4);
        Assert.Empty(first.Keys0.Intersect(second.Keys0));
    }

    public static TheoryData<string, ObliviousTransferCheck> BadPoints => new()
    {
        { "identity", ObliviousTransferCheck.PointNotAtInfinity },
        { "off-curve", ObliviousTransferCheck.PointOnCurve },
        { "garbage", ObliviousTransferCheck.PointOnCurve },
        { "bad-prefix", ObliviousTransferCheck.PointEncoding },
        { "compressed", ObliviousTransferCheck.PointEncoding },
        { "x-not-below-p", ObliviousTransferCheck.PointEncoding },
    };

    private static byte[] BadPoint(string kind)
    {
        var point = new byte[PointBytes];
        switch (kind)
        {
            case "identity":
                break;
            case "off-curve":
                point[0] = 0x04;
                point[32] = 1;
                point[64] = 1;
                break;
            case "garbage":
                using (var prg = Prg(13, 13)) prg.Fill(point);
                point[0] = 0x04;
                break;
            case "bad-prefix":
                using (var prg = Prg(14, 14)) prg.Fill(point);
                point[0] = 0x07;
                break;
            case "compressed":
                point[0] = 0x02;
                point[32] = 3;
                break;
            case "x-not-below-p":
                point[0] = 0x04;
                FieldPrime.CopyTo(point, 1);
                point[64] = 2;
                break;
        }
        return point;
    }

    [Theory]
    [MemberData(nameof(BadPoints))]
    public async Task ChouOrlandi_Receiver_RefusesInvalidA_NamingSenderAndCheck(string kind, ObliviousTransferCheck check)
    {
        var networks = MemoryPair();
        try
        {
            await networks[0].SendAsync(1, Tag, BadPoint(kind));
            using var random = Prg(15, 0);
            var receiver = new ChouOrlandiReceiver(networks[1], 0, Tag, random);
            var ex = await Assert.ThrowsAsync<ObliviousTransferException>(
                () => receiver.ReceiveRandomAsync(new ulong[1], new Block128[8]).AsTask());
            Assert.Equal(0, ex.PeerId);
            Assert.Equal(check, ex.Check);
            Assert.Contains("Party 0", ex.Message);
            Assert.Contains(check.ToString(), ex.Message);
            Assert.Contains("point A", ex.Message);
        }
        finally
        {
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(BadPoints))]
    public async Task ChouOrlandi_Sender_RefusesInvalidB_NamingReceiverIndexCheck(string kind, ObliviousTransferCheck check)
    {
        var networks = MemoryPair();
        try
        {
            using var random = Prg(16, 0);
            var sending = new ChouOrlandiSender(networks[0], 1, Tag, random).SendRandomAsync(new Block128[8], new Block128[8]).AsTask();
            // The receiver plays honestly for B[0..2] and sends a bad B[3].
            var a = new byte[PointBytes];
            await networks[1].ReceiveAsync(0, Tag, a);
            var bs = new byte[8 * PointBytes];
            var valid = Convert.FromHexString("046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" +
                "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
            for (int i = 0; i < 8; i++) valid.CopyTo(bs, i * PointBytes);
            BadPoint(kind).CopyTo(bs, 3 * PointBytes);
            await networks[1].SendAsync(0, Tag, bs);
            var ex = await Assert.ThrowsAsync<ObliviousTransferException>(() => sending);
            Assert.Equal(1, ex.PeerId);
            Assert.Equal(check, ex.Check);
            Assert.Contains("Party 1", ex.Message);
            Assert.Contains("B[3]", ex.Message);
        }
        finally
        {
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChouOrlandi_SenderView_IsUniformPoints_WhateverTheChoices(bool allOnes)
    {
        // B_i = c_i·A + b_i·G is a uniformly random point for either choice: its x-coordinate bytes look uniform.
        var networks = MemoryPair();
        var recording = new RecordingNetwork(networks[0]);
        const int count = 256;
        var choices = Enumerable.Repeat(allOnes ? ulong.MaxValue : 0UL, count / 64).ToArray();
        await RunAsync([recording, networks[1]], choices, count, allOnes ? 17 : 18);
        var frame = Assert.Single(recording.Received).Payload;
        Assert.Equal(count * PointBytes, frame.Length);
        var counts = new long[256];
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(0x04, frame[i * PointBytes]);
            foreach (byte b in frame.AsSpan(i * PointBytes + 1, 32)) counts[b]++;
        }
        ChiSquare.AssertUniform(counts, $"x-coordinate bytes of the receiver's points (choices all {(allOnes ? 1 : 0)})");
    }
}

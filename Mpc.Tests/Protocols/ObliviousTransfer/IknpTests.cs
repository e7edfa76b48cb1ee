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
public sealed class IknpTests
{
    private static void RunDealt(int seed, Func<IknpSender, Task> sender, Func<IknpReceiver, Task> receiver, int softSpokenBits = 1)
    {
        var networks = MemoryPair();
        var (s, r) = DealtPair(networks, seed, softSpokenBits: softSpokenBits);
        try
        {
            RunPairAsync(networks, async _ => { await sender(s); return 0; }, async _ => { await receiver(r); return 0; })
                .GetAwaiter().GetResult();
        }
        finally
        {
            s.Dispose();
            r.Dispose();
            foreach (var n in networks) n.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Property(MaxTest = 25)]
    public Property Iknp_CorrelatedBlocks_TEqualsQXorChoiceTimesDelta() => Prop.ForAll(Batches(), SoftSpokenBits(), (batch, k) =>
    {
        using var prg = Prg(batch.Seed, 1);
        var choices = RandomChoices(prg, batch.Count);
        var q = new Block128[batch.Count];
        var t = new Block128[batch.Count];
        Block128 delta = default;
        RunDealt(batch.Seed, async s => { delta = s.Delta; await s.SendCorrelatedBlocksAsync(q); },
            r => r.ReceiveCorrelatedBlocksAsync(choices, t).AsTask(), k);
        for (int j = 0; j < batch.Count; j++)
        {
            Assert.Equal(q[j] ^ (Choice(choices, j) ? delta : Block128.Zero), t[j]);
        }
    });

    [Property(MaxTest = 25)]
    public Property Iknp_Random_ReceiverGetsTheChosenMessage_AndTheOtherDiffers() => Prop.ForAll(Batches(), SoftSpokenBits(), (batch, k) =>
    {
        using var prg = Prg(batch.Seed, 2);
        var choices = RandomChoices(prg, batch.Count);
        var m0 = new Block128[batch.Count];
        var m1 = new Block128[batch.Count];
        var got = new Block128[batch.Count];
        RunDealt(batch.Seed, s => s.SendRandomAsync(m0, m1).AsTask(), r => r.ReceiveRandomAsync(choices, got).AsTask(), k);
        for (int j = 0; j < batch.Count; j++)
        {
            bool c = Choice(choices, j);
            Assert.Equal(c ? m1[j] : m0[j], got[j]);
            Assert.NotEqual(c ? m0[j] : m1[j], got[j]);
        }
        // Hashed outputs are not the raw correlation: m0 ^ m1 is not one constant.
        if (batch.Count > 1) Assert.NotEqual(m0[0] ^ m1[0], m0[1] ^ m1[1]);
    });

    [Property(MaxTest = 25)]
    public Property Iknp_ReceiverGetsChosenMessages() => Prop.ForAll(Batches(), SoftSpokenBits(), (batch, k) =>
    {
        using var prg = Prg(batch.Seed, 3);
        var choices = RandomChoices(prg, batch.Count);
        var m0 = RandomBlocks(prg, batch.Count);
        var m1 = RandomBlocks(prg, batch.Count);
        var got = new Block128[batch.Count];
        RunDealt(batch.Seed, s => s.SendChosenAsync(m0, m1).AsTask(), r => r.ReceiveChosenAsync(choices, got).AsTask(), k);
        for (int j = 0; j < batch.Count; j++)
        {
            Assert.Equal(Choice(choices, j) ? m1[j] : m0[j], got[j]);
        }
    });

    [Property(MaxTest = 25)]
    public Property Iknp_CorrelatedWords_GetOutputPlusChoiceTimesCorrelation() =>
        Prop.ForAll(Batches(), Arb.From(Gen.Choose(1, 4)), SoftSpokenBits(), (batch, width, softSpokenBits) =>
        {
            int count = Math.Min(batch.Count, 2000);
            using var prg = Prg(batch.Seed, 4);
            var choices = RandomChoices(prg, count);
            var correlations = new ulong[count * width];
            prg.Fill<ulong>(correlations);
            var outputs = new ulong[count * width];
            var got = new ulong[count * width];
            RunDealt(batch.Seed, s => s.SendCorrelatedAsync(correlations, width, outputs).AsTask(),
                r => r.ReceiveCorrelatedAsync(choices, width, got).AsTask(), softSpokenBits);
            for (int j = 0; j < count; j++)
            {
                for (int i = 0; i < width; i++)
                {
                    int k = j * width + i;
                    Assert.Equal(unchecked(outputs[k] + (Choice(choices, j) ? correlations[k] : 0)), got[k]);
                }
            }
            // The sender's outputs are pseudorandom words, not zeros or copies of one another.
            Assert.Equal(outputs.Length, outputs.Distinct().Count());
        });

    [Property(MaxTest = 15)]
    public Property Iknp_ShiftedWords_KeepTheCorrelationInKeptBits_AcrossChunks() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 2100)), Arb.From(Gen.Choose(1, 3)), SoftSpokenBits(), (groups, width, softSpokenBits) =>
        {
            // OT j keeps the bits from 2^(j mod 64) up; its correlation is a multiple of that (Gilboa's a 2^s). Up to
            // 2100 groups of 64: batches of one to three chunks of 65024 OTs.
            int count = 64 * groups;
            using var prg = Prg(groups * 7 + width, 4);
            var choices = RandomChoices(prg, count);
            var correlations = new ulong[count * width];
            prg.Fill<ulong>(correlations);
            for (int j = 0; j < count; j++)
                for (int i = 0; i < width; i++) correlations[j * width + i] <<= j % 64;
            var outputs = new ulong[count * width];
            var got = new ulong[count * width];
            RunDealt(groups, s => s.SendCorrelatedShiftedAsync(correlations, width, outputs).AsTask(),
                r => r.ReceiveCorrelatedShiftedAsync(choices, width, got).AsTask(), softSpokenBits);
            for (int j = 0; j < count; j++)
            {
                ulong low = j % 64 == 0 ? 0 : ulong.MaxValue >> (64 - j % 64);
                for (int i = 0; i < width; i++)
                {
                    int k = j * width + i;
                    Assert.Equal(unchecked(outputs[k] + (Choice(choices, j) ? correlations[k] : 0)), got[k]);
                    Assert.Equal(0UL, outputs[k] & low);
                }
            }
            // What is kept is pseudorandom: the words of the OTs that keep all 64 bits are distinct.
            var whole = Enumerable.Range(0, groups)
                .SelectMany(g => Enumerable.Range(0, width).Select(i => outputs[64 * g * width + i]))
                .ToArray();
            Assert.Equal(whole.Length, whole.Distinct().Count());
        });

    [Fact]
    public void Iknp_ShiftedWords_Send49PercentLess_AndRefuseLowBits()
    {
        // 2080 bits per 64 OTs and word, against 4096: a chunk of 65024 OTs replies 264,160 bytes a word instead of 520,192.
        Assert.Equal(264_160, Mpc.Protocols.ObliviousTransfer.Internal.TruncatedWords.PackedBytes(65024, 1));
        Assert.Equal(3 * 264_160, Mpc.Protocols.ObliviousTransfer.Internal.TruncatedWords.PackedBytes(65024, 3));
        Assert.Equal(264, Mpc.Protocols.ObliviousTransfer.Internal.TruncatedWords.PackedBytes(64, 1)); // 32.5 words, whole words
        var networks = MemoryPair();
        var (sender, receiver) = DealtPair(networks, 11);
        using (sender)
        using (receiver)
        {
            var bad = new ulong[64];
            bad[3] = 1UL << 2; // OT 3 drops bits 0..2
            Assert.Throws<ArgumentException>(() => { _ = sender.SendCorrelatedShiftedAsync(bad, 1, new ulong[64]); });
            Assert.Throws<ArgumentException>(() => { _ = sender.SendCorrelatedShiftedAsync(new ulong[65], 1, new ulong[65]); });
            Assert.Throws<ArgumentException>(() => { _ = receiver.ReceiveCorrelatedShiftedAsync(new ulong[1], 1, new ulong[63]); });
        }
    }

    [Property(MaxTest = 50)]
    public Property TruncatedWords_UnpackInvertsPack_OnTheBitsKept() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, 300)), Arb.From(Gen.Choose(1, 5)), (ots, width) =>
        {
            using var prg = Prg(ots * 11 + width, 3);
            var d = new ulong[ots * width];
            prg.Fill<ulong>(d);
            var packed = new ulong[Mpc.Protocols.ObliviousTransfer.Internal.TruncatedWords.PackedBytes(ots, width) / 8];
            Mpc.Protocols.ObliviousTransfer.Internal.TruncatedWords.Pack(d, width, packed);
            var back = new ulong[d.Length];
            Mpc.Protocols.ObliviousTransfer.Internal.TruncatedWords.Unpack(packed, width, back);
            for (int j = 0; j < ots; j++)
                for (int i = 0; i < width; i++)
                    Assert.Equal(d[j * width + i] >> (j % 64) << (j % 64), back[j * width + i]);
        });

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Iknp_BatchesOfSeveralChunks_InSequenceOnOnePair_AllFlavours(int softSpokenBits)
    {
        const int count = 2 * ((1 << 16) - 512) + 12_345; // three chunks, the last partial and not a multiple of 128
        const int width = 3;
        using var prg = Prg(5, 5);
        var choices = RandomChoices(prg, count);
        var q = new Block128[count];
        var t = new Block128[count];
        var r0 = new Block128[count];
        var r1 = new Block128[count];
        var rGot = new Block128[count];
        var m0 = RandomBlocks(prg, count);
        var m1 = RandomBlocks(prg, count);
        var mGot = new Block128[count];
        var correlations = new ulong[count * width];
        prg.Fill<ulong>(correlations);
        var outputs = new ulong[count * width];
        var wGot = new ulong[count * width];
        var again = new Block128[count];
        var againGot = new Block128[count];
        Block128 delta = default;
        RunDealt(5,
            async s =>
            {
                delta = s.Delta;
                await s.SendCorrelatedBlocksAsync(q);
                await s.SendRandomAsync(r0, r1);
                await s.SendChosenAsync(m0, m1);
                await s.SendCorrelatedAsync(correlations, width, outputs);
                await s.SendRandomAsync(again, new Block128[count]);
            },
            async r =>
            {
                await r.ReceiveCorrelatedBlocksAsync(choices, t);
                await r.ReceiveRandomAsync(choices, rGot);
                await r.ReceiveChosenAsync(choices, mGot);
                await r.ReceiveCorrelatedAsync(choices, width, wGot);
                await r.ReceiveRandomAsync(choices, againGot);
            },
            softSpokenBits);
        for (int j = 0; j < count; j++)
        {
            bool c = Choice(choices, j);
            Assert.Equal(q[j] ^ (c ? delta : Block128.Zero), t[j]);
            Assert.Equal(c ? r1[j] : r0[j], rGot[j]);
            Assert.Equal(c ? m1[j] : m0[j], mGot[j]);
            for (int i = 0; i < width; i++)
            {
                int k = j * width + i;
                Assert.Equal(unchecked(outputs[k] + (c ? correlations[k] : 0)), wGot[k]);
            }
        }
        // The same choices in a later batch give fresh, independent outputs.
        Assert.Equal(0, Enumerable.Range(0, count).Count(j => again[j] == r0[j]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public async Task Iknp_BothDirectionsAtOnce_OnSeparateTags_WithRealBaseOts(int softSpokenBits)
    {
        var networks = MemoryPair();
        try
        {
            var tagA = new StreamTag(0x0600_0010); // party 0 sends to party 1
            var tagB = new StreamTag(0x0600_0011); // party 1 sends to party 0
            const int count = 3000;
            using var prg = Prg(6, 6);
            var choices = new[] { RandomChoices(prg, count), RandomChoices(prg, count) };
            var m0 = new[] { RandomBlocks(prg, count), RandomBlocks(prg, count) };
            var m1 = new[] { RandomBlocks(prg, count), RandomBlocks(prg, count) };
            var got = new[] { new Block128[count], new Block128[count] };
            var second = new[] { new Block128[count], new Block128[count] };

            async Task<int> Party(IPartyNetwork network)
            {
                int me = network.PartyId, other = 1 - me;
                using var random = Prg(60 + me, 0);
                var mine = me == 0 ? tagA : tagB;
                var theirs = me == 0 ? tagB : tagA;
                // Both objects are created concurrently: each base OT runs on its own tag.
                var senderTask = IknpSender.CreateAsync(network, other, mine, random.Fork(), softSpokenBits).AsTask();
                var receiverTask = IknpReceiver.CreateAsync(network, other, theirs, random.Fork(), softSpokenBits).AsTask();
                using var sender = await senderTask;
                using var receiver = await receiverTask;
                await Task.WhenAll(
                    sender.SendChosenAsync(m0[me], m1[me]).AsTask(),
                    receiver.ReceiveChosenAsync(choices[me], got[me]).AsTask());
                await Task.WhenAll(
                    sender.SendChosenAsync(m1[me], m0[me]).AsTask(),
                    receiver.ReceiveChosenAsync(choices[me], second[me]).AsTask());
                return 0;
            }

            await RunPairAsync(networks, Party, Party);
            for (int me = 0; me < 2; me++)
            {
                int sender = 1 - me;
                for (int j = 0; j < count; j++)
                {
                    bool c = Choice(choices[me], j);
                    Assert.Equal(c ? m1[sender][j] : m0[sender][j], got[me][j]);
                    Assert.Equal(c ? m0[sender][j] : m1[sender][j], second[me][j]);
                }
            }
            // Base OT: 2 rounds (SoftSpoken: and its GGM message); two chosen batches: 2 each; per role, and both
            // roles ran at each party.
            int setup = softSpokenBits == 1 ? 2 : 3;
            Assert.All(networks, n => Assert.Equal(2 * (setup + 2 + 2), n.Stats.Rounds));
        }
        finally
        {
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    [Fact]
    public async Task Iknp_Receiver_StaysAFewChunksAhead_OfASlowSender()
    {
        // Ten chunks of correlated OTs with no sender yet: the receiver sends the first chunks and then waits for
        // acknowledgements, instead of queueing the whole batch in the sender's inbox.
        var networks = MemoryPair();
        var (sender, receiver) = DealtPair(networks, 12);
        try
        {
            const int count = 10 * ((1 << 16) - 512);
            var choices = new ulong[(count + 63) / 64];
            var t = new Block128[count];
            var receiving = receiver.ReceiveCorrelatedBlocksAsync(choices, t).AsTask();
            await Task.Delay(300);
            Assert.False(receiving.IsCompleted);
            long frames = networks[1].Stats.Snapshot().Peers.Single(p => p.PeerId == 0).FramesSent;
            Assert.InRange(frames, 1, 5);
            var q = new Block128[count];
            await sender.SendCorrelatedBlocksAsync(q);
            await receiving;
            Assert.Equal(q[^1] ^ Block128.Zero, t[^1]);
        }
        finally
        {
            sender.Dispose();
            receiver.Dispose();
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 4)]
    [InlineData(true, 4)]
    public async Task Iknp_SenderView_IsUniform_WhateverTheChoices(bool allOnes, int softSpokenBits)
    {
        // The sender sees only the correction matrix u = G(k0) ⊕ G(k1) ⊕ c (SoftSpoken: u_g = ⊕_x G(r_x) ⊕ c per
        // group of k columns): each byte must look uniform, whether the receiver chose all zeros or all ones.
        var networks = MemoryPair();
        var recording = new RecordingNetwork(networks[0]);
        var (sender, receiver) = DealtPair([recording, networks[1]], allOnes ? 71 : 70, softSpokenBits: softSpokenBits);
        try
        {
            int count = softSpokenBits << 14;
            var choices = Enumerable.Repeat(allOnes ? ulong.MaxValue : 0UL, count / 64).ToArray();
            await RunPairAsync(networks,
                async _ => { await sender.SendChosenAsync(new Block128[count], new Block128[count]); return 0; },
                async _ => { await receiver.ReceiveChosenAsync(choices, new Block128[count]); return 0; });
            var view = recording.Received.SelectMany(f => f.Payload).ToArray();
            Assert.Equal(16 * count / softSpokenBits, view.Length);
            var counts = new long[256];
            foreach (byte b in view) counts[b]++;
            ChiSquare.AssertUniform(counts, $"bytes the sender received (choices all {(allOnes ? 1 : 0)})");
            // Bit by bit too: the choice enters every column bit, so bias would show here first.
            var ones = new long[2];
            foreach (byte b in view) ones[1] += System.Numerics.BitOperations.PopCount(b);
            ones[0] = 8L * view.Length - ones[1];
            ChiSquare.AssertUniform(ones, "bits the sender received");
        }
        finally
        {
            sender.Dispose();
            receiver.Dispose();
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    [Fact]
    public async Task Iknp_Rounds_OneForCorrelatedAndRandom_TwoForChosenAndWords()
    {
        var networks = MemoryPair();
        var (sender, receiver) = DealtPair(networks, 8);
        try
        {
            var choices = new ulong[2];
            var (before, after) = await RunPairAsync(networks,
                async n =>
                {
                    await sender.SendCorrelatedBlocksAsync(new Block128[100]);
                    await sender.SendRandomAsync(new Block128[100], new Block128[100]);
                    long before = n.Stats.Rounds;
                    await sender.SendChosenAsync(new Block128[100], new Block128[100]);
                    await sender.SendCorrelatedAsync(new ulong[200], 2, new ulong[200]);
                    return before;
                },
                async n =>
                {
                    await receiver.ReceiveCorrelatedBlocksAsync(choices, new Block128[100]);
                    await receiver.ReceiveRandomAsync(choices, new Block128[100]);
                    await receiver.ReceiveChosenAsync(choices, new Block128[100]);
                    await receiver.ReceiveCorrelatedAsync(choices, 2, new ulong[200]);
                    return n.Stats.Rounds;
                });
            Assert.Equal(2, before);
            Assert.Equal(6, after);
            Assert.Equal(6, networks[0].Stats.Rounds);
        }
        finally
        {
            sender.Dispose();
            receiver.Dispose();
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    [Fact]
    public void Iknp_RefusesBadArguments()
    {
        var networks = MemoryPair();
        var (sender, receiver) = DealtPair(networks, 9);
        using (sender)
        using (receiver)
        {
            Assert.Throws<ArgumentException>(() => { _ = sender.SendRandomAsync(new Block128[3], new Block128[4]); });
            Assert.Throws<ArgumentException>(() => { _ = sender.SendCorrelatedAsync(new ulong[6], 4, new ulong[8]); });
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = sender.SendCorrelatedAsync(new ulong[6], 0, new ulong[6]); });
            Assert.Throws<ArgumentException>(() => { _ = receiver.ReceiveChosenAsync(new ulong[1], new Block128[65]); });
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = IknpSender.CreateAsync(networks[0], 0, Tag, Prg(1, 1)); });
            Assert.Throws<ArgumentOutOfRangeException>(
                () => { _ = IknpSender.CreateAsync(networks[0], 1, Tag, Prg(1, 1), softSpokenBits: 3); });
            Assert.Throws<ArgumentOutOfRangeException>(
                () => { _ = IknpReceiver.CreateAsync(networks[1], 0, Tag, Prg(1, 1), softSpokenBits: 16); });
        }
    }
}

using FsCheck;
using FsCheck.Fluent;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Tests.Protocols.ObliviousTransfer;

/// <summary>Two-party plumbing for OT tests: in-memory pairs, dealt base OTs, random inputs.</summary>
internal static class OtHarness
{
    public static readonly StreamTag Tag = new(0x0600_0001);

    public static IPartyNetwork[] MemoryPair() => InMemoryNetwork.CreateCluster(2, TimeSpan.FromSeconds(30));

    /// <summary>A deterministic PRG for test inputs.</summary>
    public static AesCtrPrg Prg(int seed, int stream)
    {
        var key = new byte[16];
        BitConverter.TryWriteBytes(key.AsSpan(0, 4), seed);
        BitConverter.TryWriteBytes(key.AsSpan(4, 4), stream);
        return new AesCtrPrg(key);
    }

    /// <summary>
    /// Runs party 0 and party 1 concurrently. A party that throws aborts its network, so the other fails at once
    /// (naming it) instead of waiting for its receive deadline; the first failure is rethrown with its party.
    /// </summary>
    public static async Task<(T0, T1)> RunPairAsync<T0, T1>(IPartyNetwork[] networks, Func<IPartyNetwork, Task<T0>> party0,
        Func<IPartyNetwork, Task<T1>> party1)
    {
        var first = Task.Run(() => Guard(networks[0], party0));
        var second = Task.Run(() => Guard(networks[1], party1));
        try
        {
            await Task.WhenAll(first, second);
        }
        catch
        {
            var failed = first.IsFaulted ? (0, first.Exception!.InnerException!) : (1, second.Exception!.InnerException!);
            throw new Xunit.Sdk.XunitException($"party {failed.Item1} failed: {failed.Item2}");
        }
        return (first.Result, second.Result);

        static async Task<T> Guard<T>(IPartyNetwork network, Func<IPartyNetwork, Task<T>> party)
        {
            try
            {
                return await party(network);
            }
            catch (Exception ex)
            {
                await network.AbortAsync($"test party failed with {ex.GetType().Name}");
                throw;
            }
        }
    }

    /// <summary>
    /// An IKNP pair (sender = party 0, receiver = party 1) whose base OTs are dealt from <paramref name="seed"/>; with
    /// <paramref name="softSpokenBits"/> &gt; 1 a SoftSpoken pair, its GGM message handed over directly.
    /// </summary>
    public static (IknpSender Sender, IknpReceiver Receiver) DealtPair(IPartyNetwork[] networks, int seed, StreamTag? tag = null,
        int softSpokenBits = 1)
    {
        using var prg = Prg(seed, 99);
        var keys0 = new Block128[128];
        var keys1 = new Block128[128];
        prg.Fill<Block128>(keys0);
        prg.Fill<Block128>(keys1);
        Span<Block128> deltaSpan = stackalloc Block128[1];
        prg.Fill(deltaSpan);
        Block128 delta = deltaSpan[0];
        var chosen = new Block128[128];
        for (int i = 0; i < 128; i++)
        {
            bool bit = ((i < 64 ? delta.Low >> i : delta.High >> (i - 64)) & 1) != 0;
            chosen[i] = bit ? keys1[i] : keys0[i];
        }
        var setup = new Block128[Mpc.Protocols.ObliviousTransfer.Internal.SoftSpoken.SetupBlocks(softSpokenBits)];
        var receiver = IknpReceiver.FromBaseOts(networks[1], 0, tag ?? Tag, keys0, keys1, softSpokenBits, setup);
        return (IknpSender.FromBaseOts(networks[0], 1, tag ?? Tag, delta, chosen, softSpokenBits, setup), receiver);
    }

    /// <summary>SoftSpoken's k: 1 (IKNP), 2, 4 or 8.</summary>
    public static Arbitrary<int> SoftSpokenBits() => Arb.From(Gen.Elements(1, 2, 4, 8));

    public static ulong[] RandomChoices(AesCtrPrg prg, int count)
    {
        // One spare word of random bits past the end checks that bits beyond the last OT are ignored.
        var choices = new ulong[(count + 63) / 64 + 1];
        prg.Fill<ulong>(choices);
        return choices;
    }

    public static bool Choice(ulong[] choices, int j) => ((choices[j / 64] >> (j % 64)) & 1) != 0;

    public static Block128[] RandomBlocks(AesCtrPrg prg, int count)
    {
        var blocks = new Block128[count];
        prg.Fill<Block128>(blocks);
        return blocks;
    }

    /// <summary>Batch sizes 1..5000, biased towards the edges of 64-bit words and 128-OT blocks.</summary>
    public static Arbitrary<(int Count, int Seed)> Batches() => Arb.From(
        from count in Gen.Frequency(
            (3, Gen.Choose(1, 5000)),
            (1, Gen.Elements(1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 1000, 4999, 5000)))
        from seed in Gen.Choose(0, int.MaxValue)
        select (count, seed));
}

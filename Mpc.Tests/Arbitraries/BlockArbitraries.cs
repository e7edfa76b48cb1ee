using FsCheck;
using FsCheck.Fluent;
using Mpc.Core.Blocks;

namespace Mpc.Tests.Arbitraries;

/// <summary>
/// Generators for 128-bit blocks: uniformly random halves (FsCheck's own integers cluster near zero),
/// with the edge values 0, 1, 2^63 and 2^64 - 1 mixed in.
/// </summary>
public static class BlockArbitraries
{
    /// <summary>A 64-bit value: usually uniform, sometimes an edge value.</summary>
    public static Gen<ulong> UInt64 { get; } = Gen.Frequency(
        (6, Gen.Four(Gen.Choose(0, 0xFFFF)).Select(t =>
            (uint)t.Item1 | ((ulong)(uint)t.Item2 << 16) | ((ulong)(uint)t.Item3 << 32) | ((ulong)(uint)t.Item4 << 48))),
        (1, Gen.Elements(0UL, 1UL, 1UL << 63, ulong.MaxValue)));

    /// <summary>Blocks with independent halves from <see cref="UInt64"/>.</summary>
    public static Arbitrary<Block128> Block128() =>
        Arb.From(Gen.Zip(UInt64, UInt64, (low, high) => new Block128(low, high)));
}

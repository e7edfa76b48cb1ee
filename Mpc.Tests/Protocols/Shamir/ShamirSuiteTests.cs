using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Protocols;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Shamir;

/// <summary>The arithmetic contract for Shamir over 2^127-1, N = 3..7, t = floor((N-1)/2).</summary>
public sealed class ShamirContract : ArithmeticContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) => new ShamirSuite<Mersenne127>(session);
    protected override int MinParties => 3;
}

/// <summary>The same contract with the smallest threshold, t = 1, for N = 3..7.</summary>
public sealed class ShamirThresholdOneContract : ArithmeticContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) => new ShamirSuite<Mersenne127>(session, threshold: 1);
    protected override int MinParties => 3;
}

/// <summary>The contract with Catrina-Saxena random-bit truncation masks (error at most one unit), N = 3..5.</summary>
public sealed class ShamirRandomBitsContract : ArithmeticContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) =>
        new ShamirSuite<Mersenne127>(session, truncation: ShamirTruncation.RandomBits);
    protected override int MinParties => 3;
    protected override int MaxParties => 5;
}

public sealed class ShamirSuiteTests
{
    [Fact]
    public void Shamir_RefusesTooFewPartiesOrTooHighAThreshold()
    {
        var tooFew = Assert.ThrowsAny<Exception>(() => LocalParties.Run(2, s => Task.FromResult(new ShamirSuite<Mersenne127>(s))));
        Assert.Contains("at least 3 parties", tooFew.Message);
        var tooHigh = Assert.ThrowsAny<Exception>(() => LocalParties.Run(4, s => Task.FromResult(new ShamirSuite<Mersenne127>(s, threshold: 2))));
        Assert.Contains("t < N/2", tooHigh.Message);
    }

    [Fact]
    public void Shamir_OpenDetectsAShareOffThePolynomial()
    {
        var ex = Assert.ThrowsAny<Exception>(() => LocalParties.Run(5, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var x = await suite.InputAsync(0, s.PartyId == 0 ? new[] { Mersenne127.One } : ReadOnlyMemory<Mersenne127>.Empty, 1);
            // Party 4 corrupts its share before opening.
            if (s.PartyId == 4) x = suite.AddPublic(x, [Mersenne127.One]);
            return await suite.OpenAsync(x);
        }));
        var inner = ex is AggregateException agg ? agg.Flatten().InnerExceptions.First(e => e is ShareReconstructionException) : ex;
        Assert.IsType<ShareReconstructionException>(inner);
        Assert.Contains("Party 4", inner.Message);
    }
}

using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Replicated;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Replicated;

/// <summary>The arithmetic contract for the replicated suite (two-round truncation): three parties only.</summary>
public sealed class ReplicatedContract : FixedPointContractTests<Z2kPair>
{
    protected override IArithmeticSuite<Z2kPair> CreateSuite(Session session) => new ReplicatedSuite(session);
    protected override int MinParties => 3;
    protected override int MaxParties => 3;
}

/// <summary>The same contract with one-round truncation, on masks made ahead.</summary>
public sealed class ReplicatedOneRoundContract : FixedPointContractTests<Z2kPair>
{
    protected override IArithmeticSuite<Z2kPair> CreateSuite(Session session) =>
        new ReplicatedSuite(session, ReplicatedTruncation.OneRound);
    protected override int MinParties => 3;
    protected override int MaxParties => 3;
}

namespace Mpc.Protocols.Preprocessing;

/// <summary>My XOR shares of packed AND triples: for every bit, c = a AND b. Used once.</summary>
public sealed record BinaryTriples(ulong[] A, ulong[] B, ulong[] C)
{
    /// <summary>The number of 64-bit words (64 triples each).</summary>
    public int Words => A.Length;
}

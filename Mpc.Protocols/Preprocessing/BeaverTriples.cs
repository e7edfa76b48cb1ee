using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>My shares of random triples c = a * b, elementwise (Beaver 1991). Each triple is used once.</summary>
public sealed record BeaverTriples<T>(T[] A, T[] B, T[] C) where T : unmanaged, IRing<T>
{
    /// <summary>The number of triples.</summary>
    public int Count => A.Length;
}

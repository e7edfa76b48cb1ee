using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// This party's shares of a vector of secret values. It never converts to plaintext by itself: opening
/// is a protocol step of the suite. <see cref="ToString"/> prints the length, never a share.
/// </summary>
/// <remarks>Immutable from the outside: operations return new vectors.</remarks>
public sealed class SharedVector<T> where T : unmanaged, IRing<T>
{
    internal readonly T[] Shares;

    internal SharedVector(T[] shares) => Shares = shares;

    /// <summary>Wraps shares a custom protocol computed. The caller vouches that they are shares in this suite.</summary>
    public static SharedVector<T> FromShares(ReadOnlySpan<T> shares) => new(shares.ToArray());

    /// <summary>The number of secret values.</summary>
    public int Length => Shares.Length;

    /// <summary>This party's shares, for custom protocols (never log them).</summary>
    public ReadOnlySpan<T> LocalShares => Shares;

    /// <inheritdoc />
    public override string ToString() => $"SharedVector<{typeof(T).Name}>[{Length}]";
}

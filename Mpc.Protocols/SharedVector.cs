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

    /// <summary>Elements [start, start + length) as a new shared vector.</summary>
    public SharedVector<T> Slice(int start, int length) => new(Shares.AsSpan(start, length).ToArray());

    /// <summary>Several shared vectors end to end.</summary>
    public static SharedVector<T> Concat(params ReadOnlySpan<SharedVector<T>> parts)
    {
        int total = 0;
        foreach (var p in parts) total += p.Length;
        var result = new T[total];
        int offset = 0;
        foreach (var p in parts)
        {
            p.Shares.CopyTo(result, offset);
            offset += p.Length;
        }
        return new(result);
    }

    /// <inheritdoc />
    public override string ToString() => $"SharedVector<{typeof(T).Name}>[{Length}]";
}

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

    // My shares of r x for an actively secure suite's MAC key r (null in every other suite, and for FromShares).
    internal readonly T[]? Macs;

    internal SharedVector(T[] shares) => Shares = shares;

    internal SharedVector(T[] shares, T[] macs)
    {
        Shares = shares;
        Macs = macs;
    }

    /// <summary>Wraps shares a custom protocol computed. The caller vouches that they are shares in this suite.</summary>
    public static SharedVector<T> FromShares(ReadOnlySpan<T> shares) => new(shares.ToArray());

    /// <summary>The number of secret values.</summary>
    public int Length => Shares.Length;

    /// <summary>This party's shares, for custom protocols (never log them).</summary>
    public ReadOnlySpan<T> LocalShares => Shares;

    /// <summary>
    /// The values [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) as a vector of their
    /// own: local, and in every suite (an actively secure suite's MACs come along).
    /// </summary>
    public SharedVector<T> Slice(int start, int length)
    {
        if (start < 0 || length < 0 || start > Length - length)
            throw new ArgumentOutOfRangeException(nameof(length),
                $"Values {start}..{start + length - 1} are not within the {Length} of this vector.");
        var shares = Shares.AsSpan(start, length).ToArray();
        return Macs is null ? new(shares) : new(shares, Macs.AsSpan(start, length).ToArray());
    }

    /// <summary>
    /// The values of <paramref name="parts"/> one after another: local, and in every suite (MACs come along when every
    /// part has them).
    /// </summary>
    public static SharedVector<T> Concat(params ReadOnlySpan<SharedVector<T>> parts)
    {
        int length = 0;
        bool macs = true;
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part, nameof(parts));
            length += part.Length;
            macs &= part.Macs is not null;
        }
        var shares = GC.AllocateUninitializedArray<T>(length);
        var allMacs = macs ? GC.AllocateUninitializedArray<T>(length) : null;
        int offset = 0;
        foreach (var part in parts)
        {
            part.Shares.CopyTo(shares, offset);
            part.Macs?.CopyTo(allMacs!, offset);
            offset += part.Length;
        }
        return allMacs is null ? new(shares) : new(shares, allMacs);
    }

    /// <summary>
    /// The values at <paramref name="indices"/>, in that order (repeats allowed): a local rearrangement, in every suite
    /// (MACs come along).
    /// </summary>
    public SharedVector<T> Select(ReadOnlySpan<int> indices)
    {
        var shares = GC.AllocateUninitializedArray<T>(indices.Length);
        var macs = Macs is null ? null : GC.AllocateUninitializedArray<T>(indices.Length);
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Length)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Index {i} selects value {index} of {Length}.");
            shares[i] = Shares[index];
            if (macs is not null) macs[i] = Macs![index];
        }
        return macs is null ? new(shares) : new(shares, macs);
    }

    /// <summary>
    /// This vector read as a <paramref name="rows"/> x <paramref name="columns"/> matrix (row-major), transposed: a local
    /// rearrangement, in every suite (MACs come along).
    /// </summary>
    public SharedVector<T> Transpose(int rows, int columns)
    {
        if (rows < 0 || columns < 0 || (long)rows * columns != Length)
            throw new ArgumentException($"{Length} values are not a {rows} x {columns} matrix.", nameof(rows));
        var indices = new int[Length];
        for (int c = 0; c < columns; c++)
            for (int r = 0; r < rows; r++) indices[c * rows + r] = r * columns + c;
        return Select(indices);
    }

    /// <summary>
    /// This vector read as a matrix of <paramref name="width"/> columns (row-major), its rows <paramref name="rows"/> in
    /// that order (repeats allowed): a local rearrangement, in every suite (MACs come along).
    /// </summary>
    public SharedVector<T> SelectRows(ReadOnlySpan<int> rows, int width)
    {
        var indices = new int[(long)rows.Length * width];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < width; j++) indices[i * width + j] = rows[i] * width + j;
        return Select(indices);
    }

    /// <summary>
    /// Every value <paramref name="times"/> times in a row (x0, x0, ..., x1, x1, ...): a local rearrangement, in every
    /// suite (MACs come along).
    /// </summary>
    public SharedVector<T> RepeatEach(int times)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        var indices = new int[(long)Length * times];
        for (int i = 0; i < Length; i++) indices.AsSpan(i * times, times).Fill(i);
        return Select(indices);
    }

    /// <summary>The sum of all the values, as a vector of one: local, in every suite (MACs come along).</summary>
    public SharedVector<T> Sum()
    {
        T sum = T.Zero, mac = T.Zero;
        foreach (var share in Shares) sum += share;
        if (Macs is null) return new([sum]);
        foreach (var m in Macs) mac += m;
        return new([sum], [mac]);
    }

    /// <inheritdoc />
    public override string ToString() => $"SharedVector<{typeof(T).Name}>[{Length}]";
}

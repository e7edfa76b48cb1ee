namespace Mpc.Protocols.Shamir.Internal;

/// <summary>
/// Pairs of sharings made ahead (wide degree 2t, narrow degree t: double sharings, or truncation masks) for operations
/// of one kind, handed out in order and never twice. A batch still being dealt hands out its slices at once (as
/// tasks), so that operations started together take them in program order at every party.
/// </summary>
internal sealed class PreparedPairs<T>(Task<(T[] Wide, T[] Narrow)> dealt, int size) where T : unmanaged
{
    private int _offset;

    /// <summary>Pairs already made.</summary>
    public PreparedPairs(T[] wide, T[] narrow) : this(Task.FromResult((wide, narrow)), wide.Length) { }

    /// <summary>The next <paramref name="length"/> pairs, if there are that many left.</summary>
    public bool TryTake(int length, out ValueTask<(T[] Wide, T[] Narrow)> pairs)
    {
        pairs = default;
        if (size - _offset < length) return false;
        pairs = SliceAsync(_offset, length);
        _offset += length;
        return true;
    }

    private async ValueTask<(T[] Wide, T[] Narrow)> SliceAsync(int offset, int length)
    {
        var (wide, narrow) = await dealt.ConfigureAwait(false);
        return (wide.AsSpan(offset, length).ToArray(), narrow.AsSpan(offset, length).ToArray());
    }
}

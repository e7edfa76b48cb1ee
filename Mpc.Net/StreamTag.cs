namespace Mpc.Net;

/// <summary>
/// Names one logical stream of frames on a link, so several sub-protocols can share it.
/// The protocol layer derives tags deterministically (every party computes the same tag for the
/// same message without talking); the network only demultiplexes on the value.
/// </summary>
/// <param name="Value">The tag as it travels in the frame header.</param>
public readonly record struct StreamTag(uint Value)
{
    /// <inheritdoc />
    public override string ToString() => $"0x{Value:x8}";
}

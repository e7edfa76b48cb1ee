namespace Mpc.Protocols.Garbling.Internal;

/// <summary>
/// The refill rule both sides of a pool of random correlated OTs follow, so they refill at the same calls by the same
/// amounts without talking: when a call needs more OTs than are left, run one IKNP batch of at least
/// <see cref="Batch"/> (Beaver's OT precomputation: the batch's cost is paid once for many small circuits, and calls
/// that the pool covers send nothing on the OT tag).
/// </summary>
internal static class CotPool
{
    /// <summary>Fewest OTs per refill.</summary>
    public const int Batch = 4096;

    /// <summary>OTs to add before taking <paramref name="needed"/> when <paramref name="available"/> are left (0: none).</summary>
    public static int RefillSize(int available, int needed) => needed <= available ? 0 : Math.Max(needed - available, Batch);
}

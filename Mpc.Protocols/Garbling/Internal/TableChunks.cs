namespace Mpc.Protocols.Garbling.Internal;

/// <summary>
/// How the garbled tables of one circuit are cut into frames: chunk k holds min(2^(11+k), 2^16) AND gates (64 KiB
/// growing to 2 MiB), so the evaluator starts early on small circuits and frames stay large on big ones. Both parties
/// derive the same cuts from the AND count.
/// </summary>
internal static class TableChunks
{
    public const int FirstAnds = 1 << 11;
    public const int MaxAnds = 1 << 16;

    /// <summary>AND gates in chunk <paramref name="k"/> of a circuit with <paramref name="remaining"/> AND gates left.</summary>
    public static int Ands(int k, int remaining) => Math.Min(remaining, k >= 5 ? MaxAnds : FirstAnds << k);

    /// <summary>The largest chunk of a circuit with <paramref name="andCount"/> AND gates (buffer size in gates).</summary>
    public static int Largest(int andCount)
    {
        int largest = 0;
        for (int k = 0, done = 0; done < andCount; k++)
        {
            int n = Ands(k, andCount - done);
            largest = Math.Max(largest, n);
            done += n;
            if (n == MaxAnds) break;
        }
        return largest;
    }
}

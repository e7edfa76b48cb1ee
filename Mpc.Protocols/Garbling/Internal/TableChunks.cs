namespace Mpc.Protocols.Garbling.Internal;

/// <summary>
/// How the garbled tables of one circuit are cut into frames: chunk k holds min(2^(11+k), 2^16) AND gates (64 KiB
/// growing to 2 MiB), so the evaluator starts early on small circuits and frames stay large on big ones. Both parties
/// derive the same cuts from the AND count. Flow control: the evaluator acknowledges a chunk with one byte when it
/// takes it, and the garbler sends chunk k only after the acknowledgement of chunk k - <see cref="AckWindow"/>, so a
/// slow evaluator never has more than a few chunks queued (the transport's inbox is unbounded).
/// </summary>
internal static class TableChunks
{
    public const int FirstAnds = 1 << 11;
    public const int MaxAnds = 1 << 16;

    /// <summary>Chunks the garbler may send ahead of the evaluator's acknowledgements.</summary>
    public const int AckWindow = 4;

    /// <summary>Number of chunks of a circuit with <paramref name="andCount"/> AND gates.</summary>
    public static int Count(int andCount)
    {
        int chunks = 0;
        for (int done = 0; done < andCount; chunks++) done += Ands(chunks, andCount - done);
        return chunks;
    }

    /// <summary>
    /// Whether the evaluator acknowledges chunk <paramref name="k"/> of <paramref name="chunks"/>: only those the garbler waits for.
    /// </summary>
    public static bool Acknowledged(int k, int chunks) => k + AckWindow < chunks;

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

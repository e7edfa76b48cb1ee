using Mpc.Core;
using Mpc.Core.Random;

namespace Mpc.Protocols.SetIntersection;

/// <summary>
/// Cuckoo hashing with three functions into 1.5 bins per item (Pagh and Rodler, 2004; as in KKRT and circuit PSI): one
/// party places each of its items in one of its three candidate bins, every bin holding at most one; the other parties
/// place each of theirs in all three (simple hashing), so that equal items share a bin. Items are given as two 64-bit
/// words each (a random-oracle digest of the item); the functions are a 64-bit mix of the words, the function index and
/// a public seed.
/// </summary>
internal static class CuckooHashing
{
    /// <summary>Candidate bins per item.</summary>
    public const int Functions = 3;

    /// <summary>
    /// The bound on the failure probability of simple hashing's capacity (<see cref="Capacity"/>), as a power of two.
    /// </summary>
    public const int CapacitySecurity = 40;

    private const int MaxEvictions = 1000;

    /// <summary>Bins for n items: 1.5 per item, a multiple of 128, at least 128.</summary>
    public static int BinCount(long n) => (int)Math.Max(128, Math.Ceiling(1.5 * n / 128) * 128);

    /// <summary>Bin of item i (words 2i and 2i + 1 of <paramref name="words"/>) under function f and the seed, out of m.</summary>
    public static int Bin(ulong[] words, int i, int f, ulong seed, int m)
    {
        ulong x = words[2 * i] + (ulong)f * words[2 * i + 1] + seed * 0x9E3779B97F4A7C15UL + (ulong)f * 0xD1B54A32D192ED03UL;
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (int)((UInt128)x * (ulong)m >> 64);
    }

    /// <summary>
    /// Cuckoo hashing (random-walk eviction) of n items into m bins under the first seed that places them all: the bin's
    /// item (or -1) and the function that put it there.
    /// </summary>
    public static (ulong Seed, int[] Table, int[] Function) Table(ulong[] words, int n, int m)
    {
        using var walk = new AesCtrPrg(new byte[AesCtrPrg.SeedSize]); // eviction choices only: public, like the seed
        for (ulong seed = 0; ; seed++)
        {
            var table = new int[m];
            var function = new int[m];
            Array.Fill(table, -1);
            bool placed = true;
            for (int i = 0; i < n && placed; i++)
            {
                int item = i, from = -1;
                placed = false;
                for (int step = 0; step < MaxEvictions; step++)
                {
                    int empty = -1;
                    for (int f = 0; f < Functions && empty < 0; f++)
                        if (table[Bin(words, item, f, seed, m)] < 0) empty = f;
                    int choice = empty >= 0 ? empty : (int)(walk.NextUInt64() % Functions);
                    int b = Bin(words, item, choice, seed, m);
                    if (empty < 0 && b == from) choice = (choice + 1) % Functions;
                    b = Bin(words, item, choice, seed, m);
                    (int evicted, table[b], function[b]) = (table[b], item, choice);
                    if (evicted < 0)
                    {
                        placed = true;
                        break;
                    }
                    (item, from) = (evicted, b);
                }
            }
            if (placed) return (seed, table, function);
            if (seed == MaxSeed) throw new MpcException("Cuckoo hashing failed 17 times in a row; the id hashes are not random.");
        }
    }

    /// <summary>The last seed <see cref="Table"/> tries.</summary>
    public const ulong MaxSeed = 16;

    /// <summary>
    /// Simple hashing: each item in each of its distinct candidate bins, at most <paramref name="capacity"/> per bin;
    /// the bins' items in slot order (-1 for an empty slot), or null when a bin overflows.
    /// </summary>
    public static int[]? Simple(ulong[] words, int n, int m, ulong seed, int capacity)
    {
        var slots = new int[(long)m * capacity];
        Array.Fill(slots, -1);
        var load = new int[m];
        Span<int> chosen = stackalloc int[Functions];
        for (int i = 0; i < n; i++)
        {
            for (int f = 0; f < Functions; f++)
            {
                int b = Bin(words, i, f, seed, m);
                chosen[f] = b;
                if (chosen[..f].Contains(b)) continue;
                if (load[b] == capacity) return null;
                slots[(long)b * capacity + load[b]++] = i;
            }
        }
        return slots;
    }

    /// <summary>
    /// The smallest per-bin capacity that simple hashing of n items (each in up to three bins) into m bins exceeds with
    /// probability at most 2^-<see cref="CapacitySecurity"/>: m times the binomial tail P[Bin(3n, 1/m) &gt; capacity], by the
    /// union bound over the bins. Public, from the set sizes alone.
    /// </summary>
    public static int Capacity(long n, int m)
    {
        long trials = Functions * n;
        double p = 1.0 / m, logP = Math.Log(p), logQ = double.LogP1(-p);
        double limit = -CapacitySecurity * Math.Log(2) - Math.Log(m);
        // log P[X = k] term by term; the tail P[X > c] summed from above until it is below the limit.
        for (int capacity = 1; capacity < trials; capacity++)
        {
            double tail = double.NegativeInfinity;
            double logTerm = LogBinomial(trials, capacity + 1) + (capacity + 1) * logP + (trials - capacity - 1) * logQ;
            for (long k = capacity + 1; k <= trials; k++)
            {
                tail = LogAdd(tail, logTerm);
                double next = logTerm + Math.Log((double)(trials - k) / (k + 1)) + logP - logQ;
                if (next < tail - 50) break;
                logTerm = next;
            }
            if (tail <= limit) return capacity;
        }
        return (int)Math.Min(trials, int.MaxValue);
    }

    private static double LogBinomial(long n, long k)
    {
        double sum = 0;
        for (long i = 0; i < k; i++) sum += Math.Log((double)(n - i) / (i + 1));
        return sum;
    }

    private static double LogAdd(double a, double b) =>
        double.IsNegativeInfinity(a) ? b : Math.Max(a, b) + double.LogP1(Math.Exp(-Math.Abs(a - b)));
}

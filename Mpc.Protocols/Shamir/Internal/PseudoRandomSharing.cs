using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Core.Sharing;
using Mpc.Net;

namespace Mpc.Protocols.Shamir.Internal;

/// <summary>
/// Pseudo-random secret sharing (Cramer, Damgard and Ishai, TCC 2005): after one round that hands out keys, the
/// parties make Shamir sharings of fresh random values, and pseudo-random sharings of zero, with no communication.
/// Used for DN07 double sharings: [r]_t from PRSS and [r]_2t = [r]_t + a degree-2t sharing of zero.
/// </summary>
/// <remarks>
/// For every set A of n - t parties there is a key k_A known to the members of A only (the lowest member draws it
/// and sends it to the others over the authenticated, encrypted links). With f_A the degree-t polynomial with
/// f_A(0) = 1 and f_A(x_j) = 0 for every j outside A, party i's share of r is the sum over A containing i of
/// psi_A f_A(x_i), where psi_A is drawn from a PRG keyed by k_A and the operation's tag; its share of zero adds
/// psi_A,l x_i^l f_A(x_i) for l = 1..t. Any t parties miss at least one key (the set of the others), so r and the
/// zero sharing's higher coefficients stay pseudo-random to them. Semi-honest, t &lt; n/2. C(n, t) keys in all.
/// </remarks>
internal sealed class PseudoRandomSharing<T> where T : unmanaged, IFiniteField<T>
{
    private readonly byte[][] _keys;      // my keys, one per set containing me, in set order
    private readonly T[] _weights;        // f_A(x_me)
    private readonly T[] _zeroWeights;    // x_me^l f_A(x_me), set-major, l = 1..t
    private readonly int _threshold;

    private PseudoRandomSharing(byte[][] keys, T[] weights, T[] zeroWeights, int threshold)
    {
        _keys = keys;
        _weights = weights;
        _zeroWeights = zeroWeights;
        _threshold = threshold;
    }

    /// <summary>
    /// Hands out the keys: one round, one message to each peer that shares a set with me in which one of us is the lowest member.
    /// </summary>
    public static async Task<PseudoRandomSharing<T>> EstablishAsync(Session session, int threshold, StreamTag tag, CancellationToken ct)
    {
        int n = session.PartyCount, me = session.PartyId;
        var sets = Sets(n, n - threshold).Where(set => set.Contains(me)).ToArray();
        var keys = new byte[sets.Length][];
        var outgoing = new Dictionary<int, List<byte>>();
        var incoming = new Dictionary<int, List<int>>(); // peer -> indices of my sets whose key it sends
        for (int s = 0; s < sets.Length; s++)
        {
            int lowest = sets[s][0];
            if (lowest == me)
            {
                keys[s] = new byte[AesCtrPrg.SeedSize];
                session.Random.Fill(keys[s]);
                foreach (int member in sets[s].Skip(1))
                {
                    if (!outgoing.TryGetValue(member, out var bytes)) outgoing[member] = bytes = [];
                    bytes.AddRange(keys[s]);
                }
            }
            else
            {
                if (!incoming.TryGetValue(lowest, out var indices)) incoming[lowest] = indices = [];
                indices.Add(s);
            }
        }

        // One round: every key goes from its set's lowest member to the others.
        var network = session.Network;
        var sends = outgoing.Select(o => network.SendAsync(o.Key, tag, (ReadOnlyMemory<byte>)o.Value.ToArray(), ct).AsTask()).ToList();
        foreach (var (peer, indices) in incoming)
        {
            var message = new byte[indices.Count * AesCtrPrg.SeedSize];
            await network.ReceiveAsync(peer, tag, (Memory<byte>)message, ct).ConfigureAwait(false);
            for (int k = 0; k < indices.Count; k++) keys[indices[k]] = message.AsSpan(k * AesCtrPrg.SeedSize, AesCtrPrg.SeedSize).ToArray();
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
        network.CountRound();

        var x = ShamirScheme<T>.EvaluationPoint(me);
        var weights = new T[sets.Length];
        var zeroWeights = new T[sets.Length * threshold];
        for (int s = 0; s < sets.Length; s++)
        {
            // f_A(x) = product over j outside A of (x_j - x) / x_j.
            var f = T.One;
            for (int j = 0; j < n; j++)
            {
                if (sets[s].Contains(j)) continue;
                var xj = ShamirScheme<T>.EvaluationPoint(j);
                f *= (xj - x) * T.Inverse(xj);
            }
            weights[s] = f;
            var power = x;
            for (int l = 0; l < threshold; l++, power *= x) zeroWeights[s * threshold + l] = power * f;
        }
        return new PseudoRandomSharing<T>(keys, weights, zeroWeights, threshold);
    }

    /// <summary>Elements drawn and combined per pass: every PRG stream's draws for a chunk stay in cache.</summary>
    private const int Chunk = 1024;

    /// <summary>
    /// My shares of a fresh random r with degree 2t (<c>Wide</c>) and degree t (<c>Narrow</c>), for
    /// <paramref name="length"/> values. Local. Chunk by chunk, each set's PRG draws psi_A then psi_A,1..t, and the
    /// weighted sums are formed in one pass each (<see cref="VectorMath.LinearCombination{T}"/>).
    /// </summary>
    public (T[] Wide, T[] Narrow) DoubleRandoms(int length, StreamTag purpose)
    {
        var narrow = GC.AllocateUninitializedArray<T>(length);
        var wide = GC.AllocateUninitializedArray<T>(length);
        int sets = _keys.Length, t = _threshold;
        Span<byte> info = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(info, purpose.Value);
        var prgs = new AesCtrPrg[sets];
        try
        {
            for (int s = 0; s < sets; s++) prgs[s] = AesCtrPrg.Derive(_keys[s], "mpc-prss"u8, info);
            // Term-major draws of one chunk: psi_A for every set first (the narrow sharing's terms), then psi_A,l.
            var draws = new T[sets * (1 + t) * Chunk];
            var zero = new T[Chunk];
            for (int start = 0; start < length; start += Chunk)
            {
                int c = Math.Min(Chunk, length - start);
                var terms = draws.AsSpan(0, sets * (1 + t) * c);
                for (int s = 0; s < sets; s++)
                {
                    prgs[s].FillUniform<T>(terms.Slice(s * c, c));
                    for (int l = 0; l < t; l++) prgs[s].FillUniform<T>(terms.Slice((sets + s * t + l) * c, c));
                }
                var narrowPart = narrow.AsSpan(start, c);
                VectorMath.LinearCombination<T>(terms[..(sets * c)], _weights, narrowPart);
                VectorMath.LinearCombination<T>(terms[(sets * c)..], _zeroWeights, zero.AsSpan(0, c));
                VectorMath.Add<T>(zero.AsSpan(0, c), narrowPart, wide.AsSpan(start, c));
            }
        }
        finally
        {
            foreach (var prg in prgs) prg?.Dispose();
        }
        return (wide, narrow);
    }

    /// <summary>My degree-t shares of <paramref name="length"/> fresh random values. Local.</summary>
    public T[] Randoms(int length, StreamTag purpose)
    {
        var result = new T[length];
        int sets = _keys.Length;
        Span<byte> info = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(info, purpose.Value);
        var draws = new T[Math.Min(length, Chunk)];
        for (int s = 0; s < sets; s++)
        {
            using var prg = AesCtrPrg.Derive(_keys[s], "mpc-prss-single"u8, info);
            for (int start = 0; start < length; start += Chunk)
            {
                int c = Math.Min(Chunk, length - start);
                prg.FillUniform<T>(draws.AsSpan(0, c));
                VectorMath.AddScaled<T>(draws.AsSpan(0, c), _weights[s], result.AsSpan(start, c));
            }
        }
        return result;
    }

    /// <summary>
    /// My degree-t shares of <paramref name="length"/> values r = sum over the sets A of psi_A, each psi_A an integer
    /// uniform below 2^<paramref name="bits"/> drawn from k_A: r is below C(n, t) 2^bits whatever any t parties do (every
    /// set has a member outside them, who draws its psi_A from the key), and any t parties miss one psi_A (the set of
    /// the others), uniform below 2^bits. Local (Cramer, Damgard and Ishai's pseudo-random sharing of integers in a
    /// range, TCC 2005).
    /// </summary>
    public T[] BoundedRandoms(int length, int bits, StreamTag purpose)
    {
        if (bits < 1 || bits > 125) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Bounded randoms have 1 to 125 bits.");
        var result = new T[length];
        Span<byte> info = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(info, purpose.Value);
        var raw = new UInt128[Math.Min(length, Chunk)];
        var draws = new T[raw.Length];
        var mask = (UInt128.One << bits) - 1;
        for (int s = 0; s < _keys.Length; s++)
        {
            using var prg = AesCtrPrg.Derive(_keys[s], "mpc-prss-bounded"u8, info);
            for (int start = 0; start < length; start += Chunk)
            {
                int c = Math.Min(Chunk, length - start);
                prg.Fill<UInt128>(raw.AsSpan(0, c));
                for (int i = 0; i < c; i++) draws[i] = T.FromInt128((Int128)(raw[i] & mask));
                VectorMath.AddScaled<T>(draws.AsSpan(0, c), _weights[s], result.AsSpan(start, c));
            }
        }
        return result;
    }

    /// <summary>
    /// My shares of a sharing of zero of degree 2t for <paramref name="length"/> values: sum over the sets A containing
    /// me of psi_A,l x_me^l f_A(x_me), l = 1..t (the zero part of <see cref="DoubleRandoms"/>). Local.
    /// </summary>
    public T[] WideZeros(int length, StreamTag purpose)
    {
        var result = new T[length];
        int sets = _keys.Length, t = _threshold;
        Span<byte> info = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(info, purpose.Value);
        var draws = new T[t * Math.Min(length, Chunk)];
        var term = new T[Math.Min(length, Chunk)];
        for (int s = 0; s < sets; s++)
        {
            using var prg = AesCtrPrg.Derive(_keys[s], "mpc-prss-zero"u8, info);
            for (int start = 0; start < length; start += Chunk)
            {
                int c = Math.Min(Chunk, length - start);
                prg.FillUniform<T>(draws.AsSpan(0, t * c));
                VectorMath.LinearCombination<T>(draws.AsSpan(0, t * c), _zeroWeights.AsSpan(s * t, t), term.AsSpan(0, c));
                VectorMath.Add<T>(result.AsSpan(start, c), term.AsSpan(0, c), result.AsSpan(start, c));
            }
        }
        return result;
    }

    // Every subset of {0..n-1} of the given size, members ascending, in lexicographic order.
    private static List<int[]> Sets(int n, int size)
    {
        var result = new List<int[]>();
        var current = new int[size];
        void Choose(int start, int depth)
        {
            if (depth == size)
            {
                result.Add((int[])current.Clone());
                return;
            }
            for (int i = start; i <= n - (size - depth); i++)
            {
                current[depth] = i;
                Choose(i + 1, depth + 1);
            }
        }
        Choose(0, 0);
        return result;
    }
}

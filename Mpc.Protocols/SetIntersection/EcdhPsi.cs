using System.Buffers.Binary;
using System.Security.Cryptography;
using Mpc.Core;
using Mpc.Net;

namespace Mpc.Protocols.SetIntersection;

/// <summary>
/// Private set intersection of N parties' id sets by commutative Diffie-Hellman blinding (Meadows 1986; Huberman,
/// Franklin and Hogg 1999; as SecretFlow's ECDH-PSI) over Curve25519: each id is hashed to the curve
/// (<see cref="HashToCurve25519"/>) and raised to every party's secret X25519 scalar in turn, so that equal ids, and
/// only they, meet as equal points; the leader intersects the fully blinded sets and returns the intersection, sorted,
/// to everyone. Semi-honest security under the decisional Diffie-Hellman assumption in the random-oracle model.
/// </summary>
/// <remarks>
/// <para>Rounds: one exchange of set sizes; N hops around the ring (party i's set, sorted by value, goes to i + 1, which
/// adds its scalar and passes it on, until the last party returns it fully blinded to i; all N sets travel at once,
/// chunk by chunk); the fully blinded sets, sorted, to the leader; the intersection back. Work per party: one hash and
/// N scalar multiplications per id of its own set's size, spread over every set.</para>
/// <para>What each party learns: every party's set size; which of its own rows are in the intersection, and their
/// common order (by blinded value, unrelated to the ids). Everything else it sees is blinded by a scalar it does not
/// hold: uniform points to it. The leader also sees every party's fully blinded set, so it learns, for each of its own
/// rows, which parties hold that id, and the size of every partial intersection; with two parties this is just the
/// intersection. Choose as leader the party the others trust with that (the label owner in vertical training).</para>
/// </remarks>
public sealed class EcdhPsi(Session session, int leader = 0, X25519Backend? backend = null)
{
    /// <summary>The longest id, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 1024;

    /// <summary>The domain separation tag of the hash to the curve.</summary>
    public static ReadOnlySpan<byte> Domain => "Mpc-PSI-V01-with-curve25519_XMD:SHA-512_ELL2_RO_"u8;

    private const int ChunkPoints = 1 << 15;
    private const int HashBlock = 512;
    private const int Bytes = X25519Backend.Bytes;
    private readonly X25519Backend _curve = backend ?? X25519Backend.Default;
    private IPartyNetwork Network => session.Network;

    /// <summary>
    /// The intersection of every party's <paramref name="ids"/>: this party's row of each, in the order every party
    /// shares. Ids must be non-empty, distinct and at most <see cref="MaxIdBytes"/> long.
    /// </summary>
    /// <exception cref="InvalidIdException">One of this party's ids is not usable (every other party fails too).</exception>
    /// <exception cref="MpcException">Another party's ids are not usable, or a party has none.</exception>
    public async Task<IntersectionResult> IntersectAsync(IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        int n = session.PartyCount, me = session.PartyId;
        if (leader < 0 || leader >= n) throw new ArgumentOutOfRangeException(nameof(leader), $"No party {leader} among {n}.");
        var (encoded, sizes) = await PsiInputs.PrepareAsync(session, ids, MaxIdBytes, ct).ConfigureAwait(false);
        var hopTags = Enumerable.Range(0, n + 1).Select(_ => session.NextTag()).ToArray();
        StreamTag gatherTag = session.NextTag(), resultTag = session.NextTag();

        // My set in a random order (so its order says nothing of my rows), hashed, blinded with my scalar and sent on,
        // chunk by chunk, while the other sets pass through.
        var scalar = RandomNumberGenerator.GetBytes(Bytes);
        try
        {
            var sentOrder = Enumerable.Range(0, encoded.Length).ToArray();
            RandomNumberGenerator.Shuffle(sentOrder.AsSpan());
            int next = (me + 1) % n, previous = (me + n - 1) % n;
            var sending = Task.Run(() => SendOwnAsync(encoded, sentOrder, scalar, next, hopTags[1], ct), ct);
            for (int hop = 1; hop < n; hop++)
                await RelayAsync(previous, next, hopTags[hop], hopTags[hop + 1], (int)sizes[(me - hop + n) % n], scalar, ct)
                    .ConfigureAwait(false);
            var blinded = new byte[encoded.Length * Bytes];
            await ReceiveAsync(previous, hopTags[n], blinded, ct).ConfigureAwait(false);
            await sending.ConfigureAwait(false);
            Network.CountRound();

            // Fully blinded, sorted again; row of each: the row behind the sent position.
            var blindedOrder = SortPoints(blinded);
            var rows = blindedOrder.Select(position => sentOrder[position]).ToArray();
            byte[] intersection = me == leader
                ? await IntersectAtLeaderAsync(blinded, sizes, gatherTag, resultTag, ct).ConfigureAwait(false)
                : await SendToLeaderAsync(blinded, gatherTag, resultTag, ct).ConfigureAwait(false);
            return new IntersectionResult(MyRows(intersection, blinded, rows), sizes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    // My ids in the sent order, hashed and blinded a chunk at a time.
    private async Task SendOwnAsync(byte[][] encoded, int[] order, byte[] scalar, int to, StreamTag tag, CancellationToken ct)
    {
        var chunk = new byte[Math.Min(encoded.Length, ChunkPoints) * Bytes];
        for (int first = 0; first < encoded.Length; first += ChunkPoints)
        {
            int length = Math.Min(ChunkPoints, encoded.Length - first);
            // Blocks of ids hashed together (one inversion per block), the blocks on every core.
            int start = first;
            Parallel.For(0, (length + HashBlock - 1) / HashBlock, block =>
            {
                int from = block * HashBlock, count = Math.Min(HashBlock, length - from);
                var messages = new byte[count][];
                for (int i = 0; i < count; i++) messages[i] = encoded[order[start + from + i]];
                HashToCurve25519.HashMany(messages, Domain, chunk.AsSpan(from * Bytes, count * Bytes));
            });
            if (!_curve.Multiply(scalar, chunk, 0, length, chunk))
                throw new CryptographicException("An id hashed to a point of small order (probability 2^-250).");
            await Network.SendAsync(to, tag, chunk.AsMemory(0, length * Bytes), ct).ConfigureAwait(false);
        }
    }

    // A set passing through: each chunk from the previous party gets my scalar and goes to the next one.
    private async Task RelayAsync(int from, int to, StreamTag inTag, StreamTag outTag, int count, byte[] scalar, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(count, ChunkPoints) * Bytes];
        var output = new byte[buffer.Length];
        for (int first = 0; first < count; first += ChunkPoints)
        {
            int length = Math.Min(ChunkPoints, count - first);
            await Network.ReceiveAsync(from, inTag, buffer.AsMemory(0, length * Bytes), ct).ConfigureAwait(false);
            if (!_curve.Multiply(scalar, buffer, 0, length, output))
                throw new MpcException($"Party {from} sent a point of small order in the intersection's blinding; no honest party does.");
            await Network.SendAsync(to, outTag, output.AsMemory(0, length * Bytes), ct).ConfigureAwait(false);
        }
        Network.CountRound();
    }

    private async Task SendAsync(int to, StreamTag tag, byte[] points, CancellationToken ct)
    {
        for (int first = 0; first < points.Length; first += ChunkPoints * Bytes)
            await Network.SendAsync(to, tag, points.AsMemory(first, Math.Min(ChunkPoints * Bytes, points.Length - first)), ct)
                .ConfigureAwait(false);
    }

    private async Task ReceiveAsync(int from, StreamTag tag, byte[] points, CancellationToken ct)
    {
        for (int first = 0; first < points.Length; first += ChunkPoints * Bytes)
            await Network.ReceiveAsync(from, tag, points.AsMemory(first, Math.Min(ChunkPoints * Bytes, points.Length - first)), ct)
                .ConfigureAwait(false);
    }

    private async Task<byte[]> SendToLeaderAsync(byte[] blinded, StreamTag gatherTag, StreamTag resultTag, CancellationToken ct)
    {
        await SendAsync(leader, gatherTag, blinded, ct).ConfigureAwait(false);
        var count = new byte[sizeof(long)];
        await Network.ReceiveAsync(leader, resultTag, count, ct).ConfigureAwait(false);
        long size = BinaryPrimitives.ReadInt64LittleEndian(count);
        if (size < 0 || size > blinded.Length / Bytes)
            throw new MpcException(
                $"Party {leader} announced an intersection of {size} ids, more than this party's {blinded.Length / Bytes}.");
        var intersection = new byte[size * Bytes];
        await ReceiveAsync(leader, resultTag, intersection, ct).ConfigureAwait(false);
        Network.CountRound();
        return intersection;
    }

    // Every other party's sorted set merged with mine; the common values go back to everyone.
    private async Task<byte[]> IntersectAtLeaderAsync(byte[] blinded, long[] sizes, StreamTag gatherTag, StreamTag resultTag,
        CancellationToken ct)
    {
        int n = session.PartyCount;
        var sets = new byte[n][];
        sets[leader] = blinded;
        await Task.WhenAll(Enumerable.Range(0, n).Where(p => p != leader).Select(p =>
        {
            sets[p] = new byte[sizes[p] * Bytes];
            return ReceiveAsync(p, gatherTag, sets[p], ct);
        })).ConfigureAwait(false);
        for (int p = 0; p < n; p++)
            if (p != leader && !IsSorted(sets[p]))
                throw new MpcException($"Party {p} sent its blinded set out of order; an honest party sorts it.");
        var common = sets[leader];
        for (int p = 0; p < n; p++)
            if (p != leader) common = Intersect(common, sets[p]);
        var count = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(count, common.Length / Bytes);
        await Task.WhenAll(Enumerable.Range(0, n).Where(p => p != leader).Select(async p =>
        {
            await Network.SendAsync(p, resultTag, count, ct).ConfigureAwait(false);
            await SendAsync(p, resultTag, common, ct).ConfigureAwait(false);
        })).ConfigureAwait(false);
        Network.CountRound();
        return common;
    }

    // This party's rows behind the intersection's values, walking both sorted lists once.
    private int[] MyRows(byte[] intersection, byte[] blinded, int[] rows)
    {
        var result = new int[intersection.Length / Bytes];
        int j = 0;
        for (int i = 0; i < result.Length; i++)
        {
            var value = intersection.AsSpan(i * Bytes, Bytes);
            while (j < rows.Length && blinded.AsSpan(j * Bytes, Bytes).SequenceCompareTo(value) < 0) j++;
            if (j == rows.Length || !blinded.AsSpan(j * Bytes, Bytes).SequenceEqual(value))
                throw new MpcException($"Party {leader} returned an intersection with a value outside this party's set.");
            result[i] = rows[j];
        }
        return result;
    }

    /// <summary>Sorts the 32-byte points in place (lexicographically); returns the original position of each.</summary>
    internal static int[] SortPoints(byte[] points)
    {
        int count = points.Length / Bytes;
        var keys = new SortKey[count];
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = SortKey.Of(points.AsSpan(i * Bytes, Bytes));
            order[i] = i;
        }
        Array.Sort(keys, order);
        for (int i = 0; i < count; i++) keys[i].Write(points.AsSpan(i * Bytes, Bytes));
        return order;
    }

    private static bool IsSorted(byte[] points)
    {
        for (int i = Bytes; i < points.Length; i += Bytes)
            if (points.AsSpan(i - Bytes, Bytes).SequenceCompareTo(points.AsSpan(i, Bytes)) >= 0) return false;
        return true;
    }

    private static byte[] Intersect(byte[] a, byte[] b)
    {
        using var common = new MemoryStream();
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            int order = a.AsSpan(i, Bytes).SequenceCompareTo(b.AsSpan(j, Bytes));
            if (order == 0)
            {
                common.Write(a, i, Bytes);
                i += Bytes;
                j += Bytes;
            }
            else if (order < 0) i += Bytes;
            else j += Bytes;
        }
        return common.ToArray();
    }

    // A point as four big-endian words: sorting these sorts the bytes lexicographically.
    private readonly record struct SortKey(ulong A, ulong B, ulong C, ulong D) : IComparable<SortKey>
    {
        public static SortKey Of(ReadOnlySpan<byte> point) => new(BinaryPrimitives.ReadUInt64BigEndian(point),
            BinaryPrimitives.ReadUInt64BigEndian(point[8..]), BinaryPrimitives.ReadUInt64BigEndian(point[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(point[24..]));

        public void Write(Span<byte> point)
        {
            BinaryPrimitives.WriteUInt64BigEndian(point, A);
            BinaryPrimitives.WriteUInt64BigEndian(point[8..], B);
            BinaryPrimitives.WriteUInt64BigEndian(point[16..], C);
            BinaryPrimitives.WriteUInt64BigEndian(point[24..], D);
        }

        public int CompareTo(SortKey other) => A != other.A ? A.CompareTo(other.A)
            : B != other.B ? B.CompareTo(other.B)
            : C != other.C ? C.CompareTo(other.C)
            : D.CompareTo(other.D);
    }
}

/// <summary>The intersection as one party sees it.</summary>
/// <param name="Rows">This party's row (index into its ids) of each common id, in the order every party shares.</param>
/// <param name="SetSizes">Every party's number of ids, by party id (revealed by the protocol).</param>
public sealed record IntersectionResult(int[] Rows, long[] SetSizes)
{
    /// <summary>The size of the intersection.</summary>
    public int Count => Rows.Length;
}

/// <summary>One of this party's ids cannot enter the intersection.</summary>
public sealed class InvalidIdException(int index, string reason) : MpcException($"id {index}: {reason}.")
{
    /// <summary>The id's position in the list given (its row).</summary>
    public int Index { get; } = index;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer;
using Mpc.Protocols.ObliviousTransfer.Internal;

namespace Mpc.Protocols.SetIntersection;

/// <summary>
/// Two-party private set intersection from oblivious transfer (Kolesnikov, Kumaresan, Rosulek and Trieu, "Efficient
/// Batched Oblivious PRF with Applications to Private Set Intersection", CCS 2016): the receiver cuckoo-hashes its ids
/// into bins (three hash functions, 1.5 bins per id); one oblivious PRF per bin comes from an IKNP-style extension of
/// 512 base OTs (Chou-Orlandi) whose choice rows are a 512-bit pseudorandom code of the bin's id; the sender evaluates
/// the PRF on each of its ids in each of its three candidate bins and sends the values, shuffled; the receiver finds
/// its own among them and tells the sender which of its values matched. Semi-honest; symmetric-key work per id
/// (SHA-2 and AES), no public-key operation but the 512 base OTs.
/// </summary>
/// <remarks>
/// <para>Rounds: the set sizes; the hash seed and bin count; the base OTs (two); the 512 code columns; the PRF values;
/// the matches. Sent: 64 bytes per bin by the receiver, 48 bytes per id by the sender.</para>
/// <para>What each party learns: both set sizes and the intersection, nothing else (the receiver's code columns are
/// masked by PRG output the sender cannot remove; the sender's PRF values for ids outside the intersection are
/// pseudorandom to the receiver). The cuckoo hashing retries with the next seed when an insertion fails (probability
/// about 2^-30 per attempt at 1.5 bins per id), and the seed it settled on is public.</para>
/// <para>The intersection's order is the ids' ordinal order, the same at both parties.</para>
/// </remarks>
public sealed class KkrtPsi(Session session, int receiver = 0)
{
    private const int Width = 512; // code bits: the base OTs
    private const int Groups = Width / BitMatrix.Rows;
    private const int CodeBytes = Width / 8;
    private const int Functions = CuckooHashing.Functions;
    private const int ValueBytes = 16;

    private IPartyNetwork Network => session.Network;

    /// <summary>A broken sender for the security tests: its secret s is 0, so its PRF values stop hiding its ids' bins.</summary>
    internal bool UnmaskedForTests { get; init; }

    /// <summary>This party's rows of the ids both parties hold, in ordinal order of the ids.</summary>
    /// <exception cref="InvalidIdException">One of this party's ids is unusable (the other party fails too).</exception>
    /// <exception cref="MpcException">The other party's ids are unusable, or a party has none.</exception>
    public async Task<IntersectionResult> IntersectAsync(IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        if (session.PartyCount != 2) throw new InvalidOperationException("KKRT PSI has two parties; use EcdhPsi for more.");
        if (receiver is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(receiver), "The receiver is party 0 or 1.");
        var (encoded, sizes) = await PsiInputs.PrepareAsync(session, ids, EcdhPsi.MaxIdBytes, ct).ConfigureAwait(false);
        var tags = new Tags(session.NextTag(), session.NextTag(), session.NextTag(), session.NextTag(), session.NextTag());
        var (codes, bins) = Digest(encoded);
        int[] rows = session.PartyId == receiver
            ? await ReceiveAsync(codes, bins, (int)sizes[1 - receiver], tags, ct).ConfigureAwait(false)
            : await SendAsync(codes, bins, tags, ct).ConfigureAwait(false);
        Array.Sort(rows, (a, b) => string.CompareOrdinal(ids[a], ids[b]));
        return new IntersectionResult(rows, sizes);
    }

    private sealed record Tags(StreamTag Table, StreamTag BaseOts, StreamTag Columns, StreamTag Values, StreamTag Matches);

    // The receiver: cuckoo table, code columns masked by the base OTs' PRG, PRF values found among the sender's.
    private async Task<int[]> ReceiveAsync(byte[] codes, ulong[] bins, int senderCount, Tags tags, CancellationToken ct)
    {
        int n = codes.Length / CodeBytes, sender = 1 - receiver;
        int m = CuckooHashing.BinCount(n);
        var (seed, table, function) = CuckooHashing.Table(bins, n, m);
        var header = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(header, seed);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), m);
        await Network.SendAsync(sender, tags.Table, header, ct).ConfigureAwait(false);

        // Base OTs, this party sending: key pairs (k0_i, k1_i).
        var keys0 = new Block128[Width];
        var keys1 = new Block128[Width];
        using (var random = AesCtrPrg.FromSystemRandom())
            await new ChouOrlandiSender(Network, sender, tags.BaseOts, random).SendRandomAsync(keys0, keys1, ct).ConfigureAwait(false);

        // Code rows (a random row for an empty bin) turned into columns; u^i = G(k0_i) ^ G(k1_i) ^ c^i.
        int columnBytes = m / 8;
        var codeRows = new byte[(long)m * CodeBytes];
        using (var filler = AesCtrPrg.FromSystemRandom())
        {
            for (int b = 0; b < m; b++)
            {
                if (table[b] >= 0) codes.AsSpan(table[b] * CodeBytes, CodeBytes).CopyTo(codeRows.AsSpan(b * CodeBytes, CodeBytes));
                else filler.Fill(codeRows.AsSpan(b * CodeBytes, CodeBytes));
            }
        }
        var t = new byte[(long)Width * columnBytes];
        var u = RowsToColumns(codeRows, m);
        Parallel.For(0, Width, i =>
        {
            var column = t.AsSpan(i * columnBytes, columnBytes);
            using (var g0 = new AesCtrPrg(Seed(keys0[i]))) g0.Fill(column);
            var mask = new byte[columnBytes];
            using (var g1 = new AesCtrPrg(Seed(keys1[i]))) g1.Fill(mask);
            var target = u.AsSpan(i * columnBytes, columnBytes);
            IknpCore.XorRow(target, column);
            IknpCore.XorRow(target, mask);
        });
        for (int i = 0; i < Width; i++)
            await Network.SendAsync(sender, tags.Columns, u.AsMemory(i * columnBytes, columnBytes), ct).ConfigureAwait(false);
        Network.CountRound();

        // My PRF value per occupied bin: H(b, t_b).
        var tRows = ColumnsToRows(t, m);
        var mine = new Dictionary<Block128, int>[Functions];
        for (int f = 0; f < Functions; f++) mine[f] = [];
        for (int b = 0; b < m; b++)
            if (table[b] >= 0) mine[function[b]][Prf(b, tRows.AsSpan(b * CodeBytes, CodeBytes))] = table[b];

        // The sender's values, function by function; a match names my row and the sender's position.
        var matches = new List<(int Row, int Position)>();
        var values = new byte[(long)senderCount * ValueBytes];
        for (int f = 0; f < Functions; f++)
        {
            await Network.ReceiveAsync(sender, tags.Values, values, ct).ConfigureAwait(false);
            for (int p = 0; p < senderCount; p++)
                if (mine[f].TryGetValue(new Block128(values.AsSpan(p * ValueBytes, ValueBytes)), out int row))
                    matches.Add((row, f * senderCount + p));
        }
        Network.CountRound();
        var reply = new byte[(matches.Count + 1) * sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(reply, matches.Count);
        for (int k = 0; k < matches.Count; k++)
            BinaryPrimitives.WriteInt64LittleEndian(reply.AsSpan((k + 1) * sizeof(long)), matches[k].Position);
        await Network.SendAsync(sender, tags.Matches, reply, ct).ConfigureAwait(false);
        return [.. matches.Select(match => match.Row)];
    }

    // The sender: base-OT choices s, q^i = G(k_{s_i}) ^ s_i u^i, a PRF value per id and candidate bin, shuffled.
    private async Task<int[]> SendAsync(byte[] codes, ulong[] bins, Tags tags, CancellationToken ct)
    {
        int n = codes.Length / CodeBytes, peer = receiver;
        var header = new byte[16];
        await Network.ReceiveAsync(peer, tags.Table, header, ct).ConfigureAwait(false);
        ulong seed = BinaryPrimitives.ReadUInt64LittleEndian(header);
        long m = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8));
        if (m < 128 || m % 128 != 0 || m > (1L << 31))
            throw new MpcException($"Party {peer} announced {m} cuckoo bins, not a positive multiple of 128 within range.");
        int binCount = (int)m, columnBytes = binCount / 8;

        var choices = new ulong[Width / 64];
        if (!UnmaskedForTests) RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(choices.AsSpan()));
        var keys = new Block128[Width];
        using (var random = AesCtrPrg.FromSystemRandom())
            await new ChouOrlandiReceiver(Network, peer, tags.BaseOts, random).ReceiveRandomAsync(choices, keys, ct).ConfigureAwait(false);

        var q = new byte[(long)Width * columnBytes];
        for (int i = 0; i < Width; i++)
            await Network.ReceiveAsync(peer, tags.Columns, q.AsMemory(i * columnBytes, columnBytes), ct).ConfigureAwait(false);
        Parallel.For(0, Width, i =>
        {
            var column = q.AsSpan(i * columnBytes, columnBytes);
            if (((choices[i / 64] >> (i % 64)) & 1) == 0) column.Clear();
            var mask = new byte[columnBytes];
            using (var g = new AesCtrPrg(Seed(keys[i]))) g.Fill(mask);
            IknpCore.XorRow(column, mask);
        });
        var qRows = ColumnsToRows(q, binCount);
        var s = MemoryMarshal.AsBytes(choices.AsSpan()).ToArray();

        // H(b, q_b ^ (C(y) & s)) for each id y and each of its bins, each function's list in its own random order.
        var orders = new int[Functions][];
        for (int f = 0; f < Functions; f++)
        {
            var order = Enumerable.Range(0, n).ToArray();
            RandomNumberGenerator.Shuffle(order.AsSpan());
            orders[f] = order;
            var values = new byte[(long)n * ValueBytes];
            int function = f;
            Parallel.For(0, n, () => new byte[CodeBytes], (p, _, row) =>
            {
                int y = order[p];
                int b = CuckooHashing.Bin(bins, y, function, seed, binCount);
                var code = codes.AsSpan(y * CodeBytes, CodeBytes);
                var qb = qRows.AsSpan(b * CodeBytes, CodeBytes);
                for (int k = 0; k < CodeBytes; k++) row[k] = (byte)(qb[k] ^ (code[k] & s[k]));
                Prf(b, row).CopyTo(values.AsSpan(p * ValueBytes, ValueBytes));
                return row;
            }, _ => { });
            await Network.SendAsync(peer, tags.Values, values, ct).ConfigureAwait(false);
        }
        Network.CountRound();

        using var reply = await Network.ReceiveFrameAsync(peer, tags.Matches, ct).ConfigureAwait(false);
        var bytes = reply.Memory.Span;
        long count = bytes.Length >= sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : -1;
        if (count < 0 || count > n || bytes.Length != (count + 1) * sizeof(long))
            throw new MpcException($"Party {peer} sent a malformed list of matches.");
        var rows = new int[count];
        var seen = new HashSet<int>();
        for (int k = 0; k < count; k++)
        {
            long position = BinaryPrimitives.ReadInt64LittleEndian(bytes[((k + 1) * sizeof(long))..]);
            if (position < 0 || position >= (long)Functions * n)
                throw new MpcException($"Party {peer} named a value {position} it was never sent.");
            rows[k] = orders[position / n][position % n];
            if (!seen.Add(rows[k])) throw new MpcException($"Party {peer} named one of this party's ids twice.");
        }
        return rows;
    }

    // Per id: its 512-bit code (SHA-512) and two 64-bit words for its bins (SHA-256), both random oracles.
    private static (byte[] Codes, ulong[] Bins) Digest(byte[][] encoded)
    {
        var codes = new byte[(long)encoded.Length * CodeBytes];
        var bins = new ulong[encoded.Length * 2];
        Parallel.For(0, encoded.Length, i =>
        {
            var id = encoded[i];
            var input = new byte[id.Length + 1];
            id.CopyTo(input, 1);
            input[0] = 1;
            SHA512.HashData(input, codes.AsSpan(i * CodeBytes, CodeBytes));
            input[0] = 2;
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(input, digest);
            bins[2 * i] = BinaryPrimitives.ReadUInt64LittleEndian(digest);
            bins[2 * i + 1] = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        });
        return (codes, bins);
    }

    // H(b, row): SHA-256 of the bin and the 512-bit row, cut to 128 bits.
    private static Block128 Prf(int bin, ReadOnlySpan<byte> row)
    {
        Span<byte> input = stackalloc byte[4 + CodeBytes];
        BinaryPrimitives.WriteInt32LittleEndian(input, bin);
        row.CopyTo(input[4..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        return new Block128(digest[..16]);
    }

    // 512 columns of m bits (column-major bytes) to m rows of 64 bytes.
    private static byte[] ColumnsToRows(byte[] columns, int m)
    {
        int columnBytes = m / 8;
        var rows = new byte[(long)m * CodeBytes];
        Parallel.For(0, Groups, g =>
        {
            var blocks = new Block128[m];
            BitMatrix.Transpose(columns.AsSpan(g * BitMatrix.Rows * columnBytes, BitMatrix.Rows * columnBytes), blocks);
            for (int b = 0; b < m; b++) blocks[b].CopyTo(rows.AsSpan(b * CodeBytes + g * Block128.Size, Block128.Size));
        });
        return rows;
    }

    // m rows of 64 bytes to 512 columns of m bits: each run of 128 rows' 128-bit slice transposed on its own.
    private static byte[] RowsToColumns(byte[] rows, int m)
    {
        int columnBytes = m / 8;
        var columns = new byte[(long)Width * columnBytes];
        Parallel.For(0, m / BitMatrix.Rows, chunk =>
        {
            var slice = new byte[BitMatrix.Rows * Block128.Size];
            var blocks = new Block128[BitMatrix.Rows];
            for (int g = 0; g < Groups; g++)
            {
                for (int r = 0; r < BitMatrix.Rows; r++)
                    rows.AsSpan((chunk * BitMatrix.Rows + r) * CodeBytes + g * Block128.Size, Block128.Size)
                        .CopyTo(slice.AsSpan(r * Block128.Size));
                BitMatrix.Transpose(slice, blocks);
                for (int j = 0; j < BitMatrix.Rows; j++)
                    blocks[j].CopyTo(columns.AsSpan((g * BitMatrix.Rows + j) * columnBytes + chunk * Block128.Size, Block128.Size));
            }
        });
        return columns;
    }

    // A base OT's 128-bit key as the seed of its column's PRG.
    private static ReadOnlySpan<byte> Seed(in Block128 key) => MemoryMarshal.AsBytes(new ReadOnlySpan<Block128>(in key));
}

using System.Runtime.ExceptionServices;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Protocols.Preprocessing.Internal;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Preprocessing with no trusted party (the <c>ot</c> source), as MP-SPDZ's semi2k: every party draws its own shares
/// of a and b, and every ordered pair of parties turns the cross terms a_i b_j into additive shares by Gilboa
/// products over correlated OT (SoftSpoken, k = 2 by default; k = 1 is IKNP). Truncation and comparison masks are
/// built from random bits that every party contributes to (see <see cref="RandomSharedBits"/>).
/// </summary>
/// <remarks>
/// <para>Security: semi-honest, up to N-1 corrupt parties, like the additive suite itself: no coalition missing an
/// honest party learns anything of a, b or of any mask, because the honest party's shares are uniform and its
/// correlated OTs hide both its choices and its correlations.</para>
/// <para>Cost per elementwise triple: 2 (N-1) Gilboa products per party, each 64 correlated OTs (16/k bytes each
/// from the receiver, 512 bytes a product with k = 2; 2080 bits a product from the sender, as OT j's correction
/// travels in 64 - j bits). Matrix triples cost k n 64 OTs of m words (or m k 64 of n words, whichever is
/// cheaper), not m k n products. Calls are served one at a time in the order they are made, so that every pair runs its
/// OT batches in the same order at both ends; start operations in the same order at every party, as always.</para>
/// </remarks>
public sealed partial class OtPreprocessing : IAdditivePreprocessing, IDisposable
{
    private readonly Session _session;
    private readonly AesCtrPrg _random;
    private readonly PairwiseOt _ots;
    private readonly int _softSpokenBits;
    private readonly Lock _orderGate = new();
    private Task _previous = Task.CompletedTask;
    private Exception? _failure;

    /// <summary>
    /// SoftSpoken's k when none is given: the fastest on loopback TLS here (see docs/protocols.md and docs/benchmarks.md).
    /// </summary>
    public const int DefaultSoftSpokenBits = 2;

    /// <summary>
    /// A source for this session; the base OTs run at the first request. Every pair runs SoftSpoken OT with
    /// <paramref name="softSpokenBits"/> bits per group (1 is IKNP; all parties must use the same k).
    /// </summary>
    public OtPreprocessing(Session session, int softSpokenBits = DefaultSoftSpokenBits)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!ObliviousTransfer.IknpSender.SoftSpokenBitChoices.Contains(softSpokenBits))
            throw new ArgumentOutOfRangeException(nameof(softSpokenBits), softSpokenBits,
                $"SoftSpoken OT runs with k = {string.Join(", ", ObliviousTransfer.IknpSender.SoftSpokenBitChoices)}.");
        _session = session;
        _random = session.Random.Fork();
        _softSpokenBits = softSpokenBits;
        _ots = new PairwiseOt(session, _random.Fork(), softSpokenBits);
    }

    /// <inheritdoc />
    public string Name => "ot";

    /// <inheritdoc />
    public PreprocessingUsage Usage { get; } = new();

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return InOrderAsync(async () =>
        {
            var a = _random.NextUniformArray<Z2k>(count);
            var b = _random.NextUniformArray<Z2k>(count);
            var c = await MultiplySharesAsync(a, b, ct).ConfigureAwait(false);
            Usage.AddTriples(count);
            return new BeaverTriples<Z2k>(a, b, c);
        }, ct);
    }

    /// <inheritdoc />
    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        return InOrderAsync(async () =>
        {
            var a = _random.NextUniformArray<Z2k>(rows * inner);
            var b = _random.NextUniformArray<Z2k>(inner * columns);
            var c = new Z2k[rows * columns];
            VectorMath.MatrixMultiply<Z2k>(a, b, c, rows, inner, columns);
            await CrossProductsAsync(a, b, rows, inner, columns, c, ct).ConfigureAwait(false);
            Usage.AddMatrixTriple(a.Length + b.Length + c.Length);
            return new MatrixTriple<Z2k>(a, b, c, rows, inner, columns);
        }, ct);
    }

    /// <inheritdoc />
    /// <remarks>Each party's share of A is its own random matrix: nothing is exchanged.</remarks>
    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        return InOrderAsync(() =>
        {
            var mask = new MatrixMask(_random.NextUniformArray<Z2k>(rows * columns), rows, columns);
            Usage.AddMatrixMask(rows * columns);
            return Task.FromResult(mask);
        }, ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// op(A) B is made like any matrix triple, with my shares of op(A) as the left operand: the cross terms
    /// op(A_i) B_j need no per-mask state, so any mask works here, whichever source dealt it.
    /// </remarks>
    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        return InOrderAsync(async () =>
        {
            var a = mask.Shares.ToArray();
            int m = mask.Rows, k = mask.Columns;
            if (transposed)
            {
                a = Transpose(a, m, k);
                (m, k) = (k, m);
            }
            var b = _random.NextUniformArray<Z2k>(k * columns);
            var c = new Z2k[m * columns];
            VectorMath.MatrixMultiply<Z2k>(a, b, c, m, k, columns);
            await CrossProductsAsync(a, b, m, k, columns, c, ct).ConfigureAwait(false);
            Usage.AddMatrixTriple(b.Length + c.Length);
            return new FixedMaskTriple(b, c, transposed, columns);
        }, ct);
    }

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        return InOrderAsync(async () =>
        {
            var (masks, _) = await MakeTruncationMasksAsync(count, bits, ct).ConfigureAwait(false);
            Usage.AddTruncationMasks(count);
            return masks;
        }, ct);
    }

    /// <summary>
    /// Truncation masks from 64 random shared bits each, and my XOR shares of their top bits, packed (inside a request).
    /// </summary>
    private async Task<(TruncationMasks Masks, ulong[] TopBits)> MakeTruncationMasksAsync(int count, int bits, CancellationToken ct)
    {
        var (b, xor) = await RandomSharedBits.GenerateBothAsync(_session, _ots, _random, count * 64, ct).ConfigureAwait(false);
        var topBits = new ulong[(count + 63) >> 6];
        for (int e = 0; e < count; e++) topBits[e >> 6] |= ((xor[e] >> 63) & 1) << (e & 63);
        var r = new Z2k[count];
        var top = new Z2k[count];
        var low = new Z2k[count];
        for (int e = 0; e < count; e++)
        {
            var bitsOfE = b.AsSpan(e * 64, 64);
            Z2k whole = default, shifted = default;
            for (int i = 62; i >= 0; i--)
            {
                whole = whole + whole + bitsOfE[i];
                if (i >= bits) shifted = shifted + shifted + bitsOfE[i];
            }
            top[e] = bitsOfE[63];
            r[e] = whole + new Z2k(bitsOfE[63].Value << 63);
            low[e] = shifted;
        }
        return (new TruncationMasks(r, top, low, bits), topBits);
    }

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        return InOrderAsync(async () =>
        {
            var b = await RandomSharedBits.GenerateAsync(_session, _ots, _random, count * bits, ct).ConfigureAwait(false);
            Usage.AddBitMasks(count);
            return new BitMasks(MasksFromBits(b, count, bits), b, bits);
        }, ct);
    }

    /// <summary>
    /// My shares of <paramref name="count"/> masks whose low <paramref name="bits"/> bits are the shared bits (bit i of mask e
    /// at e * bits + i). Above them any uniform sharing will do: my own random share, shifted into place.
    /// </summary>
    private Z2k[] MasksFromBits(Z2k[] sharedBits, int count, int bits)
    {
        var r = bits == 64 ? new Z2k[count] : _random.NextUniformArray<Z2k>(count);
        for (int e = 0; e < count; e++)
        {
            Z2k low = default;
            for (int i = bits - 1; i >= 0; i--) low = low + low + sharedBits[e * bits + i];
            r[e] = (bits == 64 ? default : new Z2k(r[e].Value << bits)) + low;
        }
        return r;
    }

    /// <summary>
    /// My shares of x y elementwise from my shares of x and y: my own product plus, with every peer at once, x_me y_peer
    /// (I send, correlating with x) and x_peer y_me (I choose with the bits of y). Inside a request.
    /// </summary>
    private async Task<Z2k[]> MultiplySharesAsync(Z2k[] x, Z2k[] y, CancellationToken ct)
    {
        var z = new Z2k[x.Length];
        VectorMath.Multiply<Z2k>(x, y, z);
        await WithEveryPeerAsync(z, (peer, terms) =>
        [
            Gilboa.SendElementwiseAsync(_ots.SenderTo(peer), x, terms.Add(x.Length), ct).AsTask(),
            Gilboa.ReceiveElementwiseAsync(_ots.ReceiverFrom(peer), y, terms.Add(x.Length), ct).AsTask(),
        ], ct).ConfigureAwait(false);
        return z;
    }

    /// <summary>Adds every cross term A_i B_j (i != j) that involves me to <paramref name="c"/>.</summary>
    private Task CrossProductsAsync(Z2k[] a, Z2k[] b, int m, int k, int n, Z2k[] c, CancellationToken ct)
    {
        // OTs carry m words per choice of the right operand's bits, or n words per choice of the left's (transposed).
        // Pick the cheaper: the extension costs 16/k bytes per OT on top of the 8 per word.
        long perOt = 16 / _softSpokenBits;
        bool chooseWithRight = (long)k * n * (perOt + 8L * m) <= (long)m * k * (perOt + 8L * n);
        if (chooseWithRight)
        {
            return WithEveryPeerAsync(c, (peer, terms) =>
            [
                // A_me B_peer: I send (columns of my A), the peer chooses (bits of its B).
                Gilboa.SendMatrixAsync(_ots.SenderTo(peer), a, m, k, n, terms.Add(m * n), ct).AsTask(),
                // A_peer B_me: the peer sends, I choose with my B.
                Gilboa.ReceiveMatrixAsync(_ots.ReceiverFrom(peer), b, m, k, n, terms.Add(m * n), ct).AsTask(),
            ], ct);
        }

        // (A B)^T = B^T A^T: the holder of B sends columns of B^T, the holder of A chooses with the bits of A^T.
        var aT = Transpose(a, m, k);
        var bT = Transpose(b, k, n);
        var cT = new Z2k[n * m];
        return TransposeInto();

        async Task TransposeInto()
        {
            await WithEveryPeerAsync(cT, (peer, terms) =>
            [
                // (A_peer B_me)^T: I send B_me^T (n x k), the peer chooses with A_peer^T (k x m).
                Gilboa.SendMatrixAsync(_ots.SenderTo(peer), bT, n, k, m, terms.Add(n * m), ct).AsTask(),
                // (A_me B_peer)^T: the peer sends B_peer^T, I choose with A_me^T.
                Gilboa.ReceiveMatrixAsync(_ots.ReceiverFrom(peer), aT, n, k, m, terms.Add(n * m), ct).AsTask(),
            ], ct).ConfigureAwait(false);
            VectorMath.Add<Z2k>(c, Transpose(cT, n, m), c);
        }
    }

    /// <summary>
    /// Runs the cross terms with every peer at once, each into a fresh vector of its own, and adds them all to
    /// <paramref name="into"/> when every one has finished.
    /// </summary>
    private async Task WithEveryPeerAsync(Z2k[] into, Func<int, CrossTerms, Task[]> work, CancellationToken ct)
    {
        var terms = new CrossTerms();
        var pending = new List<Task>();
        for (int peer = 0; peer < _session.PartyCount; peer++)
            if (peer != _session.PartyId) pending.AddRange(work(peer, terms));
        await Task.WhenAll(pending).ConfigureAwait(false);
        foreach (var term in terms.All) VectorMath.Add<Z2k>(into, term, into);
    }

    /// <summary>The vectors that concurrent cross terms write into, one each.</summary>
    private sealed class CrossTerms
    {
        public List<Z2k[]> All { get; } = [];

        public Z2k[] Add(int length)
        {
            var term = new Z2k[length];
            All.Add(term);
            return term;
        }
    }

    /// <summary>
    /// Serves requests one at a time in call order: both ends of every pair must run their OT batches alike. After a
    /// request fails, the pairs' streams are at an unknown point, so every later request fails with that first failure
    /// (the one worth reporting: a peer that aborted, a broken link) and never runs.
    /// </summary>
    private async ValueTask<TResult> InOrderAsync<TResult>(Func<Task<TResult>> request, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_orderGate)
        {
            previous = _previous;
            _previous = done.Task;
        }
        try
        {
            await previous.ConfigureAwait(false);
            if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
            ct.ThrowIfCancellationRequested();
            await _ots.EnsureReadyAsync(ct).ConfigureAwait(false);
            return await request().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            throw;
        }
        finally
        {
            done.SetResult();
        }
    }

    private static Z2k[] Transpose(Z2k[] matrix, int rows, int columns)
    {
        var result = new Z2k[matrix.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                result[j * rows + i] = matrix[i * columns + j];
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ots.Dispose();
        _random.Dispose();
    }
}

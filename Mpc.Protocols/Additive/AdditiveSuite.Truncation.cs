using System.Buffers;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Protocols.Additive;

// Truncation, and the products fused with it (IFusedTruncation).
public sealed partial class AdditiveSuite
{
    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> TruncateAsync(SharedVector<Z2k> x, int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(ValueTask.FromResult(x), x.Length, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> MultiplyAndTruncateAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, int bits,
        CancellationToken ct = default) =>
        TruncateWhenReadyAsync(MultiplyAsync(x, y, ct), x.Length, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> MatrixMultiplyAndTruncateAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, int rows, int inner,
        int columns, int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(MatrixMultiplyAsync(x, y, rows, inner, columns, ct), rows * columns, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns, int bits,
        CancellationToken ct = default) =>
        TruncateWhenReadyAsync(ReusedProductAsync(x, y, columns, transposed: false, ct), x.Rows * columns, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns,
        int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(ReusedProductAsync(x, y, columns, transposed: true, ct), x.Columns * columns, bits, ct);

    /// <summary>
    /// The truncation of <paramref name="input"/> (<paramref name="n"/> elements), which may still be computing: the
    /// truncation takes its tag and asks for its masks now, before its first await, so a product-then-truncate takes
    /// everything it needs when it starts, like every operation, whatever order the operations beside it finish in.
    /// </summary>
    private async ValueTask<SharedVector<Z2k>> TruncateWhenReadyAsync(ValueTask<SharedVector<Z2k>> input, int n,
        int bits, CancellationToken ct)
    {
        if (bits is < 0 or > 62) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Truncation shifts by 0 to 62 bits.");
        if (bits == 0) return await input.ConfigureAwait(false);
        if (truncation == AdditiveTruncation.SecureMlLocal)
        {
            if (session.PartyCount != 2)
                throw new InvalidOperationException($"SecureML local truncation is for 2 parties; this session has {session.PartyCount}.");
            return TruncateLocally(await input.ConfigureAwait(false), bits);
        }
        var tag = session.NextTag();
        var masks = preprocessing.TakeTruncationMasksAsync(n, bits, ct).AsTask();
        SharedVector<Z2k> x;
        try
        {
            x = await input.ConfigureAwait(false);
        }
        catch
        {
            // The operation failed before it needed its masks; whatever happens to them is not news.
            _ = masks.ContinueWith(static t => t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
        if (x.Length != n) throw new InvalidOperationException($"A truncation of {n} elements was given {x.Length}.");
        return await TruncateWithMasksAsync(x, bits, tag, await masks.ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Masked truncation with exact wrap correction. For x in [-2^62, 2^62) let y = x + 2^62 in [0, 2^63)
    /// and open c = y + r mod 2^64 (uniform: r is uniform). Writing r = 2^63 r_msb + r_lo and c likewise,
    /// y = c_lo - r_lo + 2^63 w where w = c_msb XOR r_msb is the carry into bit 63, which is linear in the
    /// shared r_msb because c_msb is public. Then floor(y / 2^m) = (c_lo >> m) - (r_lo >> m) + 2^(63-m) w,
    /// up to one unit from the borrow of the dropped low bits, and x >> m = y >> m - 2^(62-m).
    /// </summary>
    private async ValueTask<SharedVector<Z2k>> TruncateWithMasksAsync(SharedVector<Z2k> x, int bits, StreamTag tag,
        TruncationMasks masks, CancellationToken ct)
    {
        int n = x.Length;
        var c = await OpenForTruncationAsync(x, masks, tag, ct).ConfigureAwait(false);

        // Written over the masks' low parts, each read just before (masks are used once).
        var z = masks.LowShifted;
        for (int i = 0; i < n; i++)
        {
            var (publicPart, slope) = TruncationTerms(c[i].Value, bits);
            ulong share = unchecked(slope * masks.TopBit[i].Value - masks.LowShifted[i].Value);
            z[i] = new Z2k(IsLeader ? unchecked(share + publicPart) : share);
        }
        ArrayPool<Z2k>.Shared.Return(c);
        return new(z);
    }

    /// <summary>
    /// The truncation's one opening: c = x + 2^62 + r, into a pooled array (at least x.Length long) that the caller
    /// returns to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    private async ValueTask<Z2k[]> OpenForTruncationAsync(SharedVector<Z2k> x, TruncationMasks masks, StreamTag tag, CancellationToken ct)
    {
        int n = x.Length;
        var masked = ArrayPool<Z2k>.Shared.Rent(n);
        VectorMath.Add<Z2k>(x.Shares, masks.R, masked.AsSpan(0, n));
        if (IsLeader)
            for (int i = 0; i < n; i++) masked[i] = new Z2k(masked[i].Value + (1UL << 62));
        await OpenSharesInPlaceAsync(masked.AsMemory(0, n), tag, ct).ConfigureAwait(false);
        return masked;
    }

    /// <summary>
    /// The public parts of a truncation from its opened c: trunc = A + B r_msb - (r mod 2^63) &gt;&gt; m, with
    /// A = (c mod 2^63) &gt;&gt; m + 2^(63-m) c_msb - 2^(62-m) and B = (1 - 2 c_msb) 2^(63-m), since the carry into bit 63
    /// is c_msb XOR r_msb = c_msb + (1 - 2 c_msb) r_msb.
    /// </summary>
    private static (ulong Public, ulong Slope) TruncationTerms(ulong c, int bits)
    {
        ulong carryWeight = 1UL << (63 - bits), cMsb = c >> 63;
        return (unchecked(((c & Low63) >> bits) + cMsb * carryWeight - (1UL << (62 - bits))), unchecked((1 - 2 * cMsb) * carryWeight));
    }

    private SharedVector<Z2k> TruncateLocally(SharedVector<Z2k> x, int bits)
    {
        var z = new Z2k[x.Length];
        for (int i = 0; i < z.Length; i++)
        {
            long s = (long)x.Shares[i].Value;
            z[i] = new Z2k(IsLeader ? (ulong)(s >> bits) : unchecked((ulong)-((-s) >> bits)));
        }
        return new(z);
    }
}

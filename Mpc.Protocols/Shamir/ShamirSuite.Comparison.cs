using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Protocols.Comparison;
using Mpc.Protocols.Shamir.Internal;

namespace Mpc.Protocols.Shamir;

public sealed partial class ShamirSuite<T> : ISpeculativeComparison<T>
{
    private ShamirEngine<Gf256>? _bits;
    private ShamirEngine<T>? _comparisonField;
    private int _comparing; // 1 while a comparison runs

    /// <summary>
    /// False only in tests, to show the mask is needed: the comparison then opens its result bit unmasked, which shows
    /// every party the sign of every compared value.
    /// </summary>
    internal bool MaskComparisonBits { get; init; } = true;

    /// <summary>
    /// The binary domain: Shamir sharing of bits over GF(2^8), same parties and threshold, its own keys; its tags from
    /// the comparison channel.
    /// </summary>
    private ShamirEngine<Gf256> Bits => _bits ??= new ShamirEngine<Gf256>(_session, Threshold, ProtocolChannel.Comparison)
    {
        ScatteredOpeningMinimum = _engine.ScatteredOpeningMinimum,
    };

    /// <summary>The field as comparisons use it: the same sharing, its own keys, its tags from the comparison channel.</summary>
    private ShamirEngine<T> ComparisonField => _comparisonField ??= new ShamirEngine<T>(_session, Threshold, ProtocolChannel.Comparison)
    {
        ScatteredOpeningMinimum = _engine.ScatteredOpeningMinimum,
    };

    /// <inheritdoc />
    /// <remarks>
    /// A comparison takes its tags from a channel of its own (<see cref="ProtocolChannel.Comparison"/>) and its private
    /// randomness from a generator forked when it is called, so the operations beside it may take theirs in any order;
    /// comparisons themselves run one at a time. Products are reshared (nothing opened); truncations, though, hide
    /// only values within <see cref="TruncationInputBits"/> (<see cref="ISpeculativeComparison{T}.MasksValuesOutOfRange"/>).
    /// </remarks>
    public ISpeculativeComparison<T>? SpeculativeComparison => this;

    /// <inheritdoc />
    /// <remarks>False: masks of k + s bits hide a value statistically only while it stays below 2^k.</remarks>
    public bool MasksValuesOutOfRange => ClaimMasksHideAnyValue;

    /// <summary>
    /// True only in tests, to show why <see cref="MasksValuesOutOfRange"/> is false: a speculative caller told otherwise
    /// truncates values beyond the range the statistical masks hide.
    /// </summary>
    internal bool ClaimMasksHideAnyValue { get; init; }

    /// <summary>
    /// Exact [x &lt; 0] for x in [-2^(l-1), 2^(l-1)): one opening of c = y + R in the field (y = x + 2^(l-1), R a sum of
    /// masks dealt by parties 0..t with their low bits shared over GF(2^8)), then bit l - 1 of y mod 2^l = (c - R) mod
    /// 2^l by a binary adder over GF(2^8) Shamir shares, turned into a field sharing by a bit shared in both domains.
    /// </summary>
    /// <remarks>
    /// <para>The masks are edaBits (Escudero, Ghosh, Keller, Rachuri and Scholl, "Improved primitives for MPC over
    /// mixed arithmetic-binary circuits", CRYPTO 2020) made without a dealer (<see cref="DealEdaBitsAsync"/>). The bits
    /// are Shamir shares over GF(2^8), where XOR costs nothing and an AND is a product of bytes reduced by DN07 double
    /// sharings from pseudo-random secret sharing: 1/16 of a field product's traffic. Bit l - 1 of y is [x &gt;= 0];
    /// its complement, masked by a daBit beta and opened, gives [x &lt; 0] = e + beta - 2 e beta in the field (the
    /// conversion of daBits: Rotaru and Wood, INDOCRYPT 2019).</para>
    /// <para>The first comparison of a width (since <see cref="DiscardPreparedMasks"/>) adds c to the dealt bits as it
    /// goes: y mod 2^l = c + the sum of -rho_j (mod 2^l), rho_j = R_j mod 2^l, each dealer sharing the bits of its
    /// -rho_j; carry-save adders (one AND per bit each) bring the addends to two, u and v, and bit l - 1 of u + v is
    /// u_(l-1) + v_(l-1) + the carry into it, from generate and propagate bits by the logarithmic tree of
    /// <see cref="BitwiseLessThan"/>. Rounds: the dealing; the opening of c, beside the adder layers over the dealt
    /// bits alone (none for t = 1, one for t = 2); one adder layer with c; one for the generate bits; ceil(log2(l - 1))
    /// for the tree; one opening. About (t + 3) l ANDs per element.</para>
    /// <para>A second comparison of the same width shows comparisons of it repeat: from then on masks for short vectors
    /// (up to half a batch) come from batches (<see cref="DealComparisonMasksAsync"/>) holding the bits of -R mod 2^l whole, and a
    /// comparison costs the opening of c, ceil(log2(l - 1)) multiplications of at most 2 (l - 1) ANDs per element
    /// (generate and propagate bits of c + (-R) being linear in the shared bits, c being public), and the opening of
    /// the result.</para>
    /// </remarks>
    public async ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default)
    {
        int l = inputBits ?? TruncationInputBits;
        CheckComparisonBits(l, 0);
        return (await CompareAsync(x, l, 0, null, ct).ConfigureAwait(false)).Bits;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Compares the top l - h bits only, h = j - ceil(log2(t + 1)): the binary part adds floor(c / 2^h) and the dealt
    /// floor(R_i / 2^h), whose sum is floor(y / 2^h) + kappa with kappa in [0, t + 1] (the carries of the dropped low
    /// parts), so the result is [x &lt; -kappa 2^h], exact for x &gt;= 0 and for x &lt; -(t + 1) 2^h &gt;= -2^j. Fewer
    /// bits: fewer ANDs in the masks and the adder, and fewer levels.
    /// </remarks>
    public async ValueTask<SharedVector<T>> LessThanZeroCoarseAsync(SharedVector<T> x, int inputBits, int ignoredBits,
        CancellationToken ct = default)
    {
        CheckComparisonBits(inputBits, ignoredBits);
        return (await CompareAsync(x, inputBits, CoarseShift(inputBits, ignoredBits), null, ct).ConfigureAwait(false)).Bits;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The coarse comparison; its last round, the opening of the result bit masked by beta, also reduces the product
    /// beta y, and [x &lt; 0] y is beta y or y - beta y as the opened bit says: no round more, once y is there.
    /// </remarks>
    public async ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> LessThanZeroAndProductAsync(SharedVector<T> x,
        int inputBits, int ignoredBits, Task<SharedVector<T>> multiplicand, CancellationToken ct = default)
    {
        CheckComparisonBits(inputBits, ignoredBits);
        var (bits, products) = await CompareAsync(x, inputBits, CoarseShift(inputBits, ignoredBits), multiplicand, ct)
            .ConfigureAwait(false);
        return (bits, products!);
    }

    private void CheckComparisonBits(int l, int ignoredBits)
    {
        if (l < 2 || l > TruncationInputBits)
            throw new ArgumentOutOfRangeException("inputBits", l, $"Comparison inputs have 2 to {TruncationInputBits} bits in this suite.");
        if (ignoredBits < 0 || ignoredBits >= l)
            throw new ArgumentOutOfRangeException(nameof(ignoredBits), ignoredBits, $"Between 0 and {l - 1} low bits may be ignored.");
    }

    // h: the low bits the binary part drops, so that (t + 1) 2^h <= 2^j; at least two bits remain.
    private int CoarseShift(int l, int ignoredBits)
    {
        int spread = 0;
        while ((1 << spread) < Threshold + 1) spread++;
        return Math.Clamp(ignoredBits - spread, 0, l - 2);
    }

    /// <summary>
    /// [x &lt; -kappa 2^h] (<paramref name="shift"/> = h; kappa = 0 when h = 0) and, with a multiplicand y, its product
    /// with y. Claims the comparison channel, forks this call's private randomness and starts the keys' hand-out
    /// before it awaits anything.
    /// </summary>
    private async ValueTask<(SharedVector<T> Bits, SharedVector<T>? Products)> CompareAsync(SharedVector<T> x, int l, int shift,
        Task<SharedVector<T>>? multiplicand, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _comparing, 1) != 0)
            throw new InvalidOperationException(
                "Comparisons in the Shamir suite must not overlap (they share one tag channel): await each before starting the next.");
        try
        {
            using var random = _session.Random.Fork();
            _ = ComparisonField.EstablishResharingKeysAsync(ct); // both now, in program order; awaited by their first use
            _ = Bits.EstablishResharingKeysAsync(ct);
            int count = x.Length;
            if (count == 0) return (new([]), multiplicand is null ? null : new([]));
            var call = new ComparisonCall(l, shift, random, multiplicand);
            // A batch pays when it serves more than this call: for long vectors, dealing as it goes costs fewer ANDs.
            if (!_comparedWidths.Add(call.Key) && 2 * count <= ComparisonBatch) // the second of this width on batches
                return await CompareWithMasksAsync(x, call, await TakeComparisonMasksAsync(count, call, ct).ConfigureAwait(false), ct)
                    .ConfigureAwait(false);
            return await CompareDealingMasksAsync(x, call, ct).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _comparing, 0);
        }
    }

    /// <summary>
    /// One comparison: l input bits, the h low bits its binary part drops (so it works on m = l - h bits), its private
    /// randomness and the multiplicand of its result, if any.
    /// </summary>
    private sealed record ComparisonCall(int InputBits, int Shift, AesCtrPrg Random, Task<SharedVector<T>>? Multiplicand)
    {
        public int Width => InputBits - Shift;

        /// <summary>Masks serve the comparisons of one (l, h).</summary>
        public (int InputBits, int Shift) Key => (InputBits, Shift);
    }

    /// <summary>A comparison that deals its own masks and adds c to them as it goes (see <see cref="LessThanZeroAsync"/>).</summary>
    private async ValueTask<(SharedVector<T> Bits, SharedVector<T>? Products)> CompareDealingMasksAsync(SharedVector<T> x,
        ComparisonCall call, CancellationToken ct)
    {
        int count = x.Length, t = Threshold, l = call.InputBits, m = call.Width;
        var bits = Bits;
        var dealt = await DealEdaBitsAsync(count, call, ct).ConfigureAwait(false);
        var beta = new BetaXor(this, dealt.Betas);
        var addends = dealt.Negations;

        // Round: open c = y + R, y = x + 2^(l-1) in [0, 2^l); beside it, the first carry-save layer over the dealt bits.
        var opening = ComparisonField.OpenAsync(MaskedInput(x, dealt.Sum, l), ct);
        for (bool first = true; addends.Count > 2; first = false)
            addends = await beta.Alongside(CarrySaveLayerAsync(addends, count, m, ct, beside: first), ct).ConfigureAwait(false);
        var c = await opening.ConfigureAwait(false);

        // The public addend floor(c / 2^h) (mod 2^m), then one more carry-save layer: two numbers u and v.
        var constant = new Gf256[m * count];
        var lowBits = (Int128.One << m) - 1;
        for (int e = 0; e < count; e++)
        {
            // c is below 2^126: its signed lift is itself
            var value = (T.ToSignedInt128(c[e]) >> call.Shift) & lowBits;
            for (int i = 0; i < m; i++) constant[i * count + e] = new Gf256((byte)((value >> i) & 1));
        }
        addends.Insert(0, constant);
        addends = await beta.Alongside(CarrySaveLayerAsync(addends, count, m, ct), ct).ConfigureAwait(false);
        Gf256[] u = addends[0], v = addends[1];

        // Generate bits g_i = u_i v_i and propagate bits p_i = u_i + v_i below bit m - 1, then the carry into it.
        int below = (m - 1) * count;
        var generate = await beta.Alongside(bits.MultiplyAsync(u.AsSpan(0, below), v.AsSpan(0, below), ct), ct).ConfigureAwait(false);
        var propagate = new Gf256[below];
        VectorMath.Add<Gf256>(u.AsSpan(0, below), v.AsSpan(0, below), propagate);
        var carry = await BitwiseLessThan.CombineAsync(generate, propagate, count, m - 1,
            (left, right, token) => beta.Alongside(bits.MultiplyAsync(left, right, token), token), ct).ConfigureAwait(false);

        // [x < 0] = NOT bit m - 1 of floor(y / 2^h) (+ kappa).
        var below0 = new Gf256[count];
        for (int e = 0; e < count; e++) below0[e] = u[below + e] + v[below + e] + carry[e] + Gf256.One;
        var betaField = await beta.CompleteAsync(ct).ConfigureAwait(false);
        return await ToFieldAsync(below0, dealt.BetaBits, betaField, call.Multiplicand, ct).ConfigureAwait(false);
    }

    /// <summary>A comparison with masks from a batch (see <see cref="LessThanZeroAsync"/>).</summary>
    private async ValueTask<(SharedVector<T> Bits, SharedVector<T>? Products)> CompareWithMasksAsync(SharedVector<T> x,
        ComparisonCall call, ComparisonMasks masks, CancellationToken ct)
    {
        int count = x.Length, l = call.InputBits, m = call.Width;
        var bits = Bits;

        // Round: open c = y + R, y = x + 2^(l-1) in [0, 2^l).
        var c = await ComparisonField.OpenAsync(MaskedInput(x, masks.Field, l), ct).ConfigureAwait(false);

        // floor(y / 2^h) (+ kappa) = c' + rho' (mod 2^m) with c' = floor(c / 2^h) and rho' = minus the sum of the dealt
        // floor(R_i / 2^h): generate bits c'_i rho'_i and propagate bits c'_i + rho'_i below bit m - 1 (linear: c' is
        // public), then the carry into it.
        int below = (m - 1) * count;
        var generate = new Gf256[below];
        var propagate = new Gf256[below];
        var top = new byte[count];
        for (int e = 0; e < count; e++)
        {
            var value = T.ToSignedInt128(c[e]) >> call.Shift; // c is below 2^126: its signed lift is itself
            top[e] = (byte)((value >> (m - 1)) & 1);
            for (int i = 0; i < m - 1; i++)
            {
                int k = i * count + e;
                var rho = masks.Bits[k];
                if (((value >> i) & 1) == 0) propagate[k] = rho;
                else
                {
                    generate[k] = rho;
                    propagate[k] = rho + Gf256.One;
                }
            }
        }
        var carry = await BitwiseLessThan.CombineAsync(generate, propagate, count, m - 1,
            (left, right, token) => bits.MultiplyAsync(left, right, token), ct).ConfigureAwait(false);

        // [x < 0] = NOT bit m - 1 of floor(y / 2^h) (+ kappa).
        var below0 = new Gf256[count];
        for (int e = 0; e < count; e++) below0[e] = new Gf256((byte)(top[e] ^ 1)) + masks.Bits[below + e] + carry[e];
        return await ToFieldAsync(below0, masks.BetaBits, masks.Beta, call.Multiplicand, ct).ConfigureAwait(false);
    }

    /// <summary>My shares of y + R, y = x + 2^(l-1): what a comparison opens.</summary>
    private static T[] MaskedInput(SharedVector<T> x, T[] mask, int l)
    {
        var masked = new T[x.Length];
        VectorMath.Add<T>(x.Shares, mask, masked);
        var offset = T.FromInt128(Int128.One << (l - 1));
        for (int i = 0; i < masked.Length; i++) masked[i] += offset;
        return masked;
    }

    /// <summary>
    /// Shared bits over GF(2^8) as field shares: open b + beta (one round; a uniform bit) and return e + beta - 2 e beta,
    /// with beta's shares in both domains. With a multiplicand y, also b y = e y + beta y - 2 e beta y, the product
    /// beta y reduced beside the opening (the same round, once y is there).
    /// </summary>
    private async ValueTask<(SharedVector<T> Bits, SharedVector<T>? Products)> ToFieldAsync(Gf256[] bits, Gf256[] betaBits,
        T[] beta, Task<SharedVector<T>>? multiplicand, CancellationToken ct)
    {
        int count = bits.Length;
        var masked = new Gf256[count];
        if (MaskComparisonBits) VectorMath.Add<Gf256>(bits, betaBits, masked);
        else bits.CopyTo(masked, 0);
        var opening = Bits.OpenAsync(masked, ct); // its tag taken now, the product's after it
        T[]? y = null, betaY = null;
        if (multiplicand is not null)
        {
            y = (await multiplicand.ConfigureAwait(false)).Shares;
            if (y.Length != count)
                throw new ArgumentException($"The multiplicand has {y.Length} elements, the comparison {count}.", nameof(multiplicand));
            var product = GC.AllocateUninitializedArray<T>(count);
            VectorMath.Multiply<T>(beta, y, product);
            betaY = await ComparisonField.ReduceAsync(product, ct, beside: true).ConfigureAwait(false);
        }
        var opened = await opening.ConfigureAwait(false);
        var shares = new T[count];
        var products = y is null ? null : new T[count];
        for (int e = 0; e < count; e++)
        {
            if (opened[e].Value > 1) throw new InvalidOperationException($"A masked comparison bit opened as {opened[e]}, not a bit.");
            bool one = opened[e].Value != 0;
            if (!MaskComparisonBits) shares[e] = one ? T.One : T.Zero;
            else shares[e] = one ? T.One - beta[e] : beta[e];
            if (products is null) continue;
            if (!MaskComparisonBits) products[e] = one ? y![e] : T.Zero;
            else products[e] = one ? y![e] - betaY![e] : betaY![e];
        }
        return (new(shares), products is null ? null : new(products));
    }

    /// <summary>
    /// What parties 0..t dealt: my shares of R and of each beta_j in the field, of each -rho_j and of beta in GF(2^8).
    /// </summary>
    private sealed record DealtEdaBits(T[] Sum, List<T[]> Betas, List<Gf256[]> Negations, Gf256[] BetaBits);

    /// <summary>
    /// One round: each of parties 0..t deals R_j, uniform below 2^(l+s), in the field and the m = l - h bits of
    /// -rho_j mod 2^m, rho_j = floor(R_j / 2^h) mod 2^m, in GF(2^8) (bit-major: bit i of element e at i * count + e;
    /// the negation is what the adders take), and a bit beta_j in both. One honest dealer among the t + 1 hides R within
    /// statistical distance 2^-s of y's range, and beta = XOR of the beta_j.
    /// </summary>
    private async ValueTask<DealtEdaBits> DealEdaBitsAsync(int count, ComparisonCall call, CancellationToken ct)
    {
        int n = _session.PartyCount, t = Threshold, me = _session.PartyId, m = call.Width;
        int fieldLength = 2 * count, bitLength = (m + 1) * count;
        int fieldBytes = fieldLength * Unsafe.SizeOf<T>(), messageBytes = fieldBytes + bitLength;
        var tag = _session.NextTag(ProtocolChannel.Comparison);
        var network = _session.Network;

        // One message from each dealer to each party: its shares of (R_j, beta_j) in the field, then of the bits.
        var sends = new List<Task>();
        byte[]? mine = null;
        if (me <= t)
        {
            var (fieldDealing, bitDealing) = DrawEdaBits(count, call);
            var fieldShares = GC.AllocateUninitializedArray<T>(n * fieldLength);
            var bitShares = GC.AllocateUninitializedArray<Gf256>(n * bitLength);
            _engine.Scheme.Share(fieldDealing, call.Random, fieldShares);
            Bits.Scheme.Share(bitDealing, call.Random, bitShares);
            for (int p = 0; p < n; p++)
            {
                var message = GC.AllocateUninitializedArray<byte>(messageBytes);
                MemoryMarshal.AsBytes(fieldShares.AsSpan(p * fieldLength, fieldLength)).CopyTo(message);
                MemoryMarshal.AsBytes(bitShares.AsSpan(p * bitLength, bitLength)).CopyTo(message.AsSpan(fieldBytes));
                if (p == me) mine = message;
                else sends.Add(network.SendAsync(p, tag, (ReadOnlyMemory<byte>)message, ct).AsTask());
            }
        }
        var receives = new Task<byte[]>[t + 1];
        for (int p = 0; p <= t; p++) receives[p] = p == me ? Task.FromResult(mine!) : ReceiveAsync(p);
        await Task.WhenAll(sends).ConfigureAwait(false);
        var messages = await Task.WhenAll(receives).ConfigureAwait(false);
        network.CountRound();

        var sum = new T[count];
        var betas = new List<T[]>(t + 1);
        var negations = new List<Gf256[]>(t + 2);
        var betaBits = new Gf256[count];
        foreach (var message in messages)
        {
            var field = MemoryMarshal.Cast<byte, T>(message.AsSpan(0, fieldBytes));
            var dealtBits = MemoryMarshal.Cast<byte, Gf256>(message.AsSpan(fieldBytes));
            VectorMath.Add<T>(sum, field[..count], sum);
            betas.Add(field.Slice(count, count).ToArray());
            negations.Add(dealtBits[..(m * count)].ToArray()); // -rho_j, as dealt
            VectorMath.Add<Gf256>(betaBits, dealtBits.Slice(m * count, count), betaBits);
        }
        return new DealtEdaBits(sum, betas, negations, betaBits);

        async Task<byte[]> ReceiveAsync(int from)
        {
            var message = GC.AllocateUninitializedArray<byte>(messageBytes);
            await network.ReceiveAsync(from, tag, (Memory<byte>)message, ct).ConfigureAwait(false);
            return message;
        }
    }

    /// <summary>
    /// Masks for one comparison of <c>count</c> elements of l bits: my shares of R (<c>Field</c>) and of beta in the
    /// field, of the l bits of -R mod 2^l (bit-major: bit i of element e at i * count + e) and of beta in GF(2^8).
    /// </summary>
    private sealed record ComparisonMasks(T[] Field, T[] Beta, Gf256[] Bits, Gf256[] BetaBits);

    /// <summary>A batch of masks for one width.</summary>
    private sealed class ComparisonMaskBatch(ComparisonMasks masks, int size)
    {
        private int _offset;

        public bool TryTake(int count, int l, out ComparisonMasks taken)
        {
            taken = null!;
            if (size - _offset < count) return false;
            var bits = new Gf256[l * count];
            for (int i = 0; i < l; i++) Array.Copy(masks.Bits, i * size + _offset, bits, i * count, count);
            taken = new ComparisonMasks(masks.Field.AsSpan(_offset, count).ToArray(), masks.Beta.AsSpan(_offset, count).ToArray(),
                bits, masks.BetaBits.AsSpan(_offset, count).ToArray());
            _offset += count;
            return true;
        }
    }

    private readonly Dictionary<(int, int), ComparisonMaskBatch> _comparisonMasks = [];
    private readonly HashSet<(int, int)> _comparedWidths = []; // widths compared at least once since the last discard

    /// <summary>
    /// Batches of comparison masks hold 64 calls' worth, and at most this many elements (when comparisons of a width
    /// repeat, the rounds of dealing and adding masks are paid once for many).
    /// </summary>
    internal int ComparisonBatch { get; init; } = 1 << 15;

    /// <summary>Masks for <paramref name="count"/> comparisons like <paramref name="call"/>, from the batch or a new one.</summary>
    private async ValueTask<ComparisonMasks> TakeComparisonMasksAsync(int count, ComparisonCall call, CancellationToken ct)
    {
        int m = call.Width;
        if (_comparisonMasks.TryGetValue(call.Key, out var batch) && batch.TryTake(count, m, out var taken)) return taken;
        int size = Math.Max(count, (int)Math.Min(64L * count, ComparisonBatch));
        batch = new ComparisonMaskBatch(await DealComparisonMasksAsync(size, call, ct).ConfigureAwait(false), size);
        _comparisonMasks[call.Key] = batch;
        if (!batch.TryTake(count, m, out taken)) throw new InvalidOperationException("A new batch of comparison masks is short.");
        return taken;
    }

    /// <summary>
    /// Deals masks for <paramref name="count"/> comparisons like <paramref name="call"/>: each of parties 0..t deals
    /// R_j, uniform below 2^(l+s), in the field and the m bits of -rho_j mod 2^m, rho_j = floor(R_j / 2^h) mod 2^m,
    /// in GF(2^8), and a bit beta_j in both. One honest dealer among the t + 1 hides R within statistical distance
    /// 2^-s of y's range, and beta.
    /// </summary>
    /// <remarks>
    /// -sum rho_j mod 2^m = the sum of the dealt -rho_j (mod 2^m): carry-save adders (one AND per bit each) bring the
    /// t + 1 addends to two, then a ripple-carry adder gives every carry of their sum, one AND per bit and one round
    /// per bit: m - 1 ANDs per element where a parallel-prefix adder takes about (m - 1)(1 + log2(m - 1)). A batch is
    /// paid once for many comparisons, so its ANDs count and its rounds hardly do (the comparisons themselves keep
    /// their logarithmic tree). The field XOR of the beta_j (ceil(log2(t + 1)) products) runs beside the first binary
    /// rounds. Rounds: the dealing, t - 1 carry-save layers at most (none for t = 1, one for t = 2), m - 1.
    /// </remarks>
    private async ValueTask<ComparisonMasks> DealComparisonMasksAsync(int count, ComparisonCall call, CancellationToken ct)
    {
        int m = call.Width;
        var bits = Bits;
        var dealt = await DealEdaBitsAsync(count, call, ct).ConfigureAwait(false);
        var addends = dealt.Negations;
        var beta = new BetaXor(this, dealt.Betas);

        // Carry-save layers down to two addends, u and v; beside each, a layer of the beta XOR.
        while (addends.Count > 2)
            addends = await beta.Alongside(CarrySaveLayerAsync(addends, count, m, ct), ct).ConfigureAwait(false);
        Gf256[] u = addends[0], v = addends[1];

        // u + v by ripple carry: sum bit i = u_i + v_i + c_i, c_0 = 0, c_(i+1) = maj(u_i, v_i, c_i)
        // = (u_i + c_i)(v_i + c_i) + c_i.
        var negated = new Gf256[m * count];
        VectorMath.Add<Gf256>(u, v, negated);
        var carry = new Gf256[count];
        var left = new Gf256[count];
        var right = new Gf256[count];
        for (int i = 0; i + 1 < m; i++)
        {
            var ui = u.AsSpan(i * count, count);
            var vi = v.AsSpan(i * count, count);
            VectorMath.Add<Gf256>(ui, carry, left);
            VectorMath.Add<Gf256>(vi, carry, right);
            var product = await beta.Alongside(bits.MultiplyAsync(left, right, ct), ct).ConfigureAwait(false);
            VectorMath.Add<Gf256>(product, carry, carry);
            var next = negated.AsSpan((i + 1) * count, count);
            VectorMath.Add<Gf256>(next, carry, next);
        }
        return new ComparisonMasks(dealt.Sum, await beta.CompleteAsync(ct).ConfigureAwait(false), negated, dealt.BetaBits);
    }

    /// <summary>
    /// My dealing as one of parties 0..t: R_j uniform below 2^(l+s) and a bit beta_j, as field elements (R_j, then
    /// beta_j), and the m bits of -floor(R_j / 2^h) (bit-major) then beta_j as GF(2^8) elements.
    /// </summary>
    private (T[] Field, Gf256[] Bits) DrawEdaBits(int count, ComparisonCall call)
    {
        int l = call.InputBits, m = call.Width, h = call.Shift;
        var raw = new UInt128[count];
        call.Random.Fill<UInt128>(raw);
        var betaBytes = new byte[count];
        call.Random.Fill(betaBytes);
        var field = new T[2 * count];
        var bits = new Gf256[(m + 1) * count];
        var mask = (UInt128.One << (l + StatisticalSecurity)) - 1;
        for (int e = 0; e < count; e++)
        {
            var r = raw[e] & mask;
            field[e] = T.FromInt128((Int128)r);
            int b = betaBytes[e] & 1;
            field[count + e] = b == 0 ? T.Zero : T.One;
            var negation = UInt128.Zero - (r >> h);
            for (int i = 0; i < m; i++) bits[i * count + e] = new Gf256((byte)((negation >> i) & 1));
            bits[m * count + e] = new Gf256((byte)b);
        }
        return (field, bits);
    }

    /// <summary>
    /// One layer of carry-save adders: each group of three l-bit numbers (bit-major) becomes their sum bits and their
    /// carries shifted up one place (mod 2^l), with one AND per bit (majority(a, b, c) = (a + b)(b + c) + b over GF(2));
    /// the numbers outside a group pass through. One multiplication (not counted again <paramref name="beside"/> another).
    /// </summary>
    private async ValueTask<List<Gf256[]>> CarrySaveLayerAsync(List<Gf256[]> numbers, int count, int l, CancellationToken ct,
        bool beside = false)
    {
        int groups = numbers.Count / 3, width = (l - 1) * count; // the carry out of bit l - 1 leaves the ring
        var left = new Gf256[groups * width];
        var right = new Gf256[groups * width];
        for (int g = 0; g < groups; g++)
        {
            Gf256[] a = numbers[3 * g], b = numbers[3 * g + 1], c = numbers[3 * g + 2];
            VectorMath.Add<Gf256>(a.AsSpan(0, width), b.AsSpan(0, width), left.AsSpan(g * width, width));
            VectorMath.Add<Gf256>(b.AsSpan(0, width), c.AsSpan(0, width), right.AsSpan(g * width, width));
        }
        var products = await Bits.MultiplyAsync(left, right, ct, beside).ConfigureAwait(false);
        var next = new List<Gf256[]>(numbers.Count);
        for (int g = 0; g < groups; g++)
        {
            Gf256[] a = numbers[3 * g], b = numbers[3 * g + 1], c = numbers[3 * g + 2];
            var sum = new Gf256[l * count];
            VectorMath.Add<Gf256>(a, b, sum);
            VectorMath.Add<Gf256>(sum, c, sum);
            var carries = new Gf256[l * count]; // bit i + 1 = majority of bit i
            VectorMath.Add<Gf256>(products.AsSpan(g * width, width), b.AsSpan(0, width), carries.AsSpan(count, width));
            next.Add(sum);
            next.Add(carries);
        }
        for (int k = 3 * groups; k < numbers.Count; k++) next.Add(numbers[k]);
        return next;
    }

    /// <summary>
    /// The XOR of the dealt field bits beta_j (x + y - 2xy, pairwise: ceil(log2(t + 1)) products), one layer at a time
    /// beside the binary rounds. Each layer starts (takes its tags) at the same point of the program at every party.
    /// </summary>
    private sealed class BetaXor(ShamirSuite<T> suite, List<T[]> contributions)
    {
        private List<T[]> _contributions = contributions;

        /// <summary>Starts the next layer, or returns null when one contribution is left.</summary>
        public ValueTask<T[]>? Start(CancellationToken ct)
        {
            if (_contributions.Count < 2) return null;
            int pairs = _contributions.Count / 2, n = _contributions[0].Length;
            var left = new T[pairs * n];
            var right = new T[pairs * n];
            for (int j = 0; j < pairs; j++)
            {
                _contributions[2 * j].CopyTo(left, j * n);
                _contributions[2 * j + 1].CopyTo(right, j * n);
            }
            var product = new T[pairs * n];
            VectorMath.Multiply<T>(left, right, product);
            return suite.ComparisonField.ReduceAsync(product, ct, beside: true);
        }

        /// <summary>Completes a layer started by <see cref="Start"/> (nothing if it returned null).</summary>
        public async ValueTask FinishAsync(ValueTask<T[]>? layer)
        {
            if (layer is not { } pending) return;
            var products = await pending.ConfigureAwait(false);
            int pairs = _contributions.Count / 2, n = _contributions[0].Length;
            var two = T.FromInt64(2);
            var next = new List<T[]>(pairs + 1);
            for (int j = 0; j < pairs; j++)
            {
                T[] a = _contributions[2 * j], b = _contributions[2 * j + 1];
                var xor = new T[n];
                for (int e = 0; e < n; e++) xor[e] = a[e] + b[e] - two * products[j * n + e];
                next.Add(xor);
            }
            if (_contributions.Count % 2 == 1) next.Add(_contributions[^1]);
            _contributions = next;
        }

        /// <summary>A binary operation (started already: its tags are taken) with the next layer beside it.</summary>
        public async ValueTask<TResult> Alongside<TResult>(ValueTask<TResult> binary, CancellationToken ct)
        {
            var layer = Start(ct);
            var result = await binary.ConfigureAwait(false);
            await FinishAsync(layer).ConfigureAwait(false);
            return result;
        }

        /// <summary>The remaining layers (none for t &lt;= 7 and l &gt;= 4), each its own round, then the XOR.</summary>
        public async ValueTask<T[]> CompleteAsync(CancellationToken ct)
        {
            while (_contributions.Count > 1)
            {
                suite.Session.Network.CountRound();
                await FinishAsync(Start(ct)).ConfigureAwait(false);
            }
            return _contributions[0];
        }
    }
}

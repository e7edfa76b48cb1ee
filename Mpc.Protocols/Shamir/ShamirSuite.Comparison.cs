using Mpc.Core.Arithmetic;
using Mpc.Protocols.Comparison;
using Mpc.Protocols.Shamir.Internal;

namespace Mpc.Protocols.Shamir;

public sealed partial class ShamirSuite<T>
{
    private ShamirEngine<Gf256>? _bits;

    /// <summary>
    /// False only in tests, to show the mask is needed: the comparison then opens its result bit unmasked, which shows
    /// every party the sign of every compared value.
    /// </summary>
    internal bool MaskComparisonBits { get; init; } = true;

    /// <summary>The binary domain: Shamir sharing of bits over GF(2^8), same parties and threshold, its own keys.</summary>
    private ShamirEngine<Gf256> Bits =>
        _bits ??= new ShamirEngine<Gf256>(_session, Threshold) { ScatteredOpeningMinimum = _engine.ScatteredOpeningMinimum };

    /// <summary>
    /// Exact [x &lt; 0] for x in [-2^(l-1), 2^(l-1)): one opening of y + R in the field (y = x + 2^(l-1), R a sum of
    /// masks dealt with their low l bits in GF(2^8)), then the top bit of y mod 2^l = (c - R) mod 2^l by a binary
    /// adder over GF(2^8) Shamir shares, turned into a field sharing by a dealt bit shared in both domains.
    /// </summary>
    /// <remarks>
    /// <para>The masks are edaBits (Escudero, Ghosh, Keller, Rachuri and Scholl, "Improved primitives for MPC over
    /// mixed arithmetic-binary circuits", CRYPTO 2020) made without a dealer: each of parties 0..t deals R_j, uniform
    /// below 2^(l+s), in the field and the l low bits of R_j in GF(2^8), and a bit beta_j in both (a daBit). One honest
    /// dealer among the t + 1 hides R within statistical distance 2^-s of y's range, and beta. The bits are Shamir
    /// shares over GF(2^8), where XOR costs nothing and an AND is a product of bytes reduced by DN07 double sharings
    /// from pseudo-random secret sharing: 1/16 of a field product's traffic.</para>
    /// <para>y mod 2^l = c + (t + 1) + sum of NOT rho_j (mod 2^l), rho_j = R_j mod 2^l: carry-save adders (one AND
    /// per bit each) bring the t + 2 addends to two, u and v, and bit l - 1 of u + v is u_(l-1) + v_(l-1) + the carry
    /// into it, from generate and propagate bits by the logarithmic tree of <see cref="BitwiseLessThan"/>. That bit
    /// is [x &gt;= 0]. Its complement, masked by beta and opened, gives [x &lt; 0] = e + beta - 2 e beta in the field
    /// (the conversion of daBits: Rotaru and Wood, INDOCRYPT 2019).</para>
    /// <para>Rounds: the dealing; the opening of c, beside the first adder layer over the dealt numbers; the other
    /// adder layers (one for t &lt;= 2); one for the generate bits; ceil(log2(l - 1)) for the tree; one opening. The
    /// field XOR of the beta_j (ceil(log2(t + 1)) products) runs beside them. About (t + 3) l binary ANDs per element.</para>
    /// </remarks>
    public async ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default)
    {
        int l = inputBits ?? TruncationInputBits;
        if (l < 2 || l > TruncationInputBits)
            throw new ArgumentOutOfRangeException(nameof(inputBits), l,
                $"Comparison inputs have 2 to {TruncationInputBits} bits in this suite.");
        int count = x.Length, t = Threshold, me = _session.PartyId;
        var bits = Bits;
        if (count == 0) return new([]);

        // Round: parties 0..t deal [R_j] and [beta_j] in the field, the low l bits of R_j and beta_j in GF(2^8).
        T[] fieldDealing = [];
        Gf256[] bitDealing = [];
        if (me <= t) (fieldDealing, bitDealing) = DrawEdaBits(count, l);
        var fieldInputs = new ValueTask<T[]>[t + 1];
        var bitInputs = new ValueTask<Gf256[]>[t + 1];
        for (int p = 0; p <= t; p++)
            fieldInputs[p] = _engine.InputAsync(p, p == me ? fieldDealing : ReadOnlyMemory<T>.Empty, 2 * count, ct);
        for (int p = 0; p <= t; p++)
            bitInputs[p] = bits.InputAsync(p, p == me ? bitDealing : ReadOnlyMemory<Gf256>.Empty, (l + 1) * count, ct);
        var masked = new T[count];
        var offset = T.FromInt128(Int128.One << (l - 1));
        for (int i = 0; i < count; i++) masked[i] = x.Shares[i] + offset; // y = x + 2^(l-1), in [0, 2^l)
        var betas = new List<T[]>(t + 1);
        var addends = new List<Gf256[]>(t + 2); // l bits each, bit-major: bit i of element e at i * count + e
        var betaBits = new Gf256[count];
        for (int p = 0; p <= t; p++)
        {
            var dealt = await fieldInputs[p].ConfigureAwait(false);
            VectorMath.Add<T>(masked, dealt.AsSpan(0, count), masked);
            betas.Add(dealt.AsSpan(count, count).ToArray());
            var dealtBits = await bitInputs[p].ConfigureAwait(false);
            var complement = dealtBits.AsSpan(0, l * count).ToArray();
            for (int i = 0; i < complement.Length; i++) complement[i] += Gf256.One; // NOT rho_j
            addends.Add(complement);
            VectorMath.Add<Gf256>(betaBits, dealtBits.AsSpan(l * count, count), betaBits); // beta = XOR of the beta_j
        }
        var beta = new BetaXor(this, betas);

        // Round: open c = y + R; beside it, the first carry-save layer over the dealt numbers and of the beta XOR.
        var opening = _engine.OpenAsync(masked, ct);
        while (addends.Count > 2)
        {
            var layer = CarrySaveLayerAsync(addends, count, l, ct);
            var betaStep = beta.Start(ct);
            addends = await layer.ConfigureAwait(false);
            await beta.FinishAsync(betaStep).ConfigureAwait(false);
        }
        var c = await opening.ConfigureAwait(false);

        // The public addend c + t + 1 (mod 2^l), then one more carry-save layer: two numbers u and v.
        var constant = new Gf256[l * count];
        var lowBits = (Int128.One << l) - 1;
        for (int e = 0; e < count; e++)
        {
            var value = (T.ToSignedInt128(c[e]) + t + 1) & lowBits; // c is below 2^126: its signed lift is itself
            for (int i = 0; i < l; i++) constant[i * count + e] = new Gf256((byte)((value >> i) & 1));
        }
        addends.Insert(0, constant);
        {
            var layer = CarrySaveLayerAsync(addends, count, l, ct);
            var betaStep = beta.Start(ct);
            addends = await layer.ConfigureAwait(false);
            await beta.FinishAsync(betaStep).ConfigureAwait(false);
        }
        Gf256[] u = addends[0], v = addends[1];

        // Generate bits g_i = u_i v_i and propagate bits p_i = u_i + v_i below bit l - 1, then the carry into it.
        int below = (l - 1) * count;
        var generateTask = bits.MultiplyAsync(u.AsSpan(0, below), v.AsSpan(0, below), ct);
        var generateBeta = beta.Start(ct);
        var generate = await generateTask.ConfigureAwait(false);
        await beta.FinishAsync(generateBeta).ConfigureAwait(false);
        var propagate = new Gf256[below];
        VectorMath.Add<Gf256>(u.AsSpan(0, below), v.AsSpan(0, below), propagate);
        var carry = await BitwiseLessThan.CombineAsync(generate, propagate, count, l - 1, (left, right, token) =>
        {
            var product = bits.MultiplyAsync(left, right, token);
            return beta.Alongside(product, token);
        }, ct).ConfigureAwait(false);
        var betaField = await beta.CompleteAsync(ct).ConfigureAwait(false);

        // [x < 0] = NOT bit l - 1 of y; open it masked by beta and convert: e + beta - 2 e beta.
        var result = new Gf256[count];
        for (int e = 0; e < count; e++)
            result[e] = u[below + e] + v[below + e] + carry[e] + Gf256.One + (MaskComparisonBits ? betaBits[e] : Gf256.Zero);
        var opened = await bits.OpenAsync(result, ct).ConfigureAwait(false);
        var shares = new T[count];
        for (int e = 0; e < count; e++)
        {
            if (opened[e].Value > 1) throw new InvalidOperationException($"A masked comparison bit opened as {opened[e]}, not a bit.");
            if (!MaskComparisonBits) shares[e] = opened[e].Value == 0 ? T.Zero : T.One;
            else shares[e] = opened[e].Value == 0 ? betaField[e] : T.One - betaField[e];
        }
        return new(shares);
    }

    /// <summary>
    /// My dealing as one of parties 0..t: R_j uniform below 2^(l+s) and a bit beta_j, as field elements (R_j, then
    /// beta_j), and the l low bits of R_j (bit-major) then beta_j as GF(2^8) elements.
    /// </summary>
    private (T[] Field, Gf256[] Bits) DrawEdaBits(int count, int l)
    {
        var raw = new UInt128[count];
        _session.Random.Fill<UInt128>(raw);
        var betaBytes = new byte[count];
        _session.Random.Fill(betaBytes);
        var field = new T[2 * count];
        var bits = new Gf256[(l + 1) * count];
        var mask = (UInt128.One << (l + StatisticalSecurity)) - 1;
        for (int e = 0; e < count; e++)
        {
            var r = raw[e] & mask;
            field[e] = T.FromInt128((Int128)r);
            int b = betaBytes[e] & 1;
            field[count + e] = b == 0 ? T.Zero : T.One;
            for (int i = 0; i < l; i++) bits[i * count + e] = new Gf256((byte)((r >> i) & 1));
            bits[l * count + e] = new Gf256((byte)b);
        }
        return (field, bits);
    }

    /// <summary>
    /// One layer of carry-save adders: each group of three l-bit numbers (bit-major) becomes their sum bits and their
    /// carries shifted up one place (mod 2^l), with one AND per bit (majority(a, b, c) = (a + b)(b + c) + b over GF(2));
    /// the numbers outside a group pass through. One multiplication.
    /// </summary>
    private async ValueTask<List<Gf256[]>> CarrySaveLayerAsync(List<Gf256[]> numbers, int count, int l, CancellationToken ct)
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
        var products = await Bits.MultiplyAsync(left, right, ct).ConfigureAwait(false);
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
            return suite.ReduceWithDoubleSharingAsync(product, ct);
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

        /// <summary>A binary multiplication with the next layer beside it.</summary>
        public async ValueTask<Gf256[]> Alongside(ValueTask<Gf256[]> binary, CancellationToken ct)
        {
            var layer = Start(ct);
            var result = await binary.ConfigureAwait(false);
            await FinishAsync(layer).ConfigureAwait(false);
            return result;
        }

        /// <summary>The remaining layers (none for t &lt;= 7 and l &gt;= 4), then the XOR.</summary>
        public async ValueTask<T[]> CompleteAsync(CancellationToken ct)
        {
            while (_contributions.Count > 1) await FinishAsync(Start(ct)).ConfigureAwait(false);
            return _contributions[0];
        }
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Common;

namespace Mpc.Protocols.Additive;

/// <summary>
/// Additive n-out-of-n sharing over Z_2^64 with Beaver multiplication: any N >= 2, semi-honest, secure against
/// up to N - 1 corrupt parties (given preprocessing that is).
/// </summary>
/// <remarks>
/// <para>Multiplication: Beaver (1991), one opening. Matrix products: SecureML matrix triples (Mohassel and Zhang
/// 2017), one round. Semi-honest, as above. Rounds: inputs none (PRG-compressed); openings one, or two for N &gt; 2
/// and vectors of <see cref="ScatteredOpeningMinimum"/> elements or more; comparisons 1 + ⌈log2(l - 1)⌉ + 1 with
/// <see cref="ComparisonMethod.BitDecomposition"/> (the default, any N), one round trip with
/// <see cref="ComparisonMethod.GarbledCircuit"/> (N = 2 only; the bridge's base OTs take 2 rounds, once). Truncation:
/// see <see cref="AdditiveTruncation"/>. Derivation: docs/protocols.md#additive-suite-inputs-openings-and-comparisons.</para>
/// <para>By concern: this file holds inputs, openings' entry points, linear operations and products; matrices, the
/// opening itself, truncation (and the fused products, <see cref="IFusedTruncation{T}"/>), powers and comparisons have
/// a file each. What the preprocessing source offers decides the capabilities: power masks give <see cref="Powers"/>
/// (one round for any degree), packed bits give <see cref="SpeculativeComparison"/>; without them those are null and
/// callers see it (<see cref="SuiteOperations"/> then takes the generic path).</para>
/// <para>Garbled comparisons go through a <see cref="Garbling.YaoBridge"/> created on first use; the bridge lives as
/// long as the suite, which does not dispose it.</para>
/// </remarks>
/// <param name="session">The session.</param>
/// <param name="preprocessing">The source of triples and masks.</param>
/// <param name="truncation">The truncation protocol.</param>
/// <param name="comparison">The comparison protocol; <see cref="ComparisonMethod.GarbledCircuit"/> needs two parties.</param>
public sealed partial class AdditiveSuite(Session session, IAdditivePreprocessing preprocessing,
    AdditiveTruncation truncation = AdditiveTruncation.MaskedWithWrapCorrection,
    ComparisonMethod comparison = ComparisonMethod.BitDecomposition) : IArithmeticSuite<Z2k>, IFusedTruncation<Z2k>
{
    private readonly ComparisonMethod _comparison = comparison == ComparisonMethod.GarbledCircuit && session.PartyCount != 2
        ? throw new ArgumentException($"Garbled-circuit comparison needs two parties; the session has {session.PartyCount}.",
            nameof(comparison))
        : comparison;

    private Task<Garbling.YaoBridge>? _bridge;

    private const ulong Low63 = (1UL << 63) - 1;

    // Packed-bit material for comparisons, when the preprocessing source offers it.
    private readonly IBinaryPreprocessing? _binary = preprocessing as IBinaryPreprocessing;
    private IFastPowers<Z2k>? _fastPowers;
    private ISpeculativeComparison<Z2k>? _speculative;

    // Matrices this suite prepared, with their opened masked values and masks.
    private readonly ConditionalWeakTable<ReusableMatrix<Z2k>, Internal.PreparedMatrix> _prepared = new();

    /// <inheritdoc />
    public Session Session => session;

    /// <inheritdoc />
    public string Name => "additive";

    /// <summary>The source of triples and masks.</summary>
    public IAdditivePreprocessing Preprocessing => preprocessing;

    /// <inheritdoc />
    public int TruncationInputBits => 63;

    /// <summary>The comparison protocol this suite uses.</summary>
    public ComparisonMethod ComparisonMethod => _comparison;

    /// <inheritdoc />
    public int TruncationErrorBound => 1;

    /// <inheritdoc />
    /// <remarks>Always: products and their truncation ask for their triples and masks together.</remarks>
    public IFusedTruncation<Z2k>? FusedTruncation => this;

    /// <inheritdoc />
    /// <remarks>With power masks from the preprocessing source (<see cref="IPowerPreprocessing"/>, the dealer) and
    /// masked truncation.</remarks>
    public IFastPowers<Z2k>? Powers => preprocessing is IPowerPreprocessing masks
        && truncation == AdditiveTruncation.MaskedWithWrapCorrection
        ? _fastPowers ??= new PowerMasks(this, masks)
        : null;

    /// <inheritdoc />
    /// <remarks>
    /// With packed comparison material (<see cref="IBinaryPreprocessing"/>) and bit-decomposition comparisons: that
    /// comparison takes all its tags up front, and every opening here is masked by a value uniform over the whole ring,
    /// whatever the input.
    /// </remarks>
    public ISpeculativeComparison<Z2k>? SpeculativeComparison => _binary is { } binary && _comparison == ComparisonMethod.BitDecomposition
        ? _speculative ??= new PackedComparison(this, binary)
        : null;

    private bool IsLeader => session.PartyId == 0;

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> InputAsync(int owner, ReadOnlyMemory<Z2k> values, int length, CancellationToken ct = default)
    {
        CheckParty(owner, nameof(owner));
        var tag = session.NextTag();
        var mine = new Z2k[length];
        if (session.PartyId == owner)
        {
            if (values.Length != length)
                throw new ArgumentException($"Party {owner} inputs {values.Length} values where the program says {length}.",
                    nameof(values));
            values.Span.CopyTo(mine);
            var derived = new Z2k[length];
            for (int p = 0; p < session.PartyCount; p++)
            {
                if (p == owner) continue;
                using var prg = session.SharedPrg(p, tag);
                prg.FillUniform<Z2k>(derived);
                VectorMath.Subtract<Z2k>(mine, derived, mine);
            }
        }
        else
        {
            using var prg = session.SharedPrg(owner, tag);
            prg.FillUniform<Z2k>(mine);
        }
        return ValueTask.FromResult(new SharedVector<Z2k>(mine));
    }

    /// <inheritdoc />
    public async ValueTask<Z2k[]> OpenAsync(SharedVector<Z2k> x, CancellationToken ct = default)
    {
        var tag = session.NextTag();
        return await OpenSharesAsync(x.Shares, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Z2k[]?> OpenToAsync(int receiver, SharedVector<Z2k> x, CancellationToken ct = default)
    {
        CheckParty(receiver, nameof(receiver));
        var tag = session.NextTag();
        var network = session.Network;
        // Round 1: everyone sends its share to the receiver.
        if (session.PartyId != receiver)
        {
            await network.SendAsync<Z2k>(receiver, tag, x.Shares, ct).ConfigureAwait(false);
            network.CountRound();
            return null;
        }
        var sum = (Z2k[])x.Shares.Clone();
        var incoming = new Z2k[x.Length];
        for (int p = 0; p < session.PartyCount; p++)
        {
            if (p == receiver) continue;
            await network.ReceiveAsync<Z2k>(p, tag, incoming, ct).ConfigureAwait(false);
            VectorMath.Add<Z2k>(sum, incoming, sum);
        }
        network.CountRound();
        return sum;
    }

    /// <inheritdoc />
    public SharedVector<Z2k> Constant(ReadOnlySpan<Z2k> values) => new(IsLeader ? values.ToArray() : new Z2k[values.Length]);

    /// <inheritdoc />
    public SharedVector<Z2k> Add(SharedVector<Z2k> x, SharedVector<Z2k> y) => LocalOperations.Add(x, y);

    /// <inheritdoc />
    public SharedVector<Z2k> Subtract(SharedVector<Z2k> x, SharedVector<Z2k> y) => LocalOperations.Subtract(x, y);

    /// <inheritdoc />
    public SharedVector<Z2k> AddPublic(SharedVector<Z2k> x, ReadOnlySpan<Z2k> c)
    {
        var z = (Z2k[])x.Shares.Clone();
        if (IsLeader) VectorMath.Add<Z2k>(z, c, z);
        else if (c.Length != z.Length) throw new ArgumentException($"Adding {c.Length} public values to {z.Length} shares.", nameof(c));
        return new(z);
    }

    /// <inheritdoc />
    public SharedVector<Z2k> MultiplyPublic(SharedVector<Z2k> x, ReadOnlySpan<Z2k> c) => LocalOperations.MultiplyPublic(x, c);

    /// <inheritdoc />
    public SharedVector<Z2k> Scale(SharedVector<Z2k> x, Z2k c) => LocalOperations.Scale(x, c);

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2k>> MultiplyAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, CancellationToken ct = default)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        int n = x.Length;
        var tag = session.NextTag();
        var t = await preprocessing.TakeTriplesAsync(n, ct).ConfigureAwait(false);

        // Round 1: open d = x - a and e = y - b together, in a pooled buffer (a product of 10^6 elements would
        // otherwise allocate 16 MB here and (N + 1) 16 MB more in the exchange).
        var masked = ArrayPool<Z2k>.Shared.Rent(2 * n);
        VectorMath.Subtract<Z2k>(x.Shares, t.A, masked.AsSpan(0, n));
        VectorMath.Subtract<Z2k>(y.Shares, t.B, masked.AsSpan(n, n));
        await OpenSharesInPlaceAsync(masked.AsMemory(0, 2 * n), tag, ct).ConfigureAwait(false);

        // z = c + d b + e a (+ d e at the leader), since x y = (d + a)(e + b); one pass, written over c.
        var z = t.C;
        Internal.BeaverKernel.Combine(z, masked.AsSpan(0, n), masked.AsSpan(n, n), t.A, t.B, IsLeader, z);
        ArrayPool<Z2k>.Shared.Return(masked);
        return new(z);
    }

    private void CheckParty(int party, string name)
    {
        if ((uint)party >= (uint)session.PartyCount)
            throw new ArgumentOutOfRangeException(name, party, $"Parties are numbered 0 to {session.PartyCount - 1}.");
    }
}

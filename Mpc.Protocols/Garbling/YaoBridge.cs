using Mpc.Core.Arithmetic;
using Mpc.Core.Circuits;

namespace Mpc.Protocols.Garbling;

/// <summary>
/// Conversions between two-party additive shares mod 2^64 and garbled values, and garbled comparisons on shares
/// (ABY, Demmler, Schneider, Zohner, NDSS 2015): party 0 garbles, party 1 evaluates. Create one per two-party session,
/// on both parties in the same order as the other protocols of the session.
/// </summary>
/// <remarks>
/// ABY-style conversions over the <see cref="Garbler"/>'s protocol; semi-honest security: nothing is revealed to the
/// garbler, and the evaluator sees labels and v - r for a fresh uniform r. Rounds: creating the bridge runs the base
/// OTs (2 rounds) once; each call is one circuit, two messages (one round trip). Derivation:
/// docs/protocols.md#a2y-and-y2a-conversions.
/// </remarks>
public sealed class YaoBridge : IDisposable
{
    private static OutputMode[] Keep => [OutputMode.KeepLabels];
    private static OutputMode[] Reveal => [OutputMode.RevealToEvaluator];

    private readonly Session _session;
    private readonly Garbler? _garbler;
    private readonly Evaluator? _evaluator;

    private YaoBridge(Session session, Garbler? garbler, Evaluator? evaluator)
    {
        _session = session;
        _garbler = garbler;
        _evaluator = evaluator;
    }

    /// <summary>
    /// Creates the bridge of a two-party session: party 0 becomes the garbler, party 1 the evaluator (base OTs, 2 rounds).
    /// </summary>
    /// <exception cref="ArgumentException">The session does not have exactly two parties.</exception>
    public static async ValueTask<YaoBridge> CreateAsync(Session session, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.PartyCount != 2)
            throw new ArgumentException($"Garbled circuits need exactly two parties; this session has {session.PartyCount}.",
                nameof(session));
        return session.PartyId == 0
            ? new YaoBridge(session, await Garbler.CreateAsync(session, evaluator: 1, ct).ConfigureAwait(false), null)
            : new YaoBridge(session, null, await Evaluator.CreateAsync(session, garbler: 0, ct).ConfigureAwait(false));
    }

    /// <summary>Whether this party garbles (party 0).</summary>
    public bool IsGarbler => _garbler is not null;

    /// <summary>
    /// The garbler (at party 0; null at party 1), for custom circuits on <see cref="YaoValues"/> (piecewise functions,
    /// say): pass <see cref="YaoValues.GarblerLabels"/> to <see cref="GarblerInput.FromLabels"/>, keep the outputs as
    /// labels and wrap them with <see cref="Wrap(int, GarblerLabels)"/>. Calls must stay in step with the evaluator's.
    /// </summary>
    public Garbler? Garbler => _garbler;

    /// <summary>The evaluator (at party 1; null at party 0), the counterpart of <see cref="Garbler"/>.</summary>
    public Evaluator? Evaluator => _evaluator;

    /// <summary>Wraps kept output labels of this bridge's garbler as <paramref name="count"/> values (party 0).</summary>
    public YaoValues Wrap(int count, GarblerLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!ReferenceEquals(labels.Owner, _garbler)) throw new ArgumentException("The labels belong to another garbler.", nameof(labels));
        return new YaoValues(this, count, CheckWidth(count, labels.Width), labels, null);
    }

    /// <summary>Wraps kept output labels of this bridge's evaluator as <paramref name="count"/> values (party 1).</summary>
    public YaoValues Wrap(int count, EvaluatorLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!ReferenceEquals(labels.Owner, _evaluator))
            throw new ArgumentException("The labels belong to another evaluator.", nameof(labels));
        return new YaoValues(this, count, CheckWidth(count, labels.Width), null, labels);
    }

    private static int CheckWidth(int count, int bits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (bits % count != 0 || bits / count is 0 or > 64)
            throw new ArgumentException($"{bits} bits are not {count} values of 1 to 64 bits.", nameof(count));
        return bits / count;
    }

    /// <summary>
    /// Turns additive shares mod 2^64 into garbled 64-bit values (their sums), kept as labels: one circuit, two messages.
    /// </summary>
    public async ValueTask<YaoValues> ArithmeticToYaoAsync(SharedVector<Z2k> x, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Length;
        const int w = ConversionCircuits.RingBits;
        if (n == 0) return new YaoValues(this, 0, w, null, null);
        Circuit circuit = ConversionCircuits.AddShares(n);
        bool[] mine = ToBits(x.Shares, w);
        if (_garbler is not null)
        {
            var result = await _garbler.GarbleAsync(circuit, [GarblerInput.Own(mine), GarblerInput.FromEvaluator],
                Keep, ct).ConfigureAwait(false);
            return new YaoValues(this, n, w, result.Labels(0), null);
        }
        var evaluated = await _evaluator!.EvaluateAsync(circuit, [EvaluatorInput.FromGarbler, EvaluatorInput.Own(mine)],
            Keep, ct).ConfigureAwait(false);
        return new YaoValues(this, n, w, null, evaluated.Labels(0));
    }

    /// <summary>
    /// Turns garbled values of up to 64 bits (read as unsigned and zero-extended; 1-bit values give 0/1) into fresh
    /// additive shares mod 2^64: one circuit, two messages. The values' labels stay usable.
    /// </summary>
    public async ValueTask<SharedVector<Z2k>> YaoToArithmeticAsync(YaoValues values, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!ReferenceEquals(values.Owner, this)) throw new ArgumentException("The values belong to another bridge.", nameof(values));
        int n = values.Count;
        if (n == 0) return new SharedVector<Z2k>([]);
        Circuit circuit = ConversionCircuits.SubtractMask(n, values.Width);
        if (_garbler is not null)
        {
            Z2k[] r = DrawMasks(n);
            await _garbler.GarbleAsync(circuit, [GarblerInput.FromLabels(values.GarblerLabels!), GarblerInput.Own(ToBits(r, 64))],
                Reveal, ct).ConfigureAwait(false);
            return new SharedVector<Z2k>(r);
        }
        var result = await _evaluator!.EvaluateAsync(circuit,
            [EvaluatorInput.FromLabels(values.EvaluatorLabels!), EvaluatorInput.FromGarbler], Reveal, ct).ConfigureAwait(false);
        return new SharedVector<Z2k>(FromBits(result.Bits(0), n));
    }

    /// <summary>
    /// Opens garbled values to both parties (unsigned, zero-extended to 64 bits): one circuit with no gates, three
    /// messages (the third carries the evaluator's colour bits to the garbler).
    /// </summary>
    public async ValueTask<ulong[]> RevealAsync(YaoValues values, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!ReferenceEquals(values.Owner, this)) throw new ArgumentException("The values belong to another bridge.", nameof(values));
        int n = values.Count, w = values.Width;
        if (n == 0) return [];
        var builder = new CircuitBuilder();
        builder.Output(builder.Input(n * w));
        Circuit circuit = builder.Build();
        OutputMode[] both = [OutputMode.RevealToBoth];
        bool[] bits = _garbler is not null
            ? (await _garbler.GarbleAsync(circuit,
                [GarblerInput.FromLabels(values.GarblerLabels!)], both, ct).ConfigureAwait(false)).Bits(0)
            : (await _evaluator!.EvaluateAsync(circuit,
                [EvaluatorInput.FromLabels(values.EvaluatorLabels!)], both, ct).ConfigureAwait(false)).Bits(0);
        var result = new ulong[n];
        for (int e = 0; e < n; e++) result[e] = Bits.ToUInt64(bits.AsSpan(e * w, w));
        return result;
    }

    /// <summary>
    /// [x &lt; 0] as 0/1 additive shares, for shared x whose value lies in [-2^(bits-1), 2^(bits-1)): one circuit that
    /// adds the low <paramref name="bits"/> bits of the shares, takes bit bits - 1 and returns it masked as in
    /// <see cref="YaoToArithmeticAsync"/>. Two messages (one round trip); bits - 1 + 63 AND gates per element.
    /// </summary>
    public async ValueTask<SharedVector<Z2k>> LessThanZeroAsync(SharedVector<Z2k> x, int bits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        int n = x.Length;
        if (n == 0) return new SharedVector<Z2k>([]);
        Circuit circuit = ConversionCircuits.SignMasked(n, bits);
        bool[] mine = ToBits(x.Shares, bits);
        if (_garbler is not null)
        {
            Z2k[] r = DrawMasks(n);
            await _garbler.GarbleAsync(circuit, [GarblerInput.Own(mine), GarblerInput.FromEvaluator, GarblerInput.Own(ToBits(r, 64))],
                Reveal, ct).ConfigureAwait(false);
            return new SharedVector<Z2k>(r);
        }
        var result = await _evaluator!.EvaluateAsync(circuit,
            [EvaluatorInput.FromGarbler, EvaluatorInput.Own(mine), EvaluatorInput.FromGarbler], Reveal, ct).ConfigureAwait(false);
        return new SharedVector<Z2k>(FromBits(result.Bits(0), n));
    }

    /// <summary>Disposes the garbler or evaluator (wiping its OT state).</summary>
    public void Dispose()
    {
        _garbler?.Dispose();
        _evaluator?.Dispose();
    }

    private Z2k[] DrawMasks(int n)
    {
        var r = new Z2k[n];
        _session.Random.Fill<Z2k>(r);
        return r;
    }

    /// <summary>The low <paramref name="width"/> bits of each element, least significant first, element after element.</summary>
    private static bool[] ToBits(ReadOnlySpan<Z2k> values, int width)
    {
        var bits = new bool[values.Length * width];
        for (int e = 0; e < values.Length; e++)
        {
            ulong v = values[e].Value;
            for (int i = 0; i < width; i++) bits[e * width + i] = ((v >> i) & 1) != 0;
        }
        return bits;
    }

    private static Z2k[] FromBits(ReadOnlySpan<bool> bits, int n)
    {
        var values = new Z2k[n];
        for (int e = 0; e < n; e++) values[e] = new Z2k(Bits.ToUInt64(bits.Slice(e * 64, 64)));
        return values;
    }
}

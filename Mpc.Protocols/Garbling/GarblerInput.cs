namespace Mpc.Protocols.Garbling;

/// <summary>One input value of a circuit as the garbler supplies it (see <see cref="InputSource"/>).</summary>
public readonly struct GarblerInput
{
    private GarblerInput(InputSource source, ReadOnlyMemory<bool> bits, GarblerLabels? labels)
    {
        Source = source;
        Bits = bits;
        Labels = labels;
    }

    /// <summary>The garbler's own bits (least significant first, as the circuit numbers them).</summary>
    public static GarblerInput Own(ReadOnlyMemory<bool> bits) => new(InputSource.Garbler, bits, null);

    /// <summary>A value the evaluator supplies; its labels go by oblivious transfer.</summary>
    public static GarblerInput FromEvaluator => new(InputSource.Evaluator, default, null);

    /// <summary>A value kept as labels by an earlier circuit of this garbler.</summary>
    public static GarblerInput FromLabels(GarblerLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new(InputSource.Labels, default, labels);
    }

    /// <summary>Where the value comes from (0 for <c>default</c>, which is not a valid input).</summary>
    public InputSource Source { get; }

    internal ReadOnlyMemory<bool> Bits { get; }

    internal GarblerLabels? Labels { get; }
}

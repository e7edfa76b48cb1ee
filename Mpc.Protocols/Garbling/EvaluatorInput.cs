namespace Mpc.Protocols.Garbling;

/// <summary>One input value of a circuit as the evaluator supplies it (see <see cref="InputSource"/>).</summary>
public readonly struct EvaluatorInput
{
    private EvaluatorInput(InputSource source, ReadOnlyMemory<bool> bits, EvaluatorLabels? labels)
    {
        Source = source;
        Bits = bits;
        Labels = labels;
    }

    /// <summary>The evaluator's own bits (least significant first), which choose its labels by oblivious transfer.</summary>
    public static EvaluatorInput Own(ReadOnlyMemory<bool> bits) => new(InputSource.Evaluator, bits, null);

    /// <summary>A value the garbler supplies; it sends the labels.</summary>
    public static EvaluatorInput FromGarbler => new(InputSource.Garbler, default, null);

    /// <summary>A value kept as labels by an earlier circuit of this evaluator.</summary>
    public static EvaluatorInput FromLabels(EvaluatorLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new(InputSource.Labels, default, labels);
    }

    /// <summary>Where the value comes from (0 for <c>default</c>, which is not a valid input).</summary>
    public InputSource Source { get; }

    internal ReadOnlyMemory<bool> Bits { get; }

    internal EvaluatorLabels? Labels { get; }
}

namespace Mpc.Protocols.Garbling;

/// <summary>
/// Values held as garbled labels by the two parties of a <see cref="YaoBridge"/>: <see cref="Count"/> values of
/// <see cref="Width"/> bits each, with the garbler's zero-labels at party 0 and the active labels at party 1. Nobody
/// learns the values; they feed later circuits of the same bridge.
/// </summary>
public sealed class YaoValues
{
    internal YaoValues(YaoBridge owner, int count, int width, GarblerLabels? garbler, EvaluatorLabels? evaluator)
    {
        Owner = owner;
        Count = count;
        Width = width;
        GarblerLabels = garbler;
        EvaluatorLabels = evaluator;
    }

    /// <summary>Number of values.</summary>
    public int Count { get; }

    /// <summary>Bits per value.</summary>
    public int Width { get; }

    internal YaoBridge Owner { get; }

    /// <summary>
    /// The garbler's labels of all values (value e's bits at e · <see cref="Width"/>), to feed a custom circuit of
    /// <see cref="YaoBridge.Garbler"/>; null at the evaluator and for no values.
    /// </summary>
    public GarblerLabels? GarblerLabels { get; }

    /// <summary>The evaluator's labels of all values, as <see cref="GarblerLabels"/>; null at the garbler and for no values.</summary>
    public EvaluatorLabels? EvaluatorLabels { get; }

    /// <summary>"YaoValues(n x w bits)": never the labels.</summary>
    public override string ToString() => $"YaoValues({Count} x {Width} bits)";
}

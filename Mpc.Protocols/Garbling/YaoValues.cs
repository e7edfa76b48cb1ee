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
        Garbler = garbler;
        Evaluator = evaluator;
    }

    /// <summary>Number of values.</summary>
    public int Count { get; }

    /// <summary>Bits per value.</summary>
    public int Width { get; }

    internal YaoBridge Owner { get; }

    internal GarblerLabels? Garbler { get; }

    internal EvaluatorLabels? Evaluator { get; }

    /// <summary>"YaoValues(n x w bits)": never the labels.</summary>
    public override string ToString() => $"YaoValues({Count} x {Width} bits)";
}

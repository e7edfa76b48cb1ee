namespace Mpc.Protocols.Garbling;

/// <summary>What the evaluator holds after a circuit: the values revealed to it, and its labels of every output value.</summary>
public sealed class EvaluatorResult
{
    private readonly OutputMode[] _modes;
    private readonly bool[]?[] _bits;
    private readonly EvaluatorLabels[] _labels;

    internal EvaluatorResult(OutputMode[] modes, bool[]?[] bits, EvaluatorLabels[] labels)
    {
        _modes = modes;
        _bits = bits;
        _labels = labels;
    }

    /// <summary>Number of output values.</summary>
    public int Count => _modes.Length;

    /// <summary>What happened to output value <paramref name="value"/>.</summary>
    public OutputMode Mode(int value) => _modes[value];

    /// <summary>The bits of output value <paramref name="value"/> (least significant first); only for values revealed to the evaluator.</summary>
    /// <exception cref="InvalidOperationException">The value was not revealed to the evaluator.</exception>
    public bool[] Bits(int value) =>
        _bits[value] ?? throw new InvalidOperationException($"Output value {value} was not revealed to the evaluator (its mode is {_modes[value]}).");

    /// <summary>The evaluator's labels of output value <paramref name="value"/>, to feed a later circuit.</summary>
    public EvaluatorLabels Labels(int value) => _labels[value];
}

namespace Mpc.Protocols.Garbling;

/// <summary>
/// What one party holds after a circuit: the values revealed to it, and its labels of every output value
/// (<see cref="GarblerResult"/> and <see cref="EvaluatorResult"/> differ only in whose labels they carry).
/// </summary>
/// <typeparam name="TLabels">The party's kind of labels.</typeparam>
public abstract class CircuitResult<TLabels>
{
    private readonly OutputMode[] _modes;
    private readonly bool[]?[] _bits;
    private readonly TLabels[] _labels;
    private readonly string _role;

    private protected CircuitResult(string role, OutputMode[] modes, bool[]?[] bits, TLabels[] labels)
    {
        _role = role;
        _modes = modes;
        _bits = bits;
        _labels = labels;
    }

    /// <summary>Number of output values.</summary>
    public int Count => _modes.Length;

    /// <summary>What happened to output value <paramref name="value"/>.</summary>
    public OutputMode Mode(int value) => _modes[value];

    /// <summary>
    /// The bits of output value <paramref name="value"/> (least significant first); only for values revealed to this party.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value was not revealed to this party.</exception>
    public bool[] Bits(int value) =>
        _bits[value]
            ?? throw new InvalidOperationException($"Output value {value} was not revealed to the {_role} (its mode is {_modes[value]}).");

    /// <summary>This party's labels of output value <paramref name="value"/>, to feed a later circuit.</summary>
    public TLabels Labels(int value) => _labels[value];
}

/// <summary>What the garbler holds after a circuit: the values revealed to it, and the labels of every output value.</summary>
public sealed class GarblerResult : CircuitResult<GarblerLabels>
{
    internal GarblerResult(OutputMode[] modes, bool[]?[] bits, GarblerLabels[] labels) : base("garbler", modes, bits, labels) { }
}

/// <summary>What the evaluator holds after a circuit: the values revealed to it, and its labels of every output value.</summary>
public sealed class EvaluatorResult : CircuitResult<EvaluatorLabels>
{
    internal EvaluatorResult(OutputMode[] modes, bool[]?[] bits, EvaluatorLabels[] labels) : base("evaluator", modes, bits, labels) { }
}

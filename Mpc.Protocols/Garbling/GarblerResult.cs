namespace Mpc.Protocols.Garbling;

/// <summary>What the garbler holds after a circuit: the values revealed to it, and the labels of every output value.</summary>
public sealed class GarblerResult
{
    private readonly OutputMode[] _modes;
    private readonly bool[]?[] _bits;
    private readonly GarblerLabels[] _labels;

    internal GarblerResult(OutputMode[] modes, bool[]?[] bits, GarblerLabels[] labels)
    {
        _modes = modes;
        _bits = bits;
        _labels = labels;
    }

    /// <summary>Number of output values.</summary>
    public int Count => _modes.Length;

    /// <summary>What happened to output value <paramref name="value"/>.</summary>
    public OutputMode Mode(int value) => _modes[value];

    /// <summary>The bits of output value <paramref name="value"/> (least significant first); only for values revealed to the garbler.</summary>
    /// <exception cref="InvalidOperationException">The value was not revealed to the garbler.</exception>
    public bool[] Bits(int value) =>
        _bits[value] ?? throw new InvalidOperationException($"Output value {value} was not revealed to the garbler (its mode is {_modes[value]}).");

    /// <summary>The garbler's labels of output value <paramref name="value"/>, to feed a later circuit.</summary>
    public GarblerLabels Labels(int value) => _labels[value];
}

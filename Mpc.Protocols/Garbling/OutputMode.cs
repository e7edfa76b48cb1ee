namespace Mpc.Protocols.Garbling;

/// <summary>What happens to one output value of a garbled circuit.</summary>
public enum OutputMode : byte
{
    /// <summary>The evaluator learns the value: the garbler sends its decoding bits (the output labels' permute bits).</summary>
    RevealToEvaluator = 1,

    /// <summary>The garbler learns the value: the evaluator sends its labels' colour bits, which say nothing to it.</summary>
    RevealToGarbler = 2,

    /// <summary>Both learn the value (both messages).</summary>
    RevealToBoth = 3,

    /// <summary>Nobody learns it: both keep the labels, to feed a later circuit (<see cref="GarblerInput.FromLabels"/>).</summary>
    KeepLabels = 4,
}

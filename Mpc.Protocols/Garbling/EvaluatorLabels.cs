using Mpc.Core.Blocks;

namespace Mpc.Protocols.Garbling;

/// <summary>
/// The evaluator's side of a garbled value kept for later use: one label per bit, W0 or W1, which it cannot tell apart.
/// Valid only with the <see cref="Evaluator"/> that got it. Pass it to <see cref="EvaluatorInput.FromLabels"/> while the
/// garbler passes its <see cref="GarblerLabels"/>.
/// </summary>
public sealed class EvaluatorLabels
{
    internal EvaluatorLabels(Evaluator owner, Block128[] labels)
    {
        Owner = owner;
        ActiveLabels = labels;
    }

    /// <summary>Number of bits.</summary>
    public int Width => ActiveLabels.Length;

    internal Evaluator Owner { get; }

    internal Block128[] ActiveLabels { get; }

    /// <summary>"EvaluatorLabels(32 bits)": never the labels.</summary>
    public override string ToString() => $"EvaluatorLabels({Width} bits)";
}

using Mpc.Core.Blocks;

namespace Mpc.Protocols.Garbling;

/// <summary>
/// The garbler's side of a garbled value kept for later use: the zero-label W0 of each bit (W1 = W0 ⊕ Δ). A secret of
/// the garbler; valid only with the <see cref="Garbler"/> that made it (its Δ). Pass it to
/// <see cref="GarblerInput.FromLabels"/> while the evaluator passes its <see cref="EvaluatorLabels"/>.
/// </summary>
public sealed class GarblerLabels
{
    internal GarblerLabels(Garbler owner, Block128[] zeroLabels)
    {
        Owner = owner;
        ZeroLabels = zeroLabels;
    }

    /// <summary>Number of bits.</summary>
    public int Width => ZeroLabels.Length;

    internal Garbler Owner { get; }

    internal Block128[] ZeroLabels { get; }

    /// <summary>"GarblerLabels(32 bits)": never the labels.</summary>
    public override string ToString() => $"GarblerLabels({Width} bits)";
}

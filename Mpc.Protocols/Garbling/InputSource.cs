namespace Mpc.Protocols.Garbling;

/// <summary>Where the labels of one input value of a garbled circuit come from.</summary>
public enum InputSource : byte
{
    /// <summary>The garbler's plaintext: it sends the labels of its bits.</summary>
    Garbler = 1,

    /// <summary>The evaluator's plaintext: it gets the labels of its bits by oblivious transfer.</summary>
    Evaluator = 2,

    /// <summary>A garbled value that an earlier circuit of the same garbler and evaluator kept as labels; nothing is sent.</summary>
    Labels = 3,
}

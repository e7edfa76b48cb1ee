using Mpc.Core.Blocks;

namespace Mpc.Protocols.ObliviousTransfer.Internal;

/// <summary>Which flavour of extended OT a batch produces.</summary>
internal enum IknpFlavour
{
    /// <summary>Raw correlated blocks: t_j = q_j ⊕ c_j·Δ. One message (the correction matrix).</summary>
    CorrelatedBlocks,

    /// <summary>Random OT: both messages are hashes of the correlated blocks. One message.</summary>
    Random,

    /// <summary>Chosen-message OT: the sender also sends both messages masked by the hashes. Two messages.</summary>
    Chosen,

    /// <summary>Correlated OT over Z_2^64 with a vector of words per OT. Two messages.</summary>
    CorrelatedWords,
}

/// <summary>One batch's inputs and outputs, as the caller passed them.</summary>
internal readonly record struct IknpRequest(
    IknpFlavour Flavour,
    int Count,
    Memory<Block128> Blocks0 = default,
    Memory<Block128> Blocks1 = default,
    ReadOnlyMemory<Block128> Messages0 = default,
    ReadOnlyMemory<Block128> Messages1 = default,
    ReadOnlyMemory<ulong> Correlations = default,
    Memory<ulong> Words = default,
    int Width = 1,
    bool TruncatedByIndex = false)
{
    /// <summary>Whether the sender answers each correction chunk (chosen-message and word-correlated OT).</summary>
    public bool HasReply => Flavour is IknpFlavour.Chosen or IknpFlavour.CorrelatedWords;

    /// <summary>Rounds the batch costs: one for the correction matrix, one more for the sender's reply.</summary>
    public int Rounds => HasReply ? 2 : 1;

    /// <summary>Bytes of the sender's reply to a chunk of <paramref name="ots"/> OTs.</summary>
    public int ReplyBytes(int ots) => Flavour switch
    {
        IknpFlavour.Chosen => 2 * ots * Block128.Size,
        IknpFlavour.CorrelatedWords when TruncatedByIndex => TruncatedWords.PackedBytes(ots, Width),
        IknpFlavour.CorrelatedWords => ots * Width * sizeof(ulong),
        _ => 0,
    };

    /// <summary>Scratch blocks a side needs per chunk of <paramref name="ots"/> OTs.</summary>
    public int ScratchBlocks(int ots) => Flavour == IknpFlavour.CorrelatedWords ? 3 * ots : 0;
}

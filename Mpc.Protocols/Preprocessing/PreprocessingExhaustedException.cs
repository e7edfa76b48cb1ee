using Mpc.Core;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// A protocol asked for more preprocessing material than was produced for it. Material is never handed out twice
/// (a reused triple or mask leaks the values it masks), so running out is an error, never a silent reuse.
/// </summary>
public sealed class PreprocessingExhaustedException(string kind, long needed, long produced, long handedOut)
    : MpcException($"Preprocessing exhausted: needed {needed} {kind}, produced {produced}, of which {handedOut} already handed out "
        + $"({produced - handedOut} left); produce more before the online phase.")
{
    /// <summary>What ran out ("triples").</summary>
    public string Kind { get; } = kind;

    /// <summary>How many the request needed.</summary>
    public long Needed { get; } = needed;

    /// <summary>How many were produced in all.</summary>
    public long Produced { get; } = produced;

    /// <summary>How many had been handed out before the request.</summary>
    public long HandedOut { get; } = handedOut;
}

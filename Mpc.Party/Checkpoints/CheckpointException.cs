using Mpc.Core;

namespace Mpc.Party.Checkpoints;

/// <summary>A checkpoint that cannot be used: unreadable, or written by another cluster, session, party or settings (named).</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : MpcException(message, inner);

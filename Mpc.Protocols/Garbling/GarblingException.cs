using Mpc.Net;

namespace Mpc.Protocols.Garbling;

/// <summary>
/// The garbler and the evaluator do not agree on a garbled computation, e.g. they hold different circuits or assign
/// an input to different parties. <see cref="PeerException.PeerId"/> is the other party and <see cref="Check"/> what
/// disagreed. The message carries no secret.
/// </summary>
public sealed class GarblingException : PeerException
{
    /// <summary>Party <paramref name="peerId"/>'s view differs from ours as <paramref name="detail"/> says.</summary>
    public GarblingException(int peerId, GarblingCheck check, string detail)
        : base(peerId, $"Party {peerId} disagrees on the garbled computation: {check}: {detail}.")
    {
        Check = check;
        Detail = detail;
    }

    /// <summary>What disagreed.</summary>
    public GarblingCheck Check { get; }

    /// <summary>How, e.g. "input value 1: we say Garbler, they say Evaluator".</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string Reason => $"disagrees on the garbled computation: {Check}: {Detail}";
}

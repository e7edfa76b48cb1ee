namespace Mpc.Tests.Faults;

/// <summary>
/// Where a fault strikes: a party's process, the link from party 2 to party 0 (through a <see cref="LinkProxy"/>), party
/// 2's start, or an outsider without a pinned certificate who reaches party 0's port while the mesh forms.
/// </summary>
public enum FaultSite
{
    Process,
    Link,
    Startup,
    Outsider,
}

/// <summary>
/// One fault of the matrix, injected into a 3-party run of a long <c>ping</c> (every party exchanging with every other,
/// all the time). Party 2 is the victim: its process is killed or stopped, its link to party 0 goes through the
/// proxy, or it starts misconfigured. <see cref="Culprits"/> are the parties an error may rightly name (for a fault
/// of the link itself, where each end sees the other go silent, the transport's convention names the link's higher
/// end, party 2) and <see cref="Expected"/> the words the error must contain, in every party that is not stopped.
/// </summary>
public sealed record FaultScenario(string Name, FaultSite Site, bool Tls, int[] Culprits, string[] Expected,
    Func<TimeSpan, TimeSpan, TimeSpan> Bound)
{
    public const int Victim = 2;
    public const int LinkServer = 0;

    public LinkFault? LinkFault { get; init; }

    /// <summary>Words the victim's own error must contain (for faults where it fails on its own, e.g. a bad config).</summary>
    public string[] VictimExpected { get; init; } = [];

    /// <summary>An outsider's attack (<see cref="Infrastructure.Outsider.Attacks"/>) and how many connections make it.</summary>
    public (string Kind, int Connections)? Attack { get; init; }

    public override string ToString() => Name;

    private static TimeSpan ReceiveBound(TimeSpan receive, TimeSpan connect) => receive + TimeSpan.FromSeconds(5);

    private static TimeSpan SecondDeadlineBound(TimeSpan receive, TimeSpan connect) => receive * 2 + TimeSpan.FromSeconds(5);

    private static TimeSpan ConnectBound(TimeSpan receive, TimeSpan connect) => connect + TimeSpan.FromSeconds(5);

    // An outsider's attack must not end the run: it completes (a short ping) as if the outsider had not come.
    private static TimeSpan CompletionBound(TimeSpan receive, TimeSpan connect) => connect + receive + TimeSpan.FromSeconds(20);

    /// <summary>Every fault, TLS and plain where the link mode matters.</summary>
    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        new("SIGKILL party", FaultSite.Process, Tls: true, [Victim], ["disconnected"], ReceiveBound),
        new("SIGTERM party", FaultSite.Process, Tls: true, [Victim], ["aborted: stopped by SIGTERM"], ReceiveBound),
        new("SIGSTOP party past the deadline", FaultSite.Process, Tls: true, [Victim], ["timed out"], ReceiveBound),
        new("close link (tls)", FaultSite.Link, Tls: true, [Victim], ["disconnected"], ReceiveBound)
            { LinkFault = new(LinkFaultKind.Close) },
        new("close link (plain)", FaultSite.Link, Tls: false, [Victim], ["disconnected"], ReceiveBound)
            { LinkFault = new(LinkFaultKind.Close) },
        new("reset link (tls)", FaultSite.Link, Tls: true, [Victim], ["disconnected"], ReceiveBound) { LinkFault = new(LinkFaultKind.Cut) },
        new("delay link 10 s (tls)", FaultSite.Link, Tls: true, [Victim], ["timed out"], ReceiveBound)
            { LinkFault = new(LinkFaultKind.Delay, TimeSpan.FromSeconds(10)) },
        new("corrupt byte (tls)", FaultSite.Link, Tls: true, [Victim], ["TLS authentication failed"], ReceiveBound)
            { LinkFault = new(LinkFaultKind.Corrupt) },
        new("corrupt byte (plain)", FaultSite.Link, Tls: false, [Victim], [], SecondDeadlineBound)
            { LinkFault = new(LinkFaultKind.Corrupt) },
        new("replay unit (tls)", FaultSite.Link, Tls: true, [Victim], ["TLS authentication failed"], ReceiveBound)
            { LinkFault = new(LinkFaultKind.Replay) },
        new("replay frame (plain)", FaultSite.Link, Tls: false, [Victim], ["replayed frame"], ReceiveBound)
            { LinkFault = new(LinkFaultKind.Replay) },
        new("wrong certificate", FaultSite.Startup, Tls: true, [Victim], ["timed out", "incoming connection"], ConnectBound)
            { VictimExpected = ["certificate", "is not the one the cluster file names"] },
        new("wrong session id", FaultSite.Startup, Tls: true, [Victim], ["session id mismatch"], ConnectBound)
            { VictimExpected = ["session id mismatch"] },
        new("wrong party id", FaultSite.Startup, Tls: false, [Victim], ["timed out", "incoming connection"], ConnectBound)
            { VictimExpected = ["cannot listen"] },
        new("wrong cluster config", FaultSite.Startup, Tls: true, [Victim], ["config hash mismatch"], ConnectBound)
            { VictimExpected = ["config hash mismatch"] },
        new("outsider sends garbage", FaultSite.Outsider, Tls: true, [], [], CompletionBound) { Attack = ("garbage", 1) },
        new("outsider's hello as party 2", FaultSite.Outsider, Tls: true, [], [], CompletionBound) { Attack = ("hello as party 2", 1) },
        new("outsider's reject from party 1", FaultSite.Outsider, Tls: true, [], [], CompletionBound)
            { Attack = ("reject from party 1", 1) },
        new("outsider's hello of another session", FaultSite.Outsider, Tls: true, [], [], CompletionBound)
            { Attack = ("hello of another session", 1) },
        new("outsider flood, 200 connections", FaultSite.Outsider, Tls: true, [], [], CompletionBound) { Attack = ("every kind", 200) },
    ];
}

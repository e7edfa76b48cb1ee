namespace Mpc.Tests.Infrastructure;

/// <summary>Tests with real sockets, processes or deadlines run one class at a time, so timings hold on a loaded 2-core machine.</summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class SocketTests
{
    public const string Collection = "Real sockets and processes";
}

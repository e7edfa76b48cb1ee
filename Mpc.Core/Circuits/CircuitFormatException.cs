namespace Mpc.Core.Circuits;

/// <summary>A circuit file is malformed; the message names the file, the line and what is wrong.</summary>
public sealed class CircuitFormatException : MpcException
{
    /// <summary>
    /// Line <paramref name="line"/> (1-based) of <paramref name="source"/> is wrong because of <paramref name="problem"/>.
    /// </summary>
    public CircuitFormatException(string source, int line, string problem)
        : base($"{source}, line {line}: {problem}")
    {
        Source = source;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file (or other source name) that is malformed.</summary>
    public new string Source { get; }

    /// <summary>The 1-based line of the problem (the line after the last one for a file that ends too early).</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}

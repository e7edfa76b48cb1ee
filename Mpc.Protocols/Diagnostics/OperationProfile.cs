using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mpc.Protocols.Diagnostics;

/// <summary>
/// Wall time, calls and elements per kind of suite operation, as <see cref="ProfilingSuite{T}"/> records them.
/// Operations that run concurrently are each charged their own wall time, so the kinds may add up to more than
/// the elapsed time. Thread-safe.
/// </summary>
public sealed class OperationProfile
{
    private readonly long[] _ticks = new long[Kinds.Count];
    private readonly long[] _calls = new long[Kinds.Count];
    private readonly long[] _elements = new long[Kinds.Count];

    /// <summary>The kinds' names, in report order (the order of <see cref="SuiteOperation"/>).</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        ["input", "open", "multiply", "matrix product", "truncate", "multiply+truncate", "matrix product+truncate",
            "compare", "prepare matrix", "powers"];

    /// <summary>
    /// Adds one call of <paramref name="operation"/> on <paramref name="elements"/> elements that started at
    /// <paramref name="startTimestamp"/>.
    /// </summary>
    public void Add(SuiteOperation operation, long elements, long startTimestamp)
    {
        int kind = (int)operation;
        Interlocked.Add(ref _ticks[kind], Stopwatch.GetTimestamp() - startTimestamp);
        Interlocked.Increment(ref _calls[kind]);
        Interlocked.Add(ref _elements[kind], elements);
    }

    /// <summary>Seconds spent in operations of <paramref name="kind"/>.</summary>
    public double Seconds(string kind) => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[Index(kind)])).TotalSeconds;

    /// <summary>Calls of <paramref name="kind"/>.</summary>
    public long Calls(string kind) => Interlocked.Read(ref _calls[Index(kind)]);

    /// <summary>Elements processed by calls of <paramref name="kind"/>.</summary>
    public long Elements(string kind) => Interlocked.Read(ref _elements[Index(kind)]);

    /// <summary>One line per kind that was used: calls, elements, seconds.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var kind in Kinds)
        {
            if (Calls(kind) == 0) continue;
            text.Append(CultureInfo.InvariantCulture,
                $"{kind,-24} {Calls(kind),8} calls {Elements(kind),12} elements {Seconds(kind),9:0.000} s\n");
        }
        return text.ToString();
    }

    private static int Index(string kind)
    {
        for (int i = 0; i < Kinds.Count; i++)
            if (Kinds[i] == kind) return i;
        throw new ArgumentException($"Unknown operation kind '{kind}'.", nameof(kind));
    }
}

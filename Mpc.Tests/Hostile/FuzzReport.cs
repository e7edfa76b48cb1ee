namespace Mpc.Tests.Hostile;

/// <summary>What a fuzz run fed and how the target answered.</summary>
public sealed class FuzzReport(string target, int seed)
{
    private readonly Dictionary<string, int> _outcomes = [];

    internal (int Index, byte[] Input) Current { get; set; } = (0, []);

    /// <summary>Inputs fed.</summary>
    public int Fed { get; private set; }

    /// <summary>Inputs that parsed.</summary>
    public int Succeeded { get; private set; }

    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>The slowest single input.</summary>
    public TimeSpan Slowest { get; private set; }

    /// <summary>The most any single input allocated.</summary>
    public long MostAllocated { get; private set; }

    internal void Record(Exception? thrown, TimeSpan took, long allocated)
    {
        Fed++;
        if (thrown is null) Succeeded++;
        string key = thrown is null ? "ok" : thrown.GetType().Name;
        _outcomes[key] = _outcomes.GetValueOrDefault(key) + 1;
        if (took > Slowest) Slowest = took;
        if (allocated > MostAllocated) MostAllocated = allocated;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"fuzz {target}: {Fed} inputs (seed {seed}) in {Elapsed.TotalSeconds:F2} s; " +
        string.Join(", ", _outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")) +
        $"; slowest {Slowest.TotalMilliseconds:F1} ms, most allocated {MostAllocated / 1024} KiB";
}

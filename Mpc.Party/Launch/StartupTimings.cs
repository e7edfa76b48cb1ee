using System.Globalization;

namespace Mpc.Party.Launch;

/// <summary>
/// Where a launched party's time goes, from the moment <c>mpc launch</c> starts its process to the moment the launcher
/// sees it exit. The party marks each phase on the wall clock (the launcher and its parties share the machine's
/// clock) and, when started by <c>mpc launch</c>, sends its marks as one line that the launcher reads and does not
/// show; <c>mpc launch --timings</c> prints them as a table, and <c>mpc bench startup</c> reads that table.
/// </summary>
internal static class StartupTimings
{
    /// <summary>The phases in order; each ends at its mark. The launcher measures the first and the last.</summary>
    public static readonly string[] Phases =
        ["process start", "command line", "config and keys", "mesh and TLS", "job", "teardown", "exit"];

    /// <summary>The line a launched party prints with its marks (Unix time in 100 ns ticks).</summary>
    public const string MarksPrefix = "mpc launch: marks ";

    /// <summary>The first word of each row <c>mpc launch --timings</c> prints.</summary>
    public const string RowPrefix = "timings:";

    private static readonly long[] Marks = new long[Phases.Length - 2];

    /// <summary>When <c>Main</c> was entered (wall-clock ticks): the end of the runtime's start.</summary>
    public static long MainTicks { get; private set; }

    /// <summary>Called first thing in <c>Main</c>.</summary>
    public static void MarkMain() => MainTicks = DateTime.UtcNow.Ticks;

    /// <summary>The phases a party marks the end of itself (indices into <see cref="Phases"/>).</summary>
    public const int CommandLine = 1, ConfigAndKeys = 2, MeshAndTls = 3, Job = 4, Teardown = 5;

    /// <summary>Ends <paramref name="phase"/>, one of <see cref="CommandLine"/> .. <see cref="Teardown"/>.</summary>
    public static void Mark(int phase) => Marks[phase - 1] = DateTime.UtcNow.Ticks;

    /// <summary>This process's marks as the line the launcher reads: Main's entry, then the end of each phase.</summary>
    public static string MarksLine() =>
        MarksPrefix + string.Join(' ', new[] { MainTicks }.Concat(Marks).Select(t => t.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// The seconds of every phase of one party, from the launcher's <paramref name="started"/> and <paramref name="exited"/>
    /// and the party's marks line; a phase the party never reached (it failed) is NaN.
    /// </summary>
    public static double[]? Durations(DateTime started, DateTime exited, string marksLine)
    {
        var parts = marksLine[MarksPrefix.Length..].Split(' ');
        if (parts.Length != Marks.Length + 1) return null;
        var ticks = new List<long> { started.Ticks };
        foreach (string p in parts)
        {
            if (!long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out long t)) return null;
            ticks.Add(t);
        }
        ticks.Add(exited.Ticks);
        var seconds = new double[Phases.Length];
        for (int i = 0; i < seconds.Length; i++)
        {
            seconds[i] = ticks[i] == 0 || ticks[i + 1] == 0 || ticks[i + 1] < ticks[i]
                ? double.NaN
                : (ticks[i + 1] - ticks[i]) / (double)TimeSpan.TicksPerSecond;
        }
        return seconds;
    }

    /// <summary>The table's header row.</summary>
    public static string Header(int labelWidth) =>
        $"{RowPrefix} {"party".PadRight(labelWidth)}  " + string.Join("  ", Phases.Select(p => p.PadLeft(Width(p)))) + "    total";

    /// <summary>One party's row: its label, then each phase's seconds and their total.</summary>
    public static string Row(string label, int labelWidth, double[] seconds) =>
        $"{RowPrefix} {label.PadRight(labelWidth)}  "
        + string.Join("  ", seconds.Select((s, i) => Format(s).PadLeft(Width(Phases[i]))))
        + "  " + Format(seconds.Sum()).PadLeft(7);

    /// <summary>The seconds of each phase and the total from a row <see cref="Row"/> wrote, or null for any other line.</summary>
    public static double[]? ParseRow(string line)
    {
        if (!line.StartsWith(RowPrefix, StringComparison.Ordinal)) return null;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < Phases.Length + 2) return null;
        var values = new double[Phases.Length + 1];
        int first = fields.Length - values.Length;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.TryParse(fields[first + i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])) return null;
        }
        return values;
    }

    private static int Width(string phase) => Math.Max(phase.Length, 6);

    private static string Format(double seconds) =>
        double.IsNaN(seconds) ? "NaN" : seconds.ToString("0.000", CultureInfo.InvariantCulture);
}

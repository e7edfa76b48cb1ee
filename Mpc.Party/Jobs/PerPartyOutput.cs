using Mpc.Net.Configuration;
using Mpc.Party.Output;

namespace Mpc.Party.Jobs;

/// <summary>
/// A launch where each party writes to a folder of its own: <c>--out DIR</c> becomes DIR/&lt;party&gt; (refused if it
/// holds an earlier run's results), and with no --out, the run gets a new folder, out/&lt;cluster&gt;/&lt;job&gt;-&lt;time&gt;.
/// </summary>
internal sealed class PerPartyOutput : ILaunchPlan
{
    private readonly ClusterConfig _cluster;
    private readonly string _root;
    private readonly TextWriter _stdout;
    private readonly string _job;

    public PerPartyOutput(string job, string? given, ClusterConfig cluster, TextWriter stdout)
    {
        if (given is not null)
        {
            for (int p = 0; p < cluster.ComputingPartyCount; p++)
                RunFolders.RefuseEarlierResults(Path.Combine(given, cluster.Parties[p].Name), replace: false, resume: false);
        }
        _job = job;
        _cluster = cluster;
        _stdout = stdout;
        _root = given ?? RunFolders.CreateRun(TrainLrJob.SessionFolder(cluster.SessionId), job, DateTime.Now);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ArgumentsFor(int party, IReadOnlyList<string> jobArguments) =>
        WithOut(jobArguments, Path.Combine(_root, _cluster.Parties[party].Name));

    /// <summary>
    /// <paramref name="jobArguments"/> with every --out (and the options in <paramref name="dropped"/>) removed and
    /// --out <paramref name="folder"/> added.
    /// </summary>
    public static List<string> WithOut(IReadOnlyList<string> jobArguments, string folder, params string[] dropped)
    {
        var args = new List<string>();
        for (int i = 0; i < jobArguments.Count; i++)
        {
            string a = jobArguments[i];
            if (dropped.Contains(a)) continue;
            if (a == "--out") { i++; continue; }
            if (a.StartsWith("--out=", StringComparison.Ordinal) || a.StartsWith("--out:", StringComparison.Ordinal)) continue;
            args.Add(a);
        }
        args.Add("--out");
        args.Add(folder);
        return args;
    }

    /// <inheritdoc />
    public Task<int> FinishAsync(int exitCode, CancellationToken ct)
    {
        if (exitCode == 0) lock (_stdout) _stdout.WriteLine($"{_job}: results in {_root}/<party>/");
        return Task.FromResult(exitCode);
    }
}

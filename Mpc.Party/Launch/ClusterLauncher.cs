using System.Diagnostics;
using Mpc.Net.Configuration;

namespace Mpc.Party.Launch;

/// <summary>
/// <c>mpc launch</c>: starts every party of a cluster as a process on this machine (<c>mpc party --config ...</c>
/// with the same job and options), prefixes and streams their output, and if any party fails, gives the others a
/// moment to report, kills the rest, and exits non-zero naming the failed party. With <c>timings</c>, it ends with a table
/// of where each party's time went (<see cref="StartupTimings"/>).
/// </summary>
internal sealed class ClusterLauncher(TextWriter stdout, TextWriter stderr, string logFormat = "text", bool timings = false)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The others' time to report when a party fails before the mesh formed: those already connected to it stop at once
    /// with the abort it relayed; the rest would only wait for their connect deadline.
    /// </summary>
    private static readonly TimeSpan StartupGrace = TimeSpan.FromSeconds(0.5);
    private readonly Lock _console = new();

    /// <param name="clusterPath">The cluster file.</param>
    /// <param name="insecure">Plaintext links.</param>
    /// <param name="verbose">Debug logging in every party.</param>
    /// <param name="jobArgs">The job name and its options, forwarded to every party.</param>
    /// <param name="ct">Kills every party when cancelled.</param>
    /// <param name="plan">The job's own launch work (<see cref="Jobs.ILaunchHooks"/>), if it has any.</param>
    public async Task<int> RunAsync(string clusterPath, bool insecure, bool verbose, IReadOnlyList<string> jobArgs, CancellationToken ct,
        Func<ClusterConfig, IReadOnlyList<PartyConfig>, Jobs.ILaunchPlan>? plan = null)
    {
        Jobs.ILaunchPlan? launchPlan = null;
        ClusterConfig cluster;
        var parties = new List<PartyConfig>();
        try
        {
            clusterPath = BundledFiles.Resolve(clusterPath, stdout);
            cluster = ClusterConfig.Load(clusterPath, requireCertificates: false);
            for (int i = 0; i < cluster.PartyCount; i++)
            {
                string? partyFile = cluster.Parties[i].ConfigPath
                    ?? throw new ConfigException(clusterPath, $"parties[{i}].config",
                        "is missing: mpc launch needs each party's config file");
                if (!File.Exists(partyFile))
                    throw new ConfigException(clusterPath, $"parties[{i}].config", $"file '{partyFile}' does not exist");
                var party = PartyConfig.Load(partyFile, requireCertificates: false);
                if (party.PartyId != i)
                    throw new ConfigException(partyFile, "partyId",
                        $"is {party.PartyId}, but the cluster file lists this file for party {i}");
                if (!string.Equals(Path.GetFullPath(party.Cluster.SourceFile!), Path.GetFullPath(clusterPath), StringComparison.Ordinal))
                    throw new ConfigException(partyFile, "cluster",
                        $"names '{party.Cluster.SourceFile}', not the cluster being launched ('{clusterPath}')");
                parties.Add(party);
            }
            if (!cluster.Insecure && !insecure)
                ClusterCertificates.EnsureForLaunch(cluster, parties, line => stdout.WriteLine($"mpc launch: {line}"));
            // The job's own launch work concerns the computing parties; the dealer holds no data.
            launchPlan = plan?.Invoke(cluster, parties.Where(p => !p.Me.IsDealer).ToList());
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"mpc launch: config error: {ex.Message}");
            return 2;
        }
        catch (Mpc.Core.MpcException ex)
        {
            await stderr.WriteLineAsync($"mpc launch: {ex.Message}");
            return 2;
        }

        int exitCode = await RunPartiesAsync(cluster, insecure, verbose, jobArgs, launchPlan, ct);
        return launchPlan is null ? exitCode : await launchPlan.FinishAsync(exitCode, ct);
    }

    private async Task<int> RunPartiesAsync(ClusterConfig cluster, bool insecure, bool verbose, IReadOnlyList<string> jobArgs,
        Jobs.ILaunchPlan? launchPlan, CancellationToken outer)
    {
        using var signals = new Commands.TerminationSignals(outer);
        var ct = signals.Token;

        var (fileName, prefix) = SelfCommand();
        var processes = new Process[cluster.PartyCount];
        var tags = cluster.Parties.Select((p, i) => p.IsDealer ? $"[dealer {p.Name}]" : $"[p{i} {p.Name}]").ToArray();
        var view = LaunchView.For(stdout, stderr, tags, _console);
        var lastError = new string?[cluster.PartyCount];
        var meshFormed = new bool[cluster.PartyCount];
        var startedAt = new DateTime[cluster.PartyCount];
        var exitedAt = new DateTime[cluster.PartyCount];
        var marks = new string?[cluster.PartyCount];
        try
        {
            for (int i = 0; i < cluster.PartyCount; i++)
            {
                var start = new ProcessStartInfo(fileName)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                start.Environment[LaunchedParty.EnvironmentVariable] = "1";
                if (OperatingSystem.IsLinux())
                {
                    // A party trusts a peer by its pinned certificate alone, yet every TLS chain the platform builds would
                    // first load the system's CA store (40-60 ms of a party's start): give it none.
                    start.Environment["SSL_CERT_FILE"] = "/dev/null";
                    start.Environment["SSL_CERT_DIR"] = "/dev/null";
                }
                foreach (var a in prefix) start.ArgumentList.Add(a);
                start.ArgumentList.Add("party");
                start.ArgumentList.Add("--config");
                start.ArgumentList.Add(cluster.Parties[i].ConfigPath!);
                if (insecure) start.ArgumentList.Add("--insecure");
                if (verbose) start.ArgumentList.Add("--verbose");
                if (logFormat != "text")
                {
                    start.ArgumentList.Add(Commands.Logging.FormatOption);
                    start.ArgumentList.Add(logFormat);
                }
                foreach (var a in (cluster.Parties[i].IsDealer ? null : launchPlan?.ArgumentsFor(i, jobArgs)) ?? jobArgs)
                    start.ArgumentList.Add(a);

                int party = i;
                var process = new Process { StartInfo = start, EnableRaisingEvents = true };
                process.OutputDataReceived += (_, e) =>
                {
                    if (e.Data is null) return;
                    if (e.Data == LaunchedParty.MeshFormedLine)
                    {
                        Volatile.Write(ref meshFormed[party], true);
                        return;
                    }
                    if (e.Data.StartsWith(StartupTimings.MarksPrefix, StringComparison.Ordinal))
                    {
                        Volatile.Write(ref marks[party], e.Data);
                        return;
                    }
                    view.Output(party, e.Data);
                };
                process.ErrorDataReceived += (_, e) =>
                {
                    if (e.Data is null) return;
                    if (e.Data.StartsWith("mpc:", StringComparison.Ordinal)) lastError[party] = e.Data;
                    view.Error(party, e.Data);
                };
                process.Exited += (_, _) => exitedAt[party] = DateTime.UtcNow;
                startedAt[i] = DateTime.UtcNow;
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                processes[i] = process;
            }

            var running = processes.Select((p, i) => (Task: p.WaitForExitAsync(ct), Party: i)).ToList();
            while (running.Count > 0)
            {
                var done = await Task.WhenAny(running.Select(r => r.Task));
                await done;   // throws if cancelled
                var finished = running.First(r => r.Task == done);
                running.Remove(finished);
                int code = processes[finished.Party].ExitCode;
                if (code == 0) continue;

                // A party that failed before its mesh formed could not tell the parties it was not yet connected to:
                // they would wait for their connect deadline, so they are stopped almost at once.
                bool atStartup = !Volatile.Read(ref meshFormed[finished.Party]);
                try
                {
                    await Task.WhenAll(running.Select(r => r.Task)).WaitAsync(atStartup ? StartupGrace : Grace, ct);
                }
                catch (TimeoutException)
                {
                    // The rest are killed below.
                }
                var killed = KillAll(processes);
                await view.StopAsync();
                var who = cluster.Parties[finished.Party];
                string error = lastError[finished.Party] ?? (code > 128 && !OperatingSystem.IsWindows()
                    ? $"it printed no error (killed by signal {code - 128})"
                    : "it printed no error");
                lock (_console)
                {
                    stderr.WriteLine(
                        $"mpc launch: {who.Label} failed{(atStartup ? " before its mesh formed" : "")} with exit code {code}: {error}");
                    if (killed.Count > 0) stderr.WriteLine($"mpc launch: killed {string.Join(", ", killed.Select(k => $"party {k}"))}");
                }
                return 1;
            }
            await view.StopAsync();
            lock (_console)
            {
                stdout.WriteLine($"mpc launch: all {cluster.PartyCount} parties finished");
                if (timings) WriteTimings(tags, startedAt, exitedAt, marks);
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            var killed = KillAll(processes);
            await view.StopAsync();
            lock (_console)
            {
                stderr.WriteLine(
                    $"mpc launch: {(signals.Received is { } s ? $"{s} received" : "cancelled")}; killed every party still running"
                    + (killed.Count > 0 ? $" ({string.Join(", ", killed.Select(k => $"party {k}"))})" : ""));
            }
            return signals.ExitCode;
        }
        finally
        {
            foreach (var p in processes) p?.Dispose();
        }
    }

    /// <summary>The launcher's own start, then one row per party (a party that sent no marks is left out).</summary>
    private void WriteTimings(string[] tags, DateTime[] startedAt, DateTime[] exitedAt, string?[] marks)
    {
        using var self = Process.GetCurrentProcess();
        double runtime = (StartupTimings.MainTicks - self.StartTime.ToUniversalTime().Ticks) / (double)TimeSpan.TicksPerSecond;
        double beforeParties = (startedAt[0].Ticks - StartupTimings.MainTicks) / (double)TimeSpan.TicksPerSecond;
        stdout.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{StartupTimings.RowPrefix} launcher: {runtime:0.00} s from its process start to its Main (to 0.01 s), " +
            $"then {beforeParties:0.000} s to start the first party"));
        int width = tags.Max(t => t.Length);
        stdout.WriteLine(StartupTimings.Header(width));
        for (int i = 0; i < tags.Length; i++)
        {
            // The exit event may not have run yet when the last party's output ends: then it exited just now.
            DateTime exited = exitedAt[i] == default ? DateTime.UtcNow : exitedAt[i];
            if (marks[i] is { } line && StartupTimings.Durations(startedAt[i], exited, line) is { } seconds)
                stdout.WriteLine(StartupTimings.Row(tags[i], width, seconds));
        }
    }

    private static List<int> KillAll(Process?[] processes)
    {
        var killed = new List<int>();
        for (int i = 0; i < processes.Length; i++)
        {
            var p = processes[i];
            if (p is null) continue;
            try
            {
                if (p.HasExited) continue;
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
                killed.Add(i);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
        return killed;
    }

    /// <summary>
    /// Runs this executable once with <paramref name="arguments"/> to its exit: its exit code, its standard output, and
    /// the last 500 characters of its standard error (for a failure's message).
    /// </summary>
    internal static async Task<(int ExitCode, string Output, string ErrorTail)> RunSelfAsync(IEnumerable<string> arguments,
        CancellationToken ct)
    {
        var (fileName, prefix) = SelfCommand();
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in prefix.Concat(arguments)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(ct);
        string output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        string text = await errors;
        return (process.ExitCode, output, text.Length <= 500 ? text : "..." + text[^500..]);
    }

    /// <summary>How to start this executable again: the apphost itself, or <c>dotnet mpc.dll</c>.</summary>
    internal static (string FileName, string[] Prefix) SelfCommand()
    {
        string processPath = Environment.ProcessPath ?? "dotnet";
        // The program that is running: mpc, or a protocol of the user's own built with MpcHost.
        var assembly = System.Reflection.Assembly.GetEntryAssembly() ?? typeof(ClusterLauncher).Assembly;
        string dll = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".dll");
        return Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (processPath, [dll])
            : (processPath, []);
    }
}

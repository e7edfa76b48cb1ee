using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mpc.Net.Tls;
using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Faults;

/// <summary>The outcome of one injected fault: each party's exit code, its error line, and when it exited after the fault.</summary>
public sealed record FaultOutcome(FaultScenario Scenario, int[] ExitCodes, string[] Errors, TimeSpan?[] TimeToExit, string Applied,
    string Log)
{
    /// <summary>The culprit each party's error names (from "failed: Party N"), or null.</summary>
    public int?[] NamedCulprits => Errors
        .Select(e => Regex.Match(Cause(e), @"[Pp]arty (\d+) \(p") is { Success: true } m ? int.Parse(m.Groups[1].Value) : (int?)null)
        .ToArray();

    /// <summary>An error line without its "mpc: party i (pi) failed: " prefix, which names the reporter, not the culprit.</summary>
    public static string Cause(string error) => Regex.Replace(error, @"^mpc: party \d+ \(p\d+\) failed: ", "");

    /// <summary>
    /// The parties whose exit the fault must cause (all but a stopped or misconfigured victim; every party for an
    /// outsider).
    /// </summary>
    public IEnumerable<int> Reporters => Enumerable.Range(0, ExitCodes.Length)
        .Where(p => Scenario.Site is not (FaultSite.Process or FaultSite.Startup) || p != FaultScenario.Victim);

    /// <summary>What party 0 logged of the connections it refused.</summary>
    public string[] Refusals { get; init; } = [];

    /// <summary>The outsider's addresses, as party 0 saw them.</summary>
    public string[] Outsiders { get; init; } = [];

    /// <summary>The longest time from the fault to a reporter's exit.</summary>
    public TimeSpan TimeToAbort => Reporters.Select(p => TimeToExit[p] ?? TimeSpan.MaxValue).Max();
}

/// <summary>
/// Runs one <see cref="FaultScenario"/>: three real <c>mpc party</c> processes on 127.0.0.1 (party 2 dialing party 0
/// through a <see cref="LinkProxy"/> for link faults), a long ping among them, the fault at a random moment once
/// every party is exchanging, then waits for every party to exit and cleans up (SIGCONT and kill, whatever happened).
/// </summary>
public sealed class FaultRunner(TimeSpan receiveTimeout, TimeSpan connectTimeout)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public TimeSpan ReceiveTimeout => receiveTimeout;

    public TimeSpan ConnectTimeout => connectTimeout;

    public async Task<FaultOutcome> RunAsync(FaultScenario scenario, int seed)
    {
        var random = new Random(seed);
        using var cluster = TestCluster.Create(3, scenario.Tls, receiveTimeout, connectTimeout, sessionId: "faults");
        cluster.WriteFiles();
        await using var proxy = scenario.Site == FaultSite.Link
            ? new LinkProxy(cluster.Cluster.Parties[FaultScenario.LinkServer].Port, scenario.Tls, seed)
            : null;
        if (proxy is not null)
            EditPartyFile(cluster, FaultScenario.Victim,
                p => p["connectVia"] = new JsonObject { [$"{FaultScenario.LinkServer}"] = $"127.0.0.1:{proxy.Port}" });
        if (scenario.Site == FaultSite.Startup) Misconfigure(cluster, scenario);

        string[] job = scenario.Site == FaultSite.Outsider
            ? ["ping", "--rounds", "200", "--size", "4096", "--interval-ms", "1"]
            : ["ping", "--rounds", "100000000", "--size", "4096", "--interval-ms", "1"];
        using var outsiderCertificate = CertificateFiles.CreateSelfSigned("outsider", "127.0.0.1");
        string[] outsiders = [];
        var parties = new MpcProcess?[3];
        var exits = new Task<(int Code, long At)>[3];
        var log = new System.Text.StringBuilder();
        string applied = "";
        long injectedAt = 0;
        try
        {
            for (int i = 0; i < 3; i++)
            {
                if (scenario.Site == FaultSite.Outsider && i == 1)
                {
                    // Party 0 listens; the outsider comes before the real peers.
                    injectedAt = Stopwatch.GetTimestamp();
                    var (kind, connections) = scenario.Attack!.Value;
                    outsiders = await Task.WhenAll(Enumerable.Range(0, connections).Select(k => Task.Run(() => Outsider.AttackAsync(
                        cluster.Cluster, cluster.Cluster.Parties[0].Port, outsiderCertificate,
                        connections == 1 ? kind : Outsider.Attacks[k % Outsider.Attacks.Length]))));
                    applied = $"{connections} outsider connection(s) to party 0: {kind}";
                }
                if (scenario.Site == FaultSite.Startup && i == FaultScenario.Victim)
                {
                    // Let the honest parties bind their ports first, so the misconfigured party meets them.
                    await Task.Delay(TimeSpan.FromSeconds(1.5));
                    injectedAt = Stopwatch.GetTimestamp();
                    applied = "started misconfigured";
                }
                parties[i] = MpcProcess.Start(["party", "--config", cluster.PartyFile(i), .. job]);
                var p = parties[i]!;
                exits[i] = Task.Run(async () =>
                {
                    int code = await p.WaitForExitAsync(StartTimeout + connectTimeout + receiveTimeout * 3);
                    return (code, Stopwatch.GetTimestamp());
                });
            }

            if (scenario.Site is not (FaultSite.Startup or FaultSite.Outsider))
            {
                foreach (var p in parties) await p!.WaitForStdoutAsync("ping round 1/", StartTimeout + connectTimeout);
                await Task.Delay(random.Next(100, 600));   // somewhere in the exchange
                injectedAt = Stopwatch.GetTimestamp();
                applied = Inject(scenario, parties[FaultScenario.Victim]!, proxy);
                if (proxy is not null)
                {
                    applied = await proxy.Applied.WaitAsync(TimeSpan.FromSeconds(10));
                }
            }

            var outcomes = new (int Code, long At)?[3];
            foreach (int i in Enumerable.Range(0, 3))
            {
                bool stoppedVictim = i == FaultScenario.Victim && scenario.Name.StartsWith("SIGSTOP", StringComparison.Ordinal);
                if (stoppedVictim) continue;
                outcomes[i] = await exits[i];
            }
            if (scenario.Name.StartsWith("SIGSTOP", StringComparison.Ordinal))
            {
                parties[FaultScenario.Victim]!.Signal("CONT");
                parties[FaultScenario.Victim]!.Kill();
            }

            var codes = new int[3];
            var errors = new string[3];
            var times = new TimeSpan?[3];
            for (int i = 0; i < 3; i++)
            {
                var p = parties[i]!;
                codes[i] = outcomes[i]?.Code ?? -1;
                errors[i] = p.Stderr.Split('\n').LastOrDefault(l => l.StartsWith("mpc:", StringComparison.Ordinal)) ?? "";
                times[i] = outcomes[i] is { } o ? Stopwatch.GetElapsedTime(injectedAt, o.At) : null;
                log.AppendLine($"party {i}: exit {codes[i]} after {times[i]?.TotalMilliseconds:0} ms: {errors[i]}");
            }
            log.AppendLine($"fault: {applied}");
            var refusals = parties[0]!.Stderr.Split('\n').Where(l => l.Contains("refused", StringComparison.Ordinal)).ToArray();
            if (scenario.Site == FaultSite.Outsider)
                log.AppendLine($"party 0 logged {refusals.Length} refusal line(s), e.g. {refusals.FirstOrDefault()}");
            return new FaultOutcome(scenario, codes, errors, times, applied, log.ToString()) { Refusals = refusals, Outsiders = outsiders };
        }
        catch (Exception ex)
        {
            foreach (var p in parties) if (p is not null) log.AppendLine(p.Output);
            throw new InvalidOperationException($"{scenario.Name} (seed {seed}): {ex.Message}\n{log}", ex);
        }
        finally
        {
            foreach (var p in parties)
            {
                if (p is null) continue;
                p.Signal("CONT");
                p.Dispose();
            }
        }
    }

    private static string Inject(FaultScenario scenario, MpcProcess victim, LinkProxy? proxy)
    {
        switch (scenario.Site)
        {
            case FaultSite.Process when scenario.Name.StartsWith("SIGKILL", StringComparison.Ordinal):
                victim.Signal("KILL");
                return "SIGKILL party 2";
            case FaultSite.Process when scenario.Name.StartsWith("SIGTERM", StringComparison.Ordinal):
                victim.Signal("TERM");
                return "SIGTERM party 2";
            case FaultSite.Process:
                victim.Signal("STOP");
                return "SIGSTOP party 2";
            case FaultSite.Link:
                proxy!.Arm(scenario.LinkFault!);
                return scenario.LinkFault!.Kind.ToString();
            default:
                throw new InvalidOperationException(scenario.Name);
        }
    }

    /// <summary>Party 2 starts with the fault its scenario names.</summary>
    private static void Misconfigure(TestCluster cluster, FaultScenario scenario)
    {
        int victim = FaultScenario.Victim;
        switch (scenario.Name)
        {
            case "wrong certificate":
                // It holds another key pair than the one whose certificate the cluster pins for it.
                string crt = Path.Combine(cluster.Directory, "certs", "other.crt.pem"),
                    key = Path.Combine(cluster.Directory, "certs", "other.key.pem");
                using (var other = CertificateFiles.CreateSelfSigned($"p{victim}", "127.0.0.1")) CertificateFiles.WritePem(other, crt, key);
                EditPartyFile(cluster, victim, p =>
                {
                    p["certificate"] = "certs/other.crt.pem";
                    p["privateKey"] = "certs/other.key.pem";
                });
                break;
            case "wrong session id":
                WriteOwnCluster(cluster, victim, c => c["sessionId"] = "another-session");
                break;
            case "wrong cluster config":
                WriteOwnCluster(cluster, victim,
                    c => c["timeouts"]!["receiveSeconds"] = c["timeouts"]!["receiveSeconds"]!.GetValue<double>() + 1);
                break;
            case "wrong party id":
                EditPartyFile(cluster, victim, p => p["partyId"] = 1);
                break;
            default:
                throw new InvalidOperationException(scenario.Name);
        }
    }

    private static void WriteOwnCluster(TestCluster cluster, int party, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(cluster.Directory, "cluster.json")))!;
        edit(node);
        File.WriteAllText(Path.Combine(cluster.Directory, $"cluster-p{party}.json"), node.ToJsonString());
        EditPartyFile(cluster, party, p => p["cluster"] = $"cluster-p{party}.json");
    }

    private static void EditPartyFile(TestCluster cluster, int party, Action<JsonObject> edit)
    {
        string path = cluster.PartyFile(party);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }
}

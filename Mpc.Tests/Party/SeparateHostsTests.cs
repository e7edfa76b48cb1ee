using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary>
/// Runs only where <see cref="NetworkNamespaces"/> work (root, iproute2; netem too if asked); anywhere else it is
/// reported as skipped, with the reason.
/// </summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Namespaces = new(() => NetworkNamespaces.Probe(netem: false));
    private static readonly Lazy<string?> Netem = new(() => NetworkNamespaces.Probe(netem: true));

    public NetnsFactAttribute(bool netem = false)
    {
        if ((netem ? Netem.Value : Namespaces.Value) is { } why) Skip = why;
    }
}

/// <summary>
/// The breast cancer training with each party on its own host: three network namespaces with their own 10.x
/// addresses on a bridge, a cluster file naming those addresses, certificates from <c>mpc certs</c>. The model must
/// be the one the same training gives on loopback; with netem (25 ms delay, 1% loss on every host's link) too.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class SeparateHostsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(600);

    private static int Epochs(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    [NetnsFact]
    public async Task ThreeHosts_TrainLr_GivesTheSameModelAsOnLoopback()
    {
        int epochs = Epochs("MPC_NETNS_EPOCHS", 20);
        using var ns = NetworkNamespaces.Create(3);
        var (hosts, _) = await TrainOnHostsAsync(ns, epochs);
        var (loopback, _) = await TrainOnLoopbackAsync(epochs);
        CompareModels(hosts, loopback);
    }

    [NetnsFact(netem: true)]
    public async Task ThreeHosts_OverASlowLossyNetwork_TrainLr_GivesTheSameModel()
    {
        int epochs = Epochs("MPC_NETEM_EPOCHS", 10);
        using var ns = NetworkNamespaces.Create(3);
        ns.AddNetem("delay 25ms loss 1%");
        var (hosts, metrics) = await TrainOnHostsAsync(ns, epochs);
        var (loopback, _) = await TrainOnLoopbackAsync(epochs);
        CompareModels(hosts, loopback);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"netem 25 ms, 1% loss: {epochs} epochs in {metrics["train_seconds"]} s of training, {metrics["train_rounds"]} rounds " +
            $"({metrics["rounds_per_epoch"]} per epoch), {metrics["rounds"]} in the whole job"));
    }

    /// <summary>
    /// Where netem is missing this still measures a slow network: every link through a relay on 127.0.0.1 that holds
    /// each byte 25 ms in each direction (50 ms round trips; no loss, which a relay above TCP cannot produce). With both
    /// of the replicated suite's truncations: the one-round truncation takes fewer rounds per epoch (the printed
    /// times show what that is worth on such links).
    /// </summary>
    [Theory]
    [InlineData("two-round")]
    [InlineData("one-round")]
    public async Task Loopback_WithEveryLinkDelayed25ms_TrainLr_GivesTheSameModel(string truncation)
    {
        int epochs = Epochs("MPC_SLOW_EPOCHS", 20);
        var latency = TimeSpan.FromMilliseconds(25);
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(60));
        var proxies = new List<Faults.LinkProxy>();
        try
        {
            var via = new Dictionary<int, Dictionary<string, object?>>();
            for (int dialer = 1; dialer < 3; dialer++)
            {
                via[dialer] = [];
                for (int listener = 0; listener < dialer; listener++)
                {
                    var proxy = new Faults.LinkProxy(cluster.Cluster.Parties[listener].Port, tls: true, seed: 0, latency);
                    proxies.Add(proxy);
                    via[dialer][$"{listener}"] = $"127.0.0.1:{proxy.Port}";
                }
            }
            cluster.WriteFiles(editParty: (i, file) =>
            {
                file["data"] = new Dictionary<string, object?>
                {
                    ["file"] = MlTestData.PartyFile(Partitioning.Horizontal, 3, i), ["partition"] = "horizontal", ["label"] = "malignant",
                };
                if (via.TryGetValue(i, out var routes)) file["connectVia"] = routes;
            });
            var (slow, metrics) = await TrainAsync(cluster, epochs, "--truncation", truncation);
            var (loopback, loopbackMetrics) = await TrainOnLoopbackAsync(epochs);
            CompareModels(slow, loopback, "over the delayed links");
            // The loopback run truncates in two rounds: one round per truncation saves more than the masks' batches
            // (nine rounds each) cost.
            long rounds = metrics["train_rounds"]!.GetValue<long>(), twoRound = loopbackMetrics["train_rounds"]!.GetValue<long>();
            if (truncation == "one-round") Assert.True(rounds < twoRound, $"one-round truncation: {rounds} rounds, two-round {twoRound}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"links delayed 25 ms each way, {truncation} truncation: {epochs} epochs in {metrics["train_seconds"]} s of training, " +
                $"{metrics["train_rounds"]} rounds ({metrics["rounds_per_epoch"]} per epoch), {metrics["rounds"]} in the whole job"));
            // Each epoch has at least 4 rounds in sequence (scores, sigmoid comparison, gradient, update): 4 round trips of 50 ms.
            Assert.True(metrics["train_seconds"]!.GetValue<double>() >= epochs * 4 * 0.05,
                "training was faster than its rounds' round trips allow: the links were not delayed");
        }
        finally
        {
            foreach (var p in proxies) await p.DisposeAsync();
        }
    }

    private async Task<(double[] Weights, JsonObject Metrics)> TrainOnHostsAsync(NetworkNamespaces ns, int epochs)
    {
        string dir = Path.Combine(Path.GetTempPath(), "mpc-netns-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var parties = new JsonArray();
            for (int i = 0; i < 3; i++)
            {
                parties.Add(new JsonObject
                {
                    ["id"] = i, ["name"] = $"h{i}", ["host"] = ns.Address(i), ["port"] = 7000 + i,
                    ["certificate"] = $"certs/h{i}.crt.pem", ["config"] = $"h{i}.json",
                });
                File.WriteAllText(Path.Combine(dir, $"h{i}.json"), new JsonObject
                {
                    ["cluster"] = "cluster.json", ["partyId"] = i, ["privateKey"] = $"certs/h{i}.key.pem",
                    ["data"] = new JsonObject
                    {
                        ["file"] = MlTestData.PartyFile(Partitioning.Horizontal, 3, i),
                        ["partition"] = "horizontal",
                        ["label"] = "malignant",
                    },
                }.ToJsonString());
            }
            File.WriteAllText(Path.Combine(dir, "cluster.json"), new JsonObject
            {
                ["sessionId"] = "netns", ["insecure"] = false,
                ["timeouts"] = new JsonObject { ["connectSeconds"] = 60, ["receiveSeconds"] = 60 },
                ["parties"] = parties,
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            using (var certs = MpcProcess.Start("certs", "--cluster", Path.Combine(dir, "cluster.json")))
                Assert.True(await certs.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, certs.Output);

            var sw = Stopwatch.StartNew();
            var processes = Enumerable.Range(0, 3).Select(i => MpcProcess.StartWrapped(ns.Exec(i),
                "party", "--config", Path.Combine(dir, $"h{i}.json"), "train-lr", "--epochs", $"{epochs}",
                "--out", Path.Combine(dir, "out", $"h{i}"))).ToArray();
            try
            {
                var codes = await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(ProcessTimeout)));
                for (int i = 0; i < 3; i++) Assert.True(codes[i] == 0, $"host {i} exited {codes[i]}\n{processes[i].Output}");
                output.WriteLine($"3 hosts ({string.Join(", ", Enumerable.Range(0, 3).Select(ns.Address))}): " +
                    $"{sw.Elapsed.TotalSeconds:0.0} s with process start\n{processes[0].Stdout}");
            }
            finally
            {
                foreach (var p in processes) p.Dispose();
            }
            return ReadModel(Path.Combine(dir, "out", "h0"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<(double[] Weights, JsonObject Metrics)> TrainOnLoopbackAsync(int epochs)
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(60));
        cluster.WriteFiles(editParty: (i, file) => file["data"] = new Dictionary<string, object?>
            { ["file"] = MlTestData.PartyFile(Partitioning.Horizontal, 3, i), ["partition"] = "horizontal", ["label"] = "malignant" });
        return await TrainAsync(cluster, epochs);
    }

    private async Task<(double[] Weights, JsonObject Metrics)> TrainAsync(TestCluster cluster, int epochs, params string[] options)
    {
        var sw = Stopwatch.StartNew();
        string outDirectory = Path.Combine(cluster.Directory, "out");
        var processes = Enumerable.Range(0, 3).Select(i => MpcProcess.Start(
            ["party", "--config", cluster.PartyFile(i), "train-lr", "--epochs", $"{epochs}", "--out", Path.Combine(outDirectory, $"p{i}"),
                .. options])).ToArray();
        try
        {
            var codes = await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(ProcessTimeout)));
            for (int i = 0; i < 3; i++) Assert.True(codes[i] == 0, $"party {i} exited {codes[i]}\n{processes[i].Output}");
            output.WriteLine($"127.0.0.1: {sw.Elapsed.TotalSeconds:0.0} s with process start");
        }
        finally
        {
            foreach (var p in processes) p.Dispose();
        }
        var (weights, metrics) = ReadModel(Path.Combine(outDirectory, "p0"));
        // The rounds of the run are the most any party counted: a party that helps a two-round truncation sits one of its
        // rounds out, and which party helps rotates with the operation's tag, so one party's count shifts with the tags
        // taken before training.
        metrics["train_rounds"] = Enumerable.Range(0, 3).Max(i =>
            ReadModel(Path.Combine(outDirectory, $"p{i}")).Metrics["train_rounds"]!.GetValue<long>());
        return (weights, metrics);
    }

    private static (double[] Weights, JsonObject Metrics) ReadModel(string directory)
    {
        var model = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "model.json")))!;
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "metrics.json")))!.AsObject();
        var weights = model["weights"]!.AsArray().Select(w => w!.GetValue<double>()).Append(model["bias"]!.GetValue<double>()).ToArray();
        return (weights, metrics);
    }

    private void CompareModels(double[] hosts, double[] loopback, string where = "on 3 hosts")
    {
        Assert.Equal(loopback.Length, hosts.Length);
        double maxDiff = hosts.Zip(loopback, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"max |weight {where} - weight on loopback| = {maxDiff:G3}");
        // The fixed-point training is the same computation; only the truncations' last unit (2^-16) may differ
        // where masks are drawn at random.
        Assert.True(maxDiff <= 1e-3, $"the models differ by {maxDiff}");
    }
}

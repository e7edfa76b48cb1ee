using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary>
/// <c>train-lr --checkpoint-every</c> and <c>--resume</c> with real <c>mpc</c> processes over TLS on loopback: a party
/// killed with SIGKILL mid-run, every party restarted, and the same model as a run that was never interrupted.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class CheckpointResumeProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);
    private const int Epochs = 40; // within the fixed-point range analysis at batches of 16

    // Mini-batches of 16 make an epoch long enough (tens of ms, 29 steps) that the kill lands well before the end: the
    // epochs after the checkpoint it waits for take over a second, where batches of 64 once finished before a busy
    // test host's kill.
    private static readonly string[] Training = ["train-lr", "--epochs", $"{Epochs}", "--batch-size", "16", "--checkpoint-every", "2"];

    [Fact]
    public async Task PartyKilled_AllResumed_ModelBitForBitAsUninterruptedRun()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(20));
        cluster.WriteFiles(editParty: (i, file) => file["data"] = Horizontal(i));
        string first = Path.Combine(cluster.Directory, "uninterrupted"), second = Path.Combine(cluster.Directory, "interrupted");

        // 1. Uninterrupted, every checkpoint kept. Its keys come from the CSPRNG; the checkpoint of epoch 2 carries them.
        var codes = await RunAllAsync(cluster, p => [.. Training, "--keep-checkpoints", "0", "--out", Out(first, p)]);
        Assert.All(codes, c => Assert.Equal(0, c));

        // 2. A second run with the same seeds: it starts from the uninterrupted run's epoch-2 checkpoints, and party 1 is
        // killed (SIGKILL) as soon as it has saved epoch 4.
        for (int p = 0; p < 3; p++)
        {
            Directory.CreateDirectory(CheckpointDirectory(second, p));
            File.Copy(CheckpointFile(first, p, 2), CheckpointFile(second, p, 2));
        }
        // Every checkpoint kept, so the one the test waits for cannot be rotated away before a busy test host sees it.
        var parties = StartAll(cluster, p => [.. Training, "--keep-checkpoints", "0", "--resume", "--out", Out(second, p)]);
        try
        {
            await WaitForFileAsync(CheckpointFile(second, 1, 4), parties[1]);
            parties[1].Signal("KILL");
            Assert.NotEqual(0, await parties[1].WaitForExitAsync(ProcessTimeout));
            foreach (int p in new[] { 0, 2 })
            {
                int code = await parties[p].WaitForExitAsync(ProcessTimeout);
                output.WriteLine($"party {p} after the kill: exit {code}\n{parties[p].Stderr}");
                Assert.NotEqual(0, code);
                Assert.Contains("party 1 (p1)", parties[p].Stderr, StringComparison.OrdinalIgnoreCase);
                Assert.False(File.Exists(Path.Combine(Out(second, p), "model.json")), "the killed run must not have finished");
            }
        }
        finally
        {
            foreach (var party in parties) party.Dispose();
        }

        // 3. Every party restarted with --resume: they agree on the latest epoch all of them saved.
        parties = StartAll(cluster, p => [.. Training, "--resume", "--out", Out(second, p)]);
        try
        {
            for (int p = 0; p < 3; p++)
            {
                int code = await parties[p].WaitForExitAsync(ProcessTimeout);
                Assert.True(code == 0, $"party {p} exited {code}\n{parties[p].Output}");
                output.WriteLine(string.Join('\n',
                    parties[p].Stdout.Split('\n').Where(l => l.Contains("resuming", StringComparison.Ordinal))));
                Assert.Matches(@"resuming from epoch ([4-9]|[1-9]\d)\b", parties[p].Stdout);
            }
        }
        finally
        {
            foreach (var party in parties) party.Dispose();
        }

        for (int p = 0; p < 3; p++)
        {
            var uninterrupted = Model(first, p);
            var resumed = Model(second, p);
            Assert.Equal(uninterrupted["weights"]!.ToJsonString(), resumed["weights"]!.ToJsonString());
            Assert.Equal(uninterrupted["bias"]!.GetValue<double>(), resumed["bias"]!.GetValue<double>());
            // Not only the revealed model: each party's shares of it are the same bits.
            Assert.Equal(Shares(first, p, Epochs), Shares(second, p, Epochs));
        }
    }

    [Fact]
    public async Task ResumeWithAnotherPartysCheckpoint_AllStop_NamingWhatDiffers()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(20));
        cluster.WriteFiles(editParty: (i, file) => file["data"] = Horizontal(i));
        string run = Path.Combine(cluster.Directory, "run");
        string[] quick = ["train-lr", "--epochs", "4", "--checkpoint-every", "2"];
        Assert.All(await RunAllAsync(cluster, p => [.. quick, "--out", Out(run, p)]), c => Assert.Equal(0, c));

        // Party 1's latest checkpoint replaced by party 0's.
        File.Copy(CheckpointFile(run, 0, 4), CheckpointFile(run, 1, 4), overwrite: true);
        var parties = StartAll(cluster, p => [.. quick, "--resume", "--out", Out(run, p)]);
        try
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.NotEqual(0, await parties[p].WaitForExitAsync(ProcessTimeout));
                output.WriteLine($"party {p}: {parties[p].Stderr}");
            }
            Assert.Contains($"Cannot resume from checkpoint {CheckpointFile(run, 1, 4)}: " +
                "it was written by party 0, and this is party 1", parties[1].Stderr);
            Assert.Contains("party 1", parties[0].Stderr, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            foreach (var party in parties) party.Dispose();
        }
    }

    [Fact]
    public async Task FreshStartOverCheckpoints_IsRefused_NothingOverwritten()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(20));
        cluster.WriteFiles(editParty: (i, file) => file["data"] = Horizontal(i));
        string run = Path.Combine(cluster.Directory, "run");
        Directory.CreateDirectory(CheckpointDirectory(run, 2));
        File.WriteAllText(CheckpointFile(run, 2, 2), "an earlier run's checkpoint");
        var parties = StartAll(cluster, p => ["train-lr", "--epochs", "4", "--checkpoint-every", "2", "--out", Out(run, p)]);
        try
        {
            for (int p = 0; p < 3; p++)
                Assert.NotEqual(0, await parties[p].WaitForExitAsync(ProcessTimeout));
            Assert.Contains($"{CheckpointDirectory(run, 2)} already holds checkpoints (epochs 2): resume them with --resume",
                parties[2].Stderr);
            Assert.Contains("party 2", parties[0].Stderr, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("an earlier run's checkpoint", File.ReadAllText(CheckpointFile(run, 2, 2)));
        }
        finally
        {
            foreach (var party in parties) party.Dispose();
        }
    }

    private static Dictionary<string, object?> Horizontal(int party) =>
        new() { ["file"] = MlTestData.PartyFile(Partitioning.Horizontal, 3, party), ["partition"] = "horizontal", ["label"] = "malignant" };

    private static string Out(string root, int party) => Path.Combine(root, $"p{party}");

    private static string CheckpointDirectory(string root, int party) => Path.Combine(Out(root, party), "checkpoints", $"party-{party}");

    private static string CheckpointFile(string root, int party, int epoch) =>
        Path.Combine(CheckpointDirectory(root, party), $"epoch-{epoch:D6}.json");

    private static JsonObject Model(string root, int party) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Out(root, party), "model.json")))!.AsObject();

    private static string Shares(string root, int party, int epoch) =>
        JsonNode.Parse(File.ReadAllText(CheckpointFile(root, party, epoch)))!["weight_shares"]!.GetValue<string>();

    private static MpcProcess[] StartAll(TestCluster cluster, Func<int, string[]> arguments) =>
        Enumerable.Range(0, 3).Select(p => MpcProcess.Start(["party", "--config", cluster.PartyFile(p), .. arguments(p)])).ToArray();

    private async Task<int[]> RunAllAsync(TestCluster cluster, Func<int, string[]> arguments)
    {
        var parties = StartAll(cluster, arguments);
        try
        {
            var codes = new int[3];
            for (int p = 0; p < 3; p++)
            {
                codes[p] = await parties[p].WaitForExitAsync(ProcessTimeout);
                if (codes[p] != 0) output.WriteLine($"party {p}: exit {codes[p]}\n{parties[p].Output}");
            }
            return codes;
        }
        finally
        {
            foreach (var party in parties) party.Dispose();
        }
    }

    private static async Task WaitForFileAsync(string path, MpcProcess writer)
    {
        var deadline = DateTime.UtcNow + ProcessTimeout;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} did not appear.\n{writer.Output}");
            await Task.Delay(5);
        }
    }
}

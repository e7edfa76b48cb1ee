using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary>
/// <c>train-lr</c> as operators run it: three <c>mpc</c> processes over mutually authenticated TLS on loopback, each
/// reading only its own CSV file named by its party file's data section.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class TrainLrProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    private static Dictionary<string, object?> Horizontal(string file) =>
        new() { ["file"] = file, ["partition"] = "horizontal", ["label"] = "malignant" };

    [Fact]
    public async Task Launch_Horizontal_WritesAllOutputs_WithinOnePointOfPlaintext()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles(
            editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 3, i)));
        string outDirectory = Path.Combine(cluster.Directory, "out");
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "train-lr", "--compare-plaintext", "--out", outDirectory);
        int exit = await launch.WaitForExitAsync(ProcessTimeout);
        output.WriteLine(launch.Output);
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");

        double? accuracy = null;
        for (int p = 0; p < 3; p++)
        {
            string directory = Path.Combine(outDirectory, $"p{p}");
            var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "metrics.json")))!.AsObject();
            var model = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "model.json")))!.AsObject();
            double secure = metrics["accuracy"]!.GetValue<double>(), plain = metrics["plaintext_accuracy"]!.GetValue<double>();
            Assert.True(secure >= 0.97, $"party {p}: test accuracy {secure}");
            Assert.InRange(secure - plain, -0.01, 0.01);
            Assert.True(metrics["max_weight_diff"]!.GetValue<double>() < 1e-2);
            foreach (var key in new[]
                { "auc", "log_loss", "epochs", "train_seconds", "bytes_sent", "rounds", "suite", "sigmoid", "converged_accuracy" })
                Assert.True(metrics.ContainsKey(key), $"metrics.json lacks {key}");
            // Code compiled during training: some at least (first calls), never a negative difference.
            Assert.InRange(metrics["train_jit_methods"]!.GetValue<long>(), 1, 100_000);
            Assert.InRange(metrics["train_jit_seconds"]!.GetValue<double>(), 0, metrics["job_seconds"]!.GetValue<double>() * 4);
            Assert.Equal(30, model["weights"]!.AsArray().Count);
            Assert.Equal(30, model["standardisation"]!["means"]!.AsArray().Count(m => m is not null));
            foreach (var chart in new[] { "loss.png", "roc.png" })
                Assert.Equal((800, 500), OutputTests.PngSize(File.ReadAllBytes(Path.Combine(directory, chart))));
            foreach (var chart in new[] { "loss.svg", "roc.svg" })
                Assert.True(new FileInfo(Path.Combine(directory, chart)).Length > 1000, $"{chart} is empty");
            Assert.Empty(Directory.GetFiles(directory, "*.tmp")); // atomic writes leave nothing behind
            accuracy ??= secure;
            Assert.Equal(accuracy, secure); // every party learns the same model and metrics
        }
        Assert.Matches(@"accuracy\s+0\.9\d+\s+0\.9\d+\s+0\.9\d+", launch.Stdout); // secure, plaintext and converged side by side
        // The default for three parties is the replicated suite: no party is trusted with anything.
        Assert.Contains("train-lr: replicated, 3 parties, horizontal", launch.Stdout);
        Assert.DoesNotContain("trust:", launch.Stdout);
    }

    [Fact]
    public async Task Launch_WithDealer_TrainsAsWell_EveryPartySaysWhomItTrusts()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30), dealer: true);
        string clusterFile = cluster.WriteFiles(
            editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 3, i)));
        string outDirectory = Path.Combine(cluster.Directory, "out");
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "train-lr", "--suite", "additive",
            "--preprocessing", "dealer", "--compare-plaintext", "--out", outDirectory);
        int exit = await launch.WaitForExitAsync(ProcessTimeout);
        output.WriteLine(launch.Output);
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        for (int p = 0; p < 3; p++)
        {
            var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDirectory, $"p{p}", "metrics.json")))!.AsObject();
            Assert.Equal("additive", metrics["suite"]!.GetValue<string>());
            Assert.Equal("dealer", metrics["preprocessing"]!.GetValue<string>());
            double secure = metrics["accuracy"]!.GetValue<double>(), plain = metrics["plaintext_accuracy"]!.GetValue<double>();
            Assert.InRange(secure - plain, -0.01, 0.01);
            Assert.True(metrics["max_weight_diff"]!.GetValue<double>() < 1e-2);
        }
        Assert.Equal(3, launch.Stdout.Split('\n').Count(l => l.Contains(
            "trust: --preprocessing dealer: the dealer (dealer) holds no data and receives no online value", StringComparison.Ordinal)));
        // The dealer is a fourth process: it dealt, and heard nothing but seeds and requests.
        Assert.Matches(@"\[dealer dealer\] dealer: [1-9]\d* dealings; sent party 0 [\d.]+ [KM]iB of corrections", launch.Stdout);
        Assert.Contains("mpc launch: all 4 parties finished", launch.Stdout);
    }

    [Fact]
    public async Task Launch_TwoParties_BulkOffline_OnlineRunsNoOt()
    {
        // The trust-free default for two parties: the ot source, its material counted by a rehearsal and made before the
        // first epoch; online, only openings travel, and the model is as close to plaintext as the dealer's.
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles(
            editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 2, i)));
        string outDirectory = Path.Combine(cluster.Directory, "out");
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "train-lr", "--epochs", "20", "--compare-plaintext",
            "--out", outDirectory);
        int exit = await launch.WaitForExitAsync(ProcessTimeout);
        output.WriteLine(launch.Output);
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        for (int p = 0; p < 2; p++)
        {
            var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDirectory, $"p{p}", "metrics.json")))!.AsObject();
            Assert.Equal(("additive", "ot"), (metrics["suite"]!.GetValue<string>(), metrics["preprocessing"]!.GetValue<string>()));
            double secure = metrics["accuracy"]!.GetValue<double>(), plain = metrics["plaintext_accuracy"]!.GetValue<double>();
            Assert.InRange(secure - plain, -0.01, 0.01);
            Assert.True(metrics["max_weight_diff"]!.GetValue<double>() < 1e-2);
            var offline = metrics["offline"]!.AsObject();
            Assert.True(offline["requests"]!.GetValue<int>() > 20, "every epoch's material is planned");
            long offlineBytes = offline["bytes_sent"]!.GetValue<long>(), onlineBytes = metrics["train_bytes_sent"]!.GetValue<long>();
            Assert.True(offlineBytes > 20 * onlineBytes, $"offline sent {offlineBytes} bytes, training {onlineBytes}: OT ran online");
        }
        Assert.Contains("train-lr: additive (ot, offline phase in bulk), 2 parties", launch.Stdout);
        Assert.Matches(@"train-lr: offline phase [\d.]+ s \(rehearsal [\d.]+ s\), \d+ rounds, sent [\d.]+ MiB", launch.Stdout);
        Assert.DoesNotContain("trust:", launch.Stdout);
    }

    [Fact]
    public async Task Preprocess_ThenTrain_UsesTheStoreOnce()
    {
        // The offline phase made ahead into each party's encrypted, owner-only store; a run with other shapes, or with an
        // altered store, is refused and leaves it untouched; the matching run uses it (online only) and it is gone after.
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles(
            editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 2, i)));
        string store = Path.Combine(cluster.Directory, "store"), outDirectory = Path.Combine(cluster.Directory, "out");
        async Task<(int ExitCode, string Output, string Stdout)> Launch(params string[] args)
        {
            using var launch = MpcProcess.Start(["launch", "--cluster", clusterFile, .. args]);
            int exit = await launch.WaitForExitAsync(ProcessTimeout);
            output.WriteLine(launch.Output);
            return (exit, launch.Output, launch.Stdout);
        }

        var preprocess = await Launch("preprocess", "--for", "train-lr", "--epochs", "5", "--out", store);
        {
            Assert.True(preprocess.ExitCode == 0, preprocess.Output);
            Assert.Matches(@"offline material for 5 epochs saved to .*offline\.mpcpre \([\d.]+ MiB, [\d.]+ KiB per epoch",
                preprocess.Stdout);
            Assert.DoesNotContain("test accuracy", preprocess.Stdout);
        }
        string[] files = [.. Enumerable.Range(0, 2).Select(p => Path.Combine(store, $"p{p}", "offline.mpcpre"))];
        foreach (var file in files)
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var other = await Launch("train-lr", "--epochs", "4", "--offline-from", store, "--out", outDirectory);
        {
            Assert.NotEqual(0, other.ExitCode);
            Assert.Contains("The stored material was made for another program", other.Output);
        }
        // Party 1's store from another preprocess run: each store is sound, but they do not belong together.
        string second = Path.Combine(cluster.Directory, "second"), mixed = Path.Combine(cluster.Directory, "mixed");
        Assert.Equal(0, (await Launch("preprocess", "--for", "train-lr", "--epochs", "5", "--out", second)).ExitCode);
        Copy(mixed, (0, files[0]), (1, Path.Combine(second, "p1", "offline.mpcpre")));
        var mismatched = await Launch("train-lr", "--epochs", "5", "--offline-from", mixed, "--out", outDirectory);
        Assert.NotEqual(0, mismatched.ExitCode);
        Assert.Contains("offline_store", mismatched.Output);
        Assert.True(File.Exists(Path.Combine(mixed, "p0", "offline.mpcpre")), "a refused store must stay unused");

        string altered = Path.Combine(cluster.Directory, "altered");
        Copy(altered, (0, files[0]), (1, files[1]));
        var flipped = File.ReadAllBytes(Path.Combine(altered, "p1", "offline.mpcpre"));
        flipped[^1] ^= 1;
        File.WriteAllBytes(Path.Combine(altered, "p1", "offline.mpcpre"), flipped);
        var tampered = await Launch("train-lr", "--epochs", "5", "--offline-from", altered, "--out", outDirectory);
        {
            Assert.NotEqual(0, tampered.ExitCode);
            Assert.Contains("was not made by party 1 (p1) of cluster", tampered.Output);
        }

        var train = await Launch("train-lr", "--epochs", "5", "--offline-from", store, "--compare-plaintext", "--out", outDirectory);
        {
            Assert.True(train.ExitCode == 0, train.Output);
            var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDirectory, "p0", "metrics.json")))!.AsObject();
            Assert.True(metrics["offline"]!["made_ahead"]!.GetValue<bool>());
            Assert.True(metrics["max_weight_diff"]!.GetValue<double>() < 1e-2);
            Assert.Contains("offline material made ahead, from", train.Stdout);
        }
        foreach (var file in files)
        {
            Assert.False(File.Exists(file), $"{file} outlived its use");
            Assert.Contains("used by a run started", File.ReadAllText(file + ".used"));
        }
        var again = await Launch("train-lr", "--epochs", "5", "--offline-from", store, "--out", outDirectory + "-again");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("was used by an earlier run", again.Output);

        static void Copy(string folder, params (int Party, string File)[] stores)
        {
            foreach (var (party, file) in stores)
            {
                Directory.CreateDirectory(Path.Combine(folder, $"p{party}"));
                File.Copy(file, Path.Combine(folder, $"p{party}", "offline.mpcpre"));
            }
        }
    }

    [Fact]
    public async Task Launch_DealerAskedWithoutOne_RefusesSayingWhatIsMissing()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles(
            editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 3, i)));
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "train-lr", "--preprocessing", "dealer", "--epochs", "2",
            "--out", Path.Combine(cluster.Directory, "out"));
        int exit = await launch.WaitForExitAsync(ProcessTimeout);
        Assert.NotEqual(0, exit);
        Assert.Contains("--preprocessing dealer needs a dealer: a member with \"role\": \"dealer\"", launch.Output);
        Assert.DoesNotContain("epoch", launch.Stdout);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("additive")]
    public async Task Launch_BreastCancerVertical_LabelAtPartyZero_Trains(string suite)
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30), dealer: suite == "additive");
        string clusterFile = cluster.WriteFiles(editParty: (i, file) => file["data"] = new Dictionary<string, object?>
        {
            ["file"] = MlTestData.PartyFile(Partitioning.Vertical, 3, i),
            ["partition"] = "vertical",
            ["id"] = "id",
            ["label"] = i == 0 ? "malignant" : null,
        });
        string outDirectory = Path.Combine(cluster.Directory, "out");
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "train-lr", "--suite", suite,
            "--preprocessing", suite == "additive" ? "dealer" : "auto", "--epochs", "30", "--out", outDirectory);
        int exit = await launch.WaitForExitAsync(ProcessTimeout);
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDirectory, "p1", "metrics.json")))!;
        Assert.True(metrics["accuracy"]!.GetValue<double>() >= 0.93, launch.Output);
        Assert.Equal("vertical", metrics["partition"]!.GetValue<string>());
        Assert.Equal(suite == "auto" ? "replicated" : suite, metrics["suite"]!.GetValue<string>());

        // Each party knows only its own features' standardisation; predict merges every party's model.
        var models = Enumerable.Range(0, 3).Select(p => Path.Combine(outDirectory, $"p{p}", "model.json")).ToArray();
        var one = JsonNode.Parse(File.ReadAllText(models[1]))!;
        Assert.Equal(10, one["standardisation"]!["means"]!.AsArray().Count(m => m is not null));
        using var predict = MpcProcess.Start(["predict", "--model", .. models, "--data", MlTestData.DataPath("breast_cancer.csv"),
            "--out", Path.Combine(outDirectory, "p.csv")]);
        Assert.Equal(0, await predict.WaitForExitAsync(ProcessTimeout));
        Assert.Matches(@"predict: accuracy 0\.9\d+", predict.Stdout);
    }

    [Fact]
    public async Task NonNumericCell_AllStop_NamingThePartyFileRowAndColumn()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(20));
        var files = new string[3];
        for (int i = 0; i < 3; i++)
        {
            files[i] = Path.Combine(cluster.Directory, $"party-{i}.csv");
            var lines = File.ReadAllLines(MlTestData.PartyFile(Partitioning.Horizontal, 3, i));
            if (i == 1)
            {
                int column = Array.IndexOf(lines[0].Split(','), "mean_area");
                var cells = lines[4].Split(',');
                cells[column] = "n/a";
                lines[4] = string.Join(',', cells); // line 5 of the file
            }
            File.WriteAllLines(files[i], lines);
        }
        cluster.WriteFiles(editParty: (i, file) => file["data"] = Horizontal(files[i]));
        var parties = Enumerable.Range(0, 3).Select(i => MpcProcess.Start("party", "--config", cluster.PartyFile(i), "train-lr")).ToArray();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                int code = await parties[i].WaitForExitAsync(ProcessTimeout);
                output.WriteLine($"party {i}: exit {code}\n{parties[i].Stderr}");
                Assert.NotEqual(0, code);
                var error = parties[i].Stderr;
                Assert.Contains("party 1", error);
                Assert.Contains(files[1], error);
                Assert.Contains("row 5", error);
                Assert.Contains("column 'mean_area'", error);
            }
        }
        finally
        {
            foreach (var p in parties) p.Dispose();
        }
    }

    [Fact]
    public async Task PartiesStartedWithDifferentEpochs_AllStop_NamingTheSetting()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(20));
        cluster.WriteFiles(editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 3, i)));
        var parties = Enumerable.Range(0, 3)
            .Select(i => MpcProcess.Start("party", "--config", cluster.PartyFile(i), "train-lr", "--epochs", i == 2 ? "7" : "5",
                "--out", Path.Combine(cluster.Directory, $"out{i}")))
            .ToArray();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.NotEqual(0, await parties[i].WaitForExitAsync(ProcessTimeout));
                Assert.Contains("party 2 runs with epochs = 7 where party 0 has 5", parties[i].Stderr);
            }
        }
        finally
        {
            foreach (var p in parties) p.Dispose();
        }
    }
}

using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Party.Checkpoints;
using Mpc.Party.Output;

namespace Mpc.Tests.Party;

/// <summary>Checkpoint files: round trip, owner-only, refused when they belong to another run, kept two at a time.</summary>
public sealed class CheckpointFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mpc-checkpoint-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly (string, string)[] Settings = [("epochs", "10"), ("learning_rate", "1"), ("seed", "1")];

    private static CheckpointIdentity Identity(string hash = "AB12", string session = "local-3", int party = 1, int parties = 3,
        string data = "D0", (string, string)[]? settings = null) =>
        new(hash, session, party, parties, data, settings ?? Settings);

    private static CheckpointFile<Z2k> Sample() => new(
        Identity(),
        new TrainingState<Z2k>(4, [new Z2k(1), new Z2k(ulong.MaxValue), new Z2k(0x0123456789abcdef)], [(2, 0.125), (4, 0.1 + 0.2)]),
        Keys: [1, 2, 3, 4, 5],
        TagCounters: [1, 217, 141, 0],
        PreprocessingUsage: "12 triples");

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void WriteThenRead_GivesBackEveryBitOfTheState()
    {
        string path = Path.Combine(_directory, "epoch-000004.json");
        var written = Sample();
        written.Write(path);
        var read = CheckpointFile<Z2k>.Read(path);
        Assert.Equal(written.State.WeightShares, read.State.WeightShares);
        Assert.Equal(written.State.Losses, read.State.Losses); // doubles round-trip exactly
        Assert.Equal(4, read.State.EpochsCompleted);
        Assert.Equal(written.Keys, read.Keys);
        Assert.Equal(written.TagCounters, read.TagCounters);
        Assert.Null(read.Identity.DifferenceFrom(Identity()));
        Assert.Single(Directory.GetFiles(_directory)); // no temporary file left
    }

    [Fact]
    public void Checkpoint_IsReadableByItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        string path = Path.Combine(_directory, "epoch-000004.json");
        Sample().Write(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData("party", "it was written by party 1, and this is party 2")]
    [InlineData("session", "it was written in session 'local-3', and this run's session is 'other'")]
    [InlineData("cluster", "it was written with another cluster file")]
    [InlineData("parties", "it was written by a cluster of 3 parties, and this one has 5")]
    [InlineData("settings", "it was written with learning_rate = 1, and this run has learning_rate = 0.5")]
    [InlineData("data", "it was written on other data (this party's data file, or the columns read from it, changed since)")]
    public void CheckpointOfAnotherRun_IsRefused_NamingWhatDiffers(string what, string expected)
    {
        var run = what switch
        {
            "party" => Identity(party: 2),
            "session" => Identity(session: "other"),
            "cluster" => Identity(hash: "CD34"),
            "parties" => Identity(parties: 5),
            "data" => Identity(data: "D1"),
            _ => Identity(settings: [("epochs", "10"), ("learning_rate", "0.5"), ("seed", "1")]),
        };
        string path = Path.Combine(_directory, "epoch-000004.json");
        Sample().Write(path);
        Assert.StartsWith(expected, CheckpointFile<Z2k>.Read(path).Identity.DifferenceFrom(run));
    }

    [Fact]
    public void MalformedCheckpoint_FailsNamingTheFile()
    {
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, "epoch-000004.json");
        File.WriteAllText(path, "{\"format\": \"mpc train-lr checkpoint 1\", \"ring\": \"Z2k\"");
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile<Z2k>.Read(path));
        Assert.Contains(path, error.Message);
        File.WriteAllText(path, "{\"format\": \"mpc train-lr checkpoint 1\", \"ring\": \"Mersenne127\"}");
        Assert.Contains("holds shares in Mersenne127", Assert.Throws<CheckpointException>(() => CheckpointFile<Z2k>.Read(path)).Message);
    }

    [Fact]
    public void Store_KeepsTheLatestTwo_AndRefusesToKeepFewer()
    {
        var store = new CheckpointStore(_directory, keep: 2);
        foreach (int epoch in new[] { 2, 4, 6, 8 }) store.Save(epoch, Sample().Write);
        Assert.Equal([6, 8], store.Epochs());
        Assert.Throws<ArgumentException>(() => new CheckpointStore(_directory, keep: 1));
        var all = new CheckpointStore(Path.Combine(_directory, "all"), keep: 0);
        foreach (int epoch in new[] { 2, 4, 6 }) all.Save(epoch, Sample().Write);
        Assert.Equal([2, 4, 6], all.Epochs());
    }

    [Fact]
    public void CrashBeforeTheRename_LeavesNoFile_NeverAPartialOne()
    {
        string path = Path.Combine(_directory, "epoch-000006.json");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            throw new IOException("disk full (simulated)");
        }, ownerOnly: true));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_directory));
        Assert.Empty(new CheckpointStore(_directory, keep: 2).Epochs());
    }

    [Fact]
    public void KilledWritersTemporaryFile_IsNeverTakenForACheckpoint()
    {
        // A writer killed between write and rename leaves its temporary file; the store ignores it.
        var store = new CheckpointStore(_directory, keep: 2);
        store.Save(2, Sample().Write);
        File.WriteAllText(Path.Combine(_directory, ".epoch-000004.json.0123abcd.tmp"), "{\"format\": \"mpc tr");
        Assert.Equal([2], store.Epochs());
    }
    [Fact]
    public void FolderFlush_OfAMissingFolder_FailsNamingIt()
    {
        if (OperatingSystem.IsWindows()) return;
        string missing = Path.Combine(_directory, "missing");
        Assert.Contains(missing, Assert.Throws<IOException>(() => DirectorySync.Flush(missing)).Message);
        Directory.CreateDirectory(_directory);
        DirectorySync.Flush(_directory); // an existing folder flushes
    }
    [Fact]
    public void DataHash_ChangesWithAnyByteOfTheFile_OrTheColumnsRead()
    {
        Directory.CreateDirectory(_directory);
        string file = Path.Combine(_directory, "party-0.csv");
        File.WriteAllText(file, "a,b,label\n1,2,0\n3,4,1\n");
        var columns = new CsvColumns("label");
        string original = CheckpointIdentity.HashData(file, columns);
        Assert.Equal(original, CheckpointIdentity.HashData(file, new CsvColumns("label")));
        Assert.NotEqual(original, CheckpointIdentity.HashData(file, new CsvColumns("label", Features: ["a"])));
        File.WriteAllText(file, "a,b,label\n1,2,0\n3,5,1\n");
        Assert.NotEqual(original, CheckpointIdentity.HashData(file, columns));
    }
}

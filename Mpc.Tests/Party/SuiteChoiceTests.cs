using Mpc.Party.Jobs;

namespace Mpc.Tests.Party;

/// <summary>The defaults every job resolves "auto" to: a configuration in which no party can read another's data.</summary>
public sealed class SuiteChoiceTests
{
    [Theory]
    [InlineData(2, false, "additive", "ot", "garbled")]
    [InlineData(2, true, "additive", "ot", "bits")] // garbled comparisons keep OT state that checkpoints do not save
    [InlineData(3, false, "replicated", "ot", "bits")]
    [InlineData(3, true, "replicated", "ot", "bits")]
    [InlineData(4, false, "shamir", "ot", "bits")]
    [InlineData(7, false, "shamir", "ot", "bits")]
    public void Auto_ResolvesToTheTrustFreeConfiguration_ForEachClusterSize(int parties, bool checkpointing, string suite,
        string preprocessing, string comparison)
    {
        var choice = SuiteChoice.Resolve("auto", "auto", "auto", parties, checkpointing);
        Assert.Equal(new SuiteChoice(suite, preprocessing, comparison), choice);
        Assert.Equal(choice, SuiteChoice.Resolve(null, null, null, parties, checkpointing)); // an option left out is "auto"
    }

    [Fact]
    public void WhatTheUserNames_IsKept_TheDealerOnlyWhenAskedFor()
    {
        Assert.Equal(new SuiteChoice("additive", "dealer", "bits"), SuiteChoice.Resolve("additive", "dealer", "bits", 3));
        Assert.Equal(new SuiteChoice("shamir", "ot", "bits"), SuiteChoice.Resolve("shamir", "auto", "auto", 3));
        Assert.Equal("ot", SuiteChoice.ResolvePreprocessing(null));
        // Naming a preprocessing source names the suite that has one.
        Assert.Equal(new SuiteChoice("additive", "dealer", "bits"), SuiteChoice.Resolve("auto", "dealer", "auto", 3));
        Assert.Equal(new SuiteChoice("additive", "ot", "garbled"), SuiteChoice.Resolve("auto", "ot", "auto", 2));
        Assert.Equal(new SuiteChoice("additive", "dealer", "bits"), SuiteChoice.Resolve(null, "dealer", null, 5));
        foreach (int parties in new[] { 2, 3, 4, 5 })
            Assert.NotEqual("dealer", SuiteChoice.Resolve("auto", "auto", "auto", parties).Preprocessing);
    }

    [Fact]
    public void TrainLrSettings_ResolveSuiteForCluster_AgreeOnResolvedNames()
    {
        var parse = Mpc.Party.Commands.MpcCommandLine.ParseJob(new TrainLrJob(), ["train-lr"]);
        var settings = TrainLrSettings.From(parse).For(3);
        Assert.Equal("replicated", settings.Suite);
        Assert.Contains(("suite", "replicated"), settings.Public(Mpc.Ml.Data.DataPartition.ByRows, 3));
        Assert.Contains(("preprocessing", "none"), settings.Public(Mpc.Ml.Data.DataPartition.ByRows, 3));
        // Two parties train on the ot source with its material made in bulk before the first epoch, comparing by bits
        // (garbled circuits cannot be rehearsed, and bits win online and in total once the material is made ahead).
        var two = TrainLrSettings.From(parse).For(2);
        Assert.Equal(("additive", "ot", "bits", "bulk"), (two.Suite, two.Preprocessing, two.Comparison, two.Offline));
        Assert.Contains(("offline", "bulk"), two.Agreed(Mpc.Ml.Data.DataPartition.ByRows, 2));
    }

    [Fact]
    public void Offline_BulkOnlyWhereARehearsalCanCountIt()
    {
        TrainLrSettings Settings(int parties, params string[] options) =>
            TrainLrSettings.From(Mpc.Party.Commands.MpcCommandLine.ParseJob(new TrainLrJob(), ["train-lr", .. options])).For(parties);
        Assert.Equal("n/a", Settings(3).Offline); // replicated: no preprocessing
        Assert.Equal("on-demand", Settings(2, "--offline", "on-demand").Offline);
        Assert.Equal("garbled", Settings(2, "--offline", "on-demand").Comparison); // on demand, garbled comparisons stay the default
        Assert.Equal("on-demand", Settings(3, "--preprocessing", "dealer").Offline);
        Assert.Equal("bulk", Settings(3, "--preprocessing", "dealer", "--offline", "bulk").Offline);
        Assert.Equal("bits", Settings(2, "--checkpoint-every", "5").Comparison);
        Assert.Equal("on-demand", Settings(2, "--checkpoint-every", "5").Offline);
        var error = Assert.Throws<ArgumentException>(() => Settings(2, "--offline", "bulk", "--comparison", "garbled").Validate());
        Assert.Contains("--offline bulk needs --comparison bits", error.Message);
        error = Assert.Throws<ArgumentException>(() => Settings(2, "--offline", "bulk", "--checkpoint-every", "5").Validate());
        Assert.Contains("--offline bulk does not work with --checkpoint-every", error.Message);
        error = Assert.Throws<ArgumentException>(() => Settings(3, "--offline", "bulk").Validate());
        Assert.Contains("--offline bulk is for the additive suite's preprocessing", error.Message);
        error = Assert.Throws<ArgumentException>(() => Settings(2, "--offline-only", "--offline", "on-demand").Validate());
        Assert.Contains("--offline-only and --offline-from need the offline phase in bulk", error.Message);
        error = Assert.Throws<ArgumentException>(() => Settings(2, "--offline-only", "--compare-plaintext").Validate());
        Assert.Contains("mpc preprocess (--offline-only) trains none", error.Message);
        error = Assert.Throws<ArgumentException>(() => Settings(2, "--offline-only", "--offline-from", "store").Validate());
        Assert.Contains("give one of them", error.Message);
    }

    [Fact]
    public void Truncation_TwoRoundByDefault_Agreed_RefusedForOtherSuites()
    {
        TrainLrSettings Settings(params string[] options) =>
            TrainLrSettings.From(Mpc.Party.Commands.MpcCommandLine.ParseJob(new TrainLrJob(), ["train-lr", .. options])).For(3);
        Assert.Equal("two-round", Settings().Truncation);
        Assert.Equal("one-round", Settings("--truncation", "one-round").Truncation);
        Assert.Contains(("truncation", "one-round"), Settings("--truncation", "one-round").Public(Mpc.Ml.Data.DataPartition.ByRows, 3));
        Assert.Equal("n/a", Settings("--suite", "shamir").Truncation);
        Settings("--suite", "shamir").Validate();
        var error = Assert.Throws<ArgumentException>(() => Settings("--suite", "shamir", "--truncation", "one-round").Validate());
        Assert.Contains("--truncation one-round applies to --suite replicated", error.Message);
        // Masks made ahead are discarded at every checkpoint: resuming needs the original interval, as with the ot source.
        error = Assert.Throws<ArgumentException>(() => Settings("--truncation", "one-round", "--resume").Validate());
        Assert.Contains("--resume with --truncation one-round needs the --checkpoint-every", error.Message);
        Settings("--truncation", "one-round", "--resume", "--checkpoint-every", "2").Validate();
    }
}

using System.CommandLine;
using Mpc.Net.Configuration;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>mpc preprocess --for train-lr [train-lr's options]</c>: the offline phase of a later run, made ahead (for example
/// overnight) into each party's own encrypted store, <c>&lt;out&gt;/offline.mpcpre</c>; <c>train-lr --offline-from</c> with the
/// same options then runs only the online phase, and uses the store once. The same as <c>train-lr --offline-only</c>.
/// </summary>
public sealed class PreprocessJob : IJob, ILaunchHooks, ICheckedBeforeConnecting
{
    private readonly TrainLrJob _trainLr = new();

    /// <inheritdoc />
    public string Name => "preprocess";

    /// <inheritdoc />
    public string Description =>
        "Make a later job's offline material ahead (--for train-lr, with its options) into each party's encrypted store.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<string>("--for")
        {
            Description = "The job the material is for (train-lr); give that job's options too.",
            Required = true,
        }.AcceptOnlyFromAmong("train-lr"),
        .. _trainLr.CreateOptions(),
    ];

    /// <inheritdoc />
    public Task<int> RunAsync(JobContext context, CancellationToken ct) => _trainLr.RunAsync(context, offlineOnly: true, ct);

    /// <inheritdoc />
    public ILaunchPlan Plan(ParseResult parse, ClusterConfig cluster, IReadOnlyList<PartyConfig> parties, TextWriter stdout) =>
        _trainLr.Plan(parse, cluster, parties, stdout);

    /// <inheritdoc />
    public void CheckBeforeConnecting(ParseResult parse, PartyConfig party) => _trainLr.CheckBeforeConnecting(parse, party);
}

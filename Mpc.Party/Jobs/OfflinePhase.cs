using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>train-lr</c>'s offline phase: a rehearsal of the training on data of the same public shapes (all zeros) counts
/// every triple and mask it will take, and the source makes them all in bulk before the first epoch, so that the
/// online phase runs no OT. Its time, rounds and bytes are reported apart from the online phase's, as MP-SPDZ does.
/// </summary>
internal sealed record OfflinePhase(PreprocessingPlan Plan, double RehearsalSeconds, double Seconds, long Rounds, long BytesSent,
    long BytesReceived)
{
    /// <summary>Segments the plan was made in (beyond the first, made as training reaches them).</summary>
    public int Segments { get; init; } = 1;

    /// <summary>Where the material came from when it was made ahead (<c>--offline-from</c>); null when made in this run.</summary>
    public string? StorePath { get; init; }

    /// <summary>Records the plan of training on <paramref name="train"/>'s shapes and makes its material.</summary>
    public static async Task<OfflinePhase> RunAsync(Session session, PlannedPreprocessing source, FixedPointFormat format,
        SharedDataset<Z2k> train,
        double featureBound, LogisticRegressionOptions options, string comparison, IPartyNetwork network,
        (string Path, byte[] Id, byte[] Material)? stored, long memoryBudget, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var plan = await PreprocessingPlan.RecordAsync(session, source, async (rehearsal, recorder, token) =>
        {
            var suite = SuiteOptions.Additive(rehearsal, recorder, comparison);
            var shapes = new SharedDataset<Z2k>(SharedVector<Z2k>.FromShares(new Z2k[train.Features.Length]),
                SharedVector<Z2k>.FromShares(new Z2k[train.Labels.Length]), train.Rows, train.Columns);
            await new LogisticRegressionTrainer<Z2k>(new FixedPointArithmetic<Z2k>(suite, format))
                .TrainAsync(shapes, featureBound, options, ModelOutput.KeepShared, ct: token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        double rehearsal = clock.Elapsed.TotalSeconds;
        if (stored is var (path, id, material))
        {
            // Checked against this run's plan, then marked used before any item is handed out.
            source.LoadMaterial(plan, material);
            OfflineStore.MarkUsed(path, id);
            return new OfflinePhase(plan, rehearsal, clock.Elapsed.TotalSeconds, 0, 0, 0) { StorePath = path };
        }
        var before = network.Stats.Snapshot();
        await source.PrepareAsync(plan, ct, memoryBudget).ConfigureAwait(false);
        var after = network.Stats.Snapshot();
        return new OfflinePhase(plan, rehearsal, clock.Elapsed.TotalSeconds, after.Rounds - before.Rounds,
            after.TotalBytesSent - before.TotalBytesSent, after.TotalBytesReceived - before.TotalBytesReceived)
        {
            Segments = source.Segments,
        };
    }

    /// <summary>One line for the run's output.</summary>
    public string Describe() => StorePath is { } path
        ? string.Create(CultureInfo.InvariantCulture,
            $"offline material made ahead, from {path} (used: deleted, noted in {path}.used); read and checked in {Seconds:0.000} s; " +
            $"plan: {Plan}")
        : FormattableString.Invariant(
            $"offline phase {Seconds:0.000} s (rehearsal {RehearsalSeconds:0.000} s), {Rounds} rounds, sent {Mib(BytesSent):0.0} MiB, ") +
          FormattableString.Invariant($"received {Mib(BytesReceived):0.0} MiB") +
          (Segments > 1 ? $" for the first of {Segments} segments (each later one is made when training reaches it)" : "") +
          $"; plan: {Plan}";

    /// <summary>The figures for metrics.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["seconds"] = Math.Round(Seconds, 6),
        ["rehearsal_seconds"] = Math.Round(RehearsalSeconds, 6),
        ["rounds"] = Rounds,
        ["bytes_sent"] = BytesSent,
        ["bytes_received"] = BytesReceived,
        ["requests"] = Plan.Count,
        ["made_ahead"] = StorePath is not null,
        ["segments"] = Segments,
    };

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
}

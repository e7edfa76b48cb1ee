using System.CommandLine;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Net;
using Mpc.Protocols.Malicious;
using Mpc.Net.Configuration;
using Mpc.Party.Jobs;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Party.Commands;

/// <summary>
/// Runs one party: load and validate its config, connect the mesh, run the job, print the accounting.
/// On failure it aborts the mesh (so every peer fails naming the culprit) and prints one line naming it.
/// </summary>
internal static class PartyRunner
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadConfig = 2;

    public static async Task<int> RunAsync(string configPath, bool insecure, bool verbose, IJob job, ParseResult parse, TextWriter stdout,
        TextWriter stderr, CancellationToken outer, string logFormat = "text")
    {
        Launch.StartupTimings.Mark(Launch.StartupTimings.CommandLine);
        using var signals = new TerminationSignals(outer);
        var ct = signals.Token;
        if (job is IDelegatingJob delegating)
        {
            string? program;
            try
            {
                program = delegating.DelegateTo(parse);
            }
            catch (ArgumentException ex)
            {
                await stderr.WriteLineAsync($"mpc: {job.Name}: {ex.Message}");
                return BadConfig;
            }
            if (program is not null)
                return await Hosting.ProgramProcess.RunAsync(program, ProgramArguments(configPath, insecure, verbose, logFormat, parse),
                    stderr, ct);
        }
        PartyConfig party;
        try
        {
            party = PartyConfig.Load(Launch.BundledFiles.Resolve(configPath, stdout), requireCertificates: !insecure);
            Launch.StartupTimings.Mark(Launch.StartupTimings.ConfigAndKeys);
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"mpc: config error: {ex.Message}");
            return BadConfig;
        }
        if (insecure && !party.Cluster.Insecure) party = party with { Cluster = party.Cluster with { Insecure = true } };
        if (job is ICheckedBeforeConnecting checkedJob && !party.Me.IsDealer)
        {
            try
            {
                checkedJob.CheckBeforeConnecting(parse, party);
            }
            catch (MpcException ex)
            {
                await stderr.WriteLineAsync($"mpc: {party.Me.Label}: {job.Name}: {ex.Message}");
                return BadConfig;
            }
        }

        using var loggers = Logging.Create(verbose, logFormat);
        var logger = loggers.CreateLogger($"mpc.p{party.PartyId}");
        string me = party.Me.Label;
        IPartyNetwork? network = null;
        DealerLink? dealer = null;
        try
        {
            network = await TcpMesh.ConnectAsync(party, logger, ct);
            Launch.StartupTimings.Mark(Launch.StartupTimings.MeshAndTls);
            logger.LogInformation("{Me}: connected to {Count} peers", me, network.PartyCount - 1);
            if (Launch.LaunchedParty.IsLaunched) await stdout.WriteLineAsync(Launch.LaunchedParty.MeshFormedLine);
            int code;
            if (party.Me.IsDealer)
            {
                code = await DealAsync(network, party, stdout, ct);
            }
            else
            {
                // The computing parties compute over a view without the dealer; only the dealer source talks to it.
                IPartyNetwork computing = network;
                if (party.Cluster.Dealer is { } entry)
                {
                    dealer = await DealerLink.ConnectAsync(network, entry.Id, party.Cluster.ReceiveTimeout / 3, ct: ct);
                    computing = new FirstPartiesNetwork(network, party.Cluster.ComputingPartyCount);
                }
                var context = new JobContext
                {
                    Network = computing, Dealer = dealer, Party = party, ParseResult = parse, Logger = logger, Out = stdout,
                };
                code = await job.RunAsync(context, ct);
                if (dealer is not null) await dealer.FinishAsync(ct);
            }
            Launch.StartupTimings.Mark(Launch.StartupTimings.Job);
            await stdout.WriteLineAsync(network.Stats.Snapshot().ToString());
            await network.DisposeAsync();
            Launch.StartupTimings.Mark(Launch.StartupTimings.Teardown);
            if (Launch.LaunchedParty.IsLaunched) await stdout.WriteLineAsync(Launch.StartupTimings.MarksLine());
            return code;
        }
        catch (Exception ex)
        {
            // Peers learn only what is safe to share: our own messages never hold secrets, other exceptions' messages might.
            string reason = ex switch
            {
                MpcException => ex.Message,
                OperationCanceledException when ct.IsCancellationRequested =>
                    signals.Received is { } signal ? $"stopped by {signal}" : "cancelled by the operator",
                _ => $"job '{job.Name}' failed with {ex.GetType().Name}",
            };
            if (network is not null)
            {
                try
                {
                    // A peer's failed check names the peer, so every party reports the same culprit.
                    if (ex is PeerException { PeerId: var culprit } pe && culprit != party.PartyId
                        && (uint)culprit < (uint)network.PartyCount)
                        await network.AbortAsync(culprit, pe.Reason);
                    else if (ex is CheatingDetectedException { Culprit: { } cheater } && cheater != party.PartyId
                        && (uint)cheater < (uint)network.PartyCount)
                        await network.AbortAsync(cheater, ex.Message);
                    else
                        await network.AbortAsync(reason);
                }
                catch (Exception abortError)
                {
                    logger.LogDebug(abortError, "{Me}: sending the abort failed", me);
                }
                await stdout.WriteLineAsync(network.Stats.Snapshot().ToString());
            }
            string message = ex switch
            {
                MpcException => ex.Message,
                OperationCanceledException when ct.IsCancellationRequested => reason,
                _ => $"{ex.GetType().Name}: {ex.Message}",
            };
            if (verbose && ex is not MpcException) logger.LogError(ex, "{Me} failed", me);
            await stderr.WriteLineAsync($"mpc: {me} failed: {message}");
            return ex is ConfigException ? BadConfig : Failed;
        }
        finally
        {
            if (dealer is not null) await dealer.DisposeAsync();
            if (network is not null) await network.DisposeAsync();
        }
    }

    /// <summary>A program's command line: this party's config and options, and the job's options without --program.</summary>
    private static List<string> ProgramArguments(string configPath, bool insecure, bool verbose, string logFormat, ParseResult parse)
    {
        var args = new List<string> { "party", "--config", configPath };
        if (insecure) args.Add("--insecure");
        if (verbose) args.Add("--verbose");
        args.AddRange([Logging.FormatOption, logFormat]);
        var job = MpcCommandLine.JobArguments(parse);
        for (int i = 0; i < job.Count; i++)
        {
            if (job[i] is RunExampleJob.ProgramOption or "--config" or "-c") i++;
            else if (!job[i].StartsWith(RunExampleJob.ProgramOption + "=", StringComparison.Ordinal)) args.Add(job[i]);
        }
        return args;
    }

    /// <summary>The dealer's whole run: serve party 0's requests until it says the computation is over.</summary>
    private static async Task<int> DealAsync(IPartyNetwork network, PartyConfig party, TextWriter stdout, CancellationToken ct)
    {
        int computing = party.Cluster.ComputingPartyCount;
        await stdout.WriteLineAsync($"dealer: deals for the {computing} computing parties; " +
            "it holds no data and receives no online value, only party 0's requests (shapes and sizes)");
        var report = await DealerService.ServeAsync(network, ct);
        var stats = network.Stats.Snapshot();
        await stdout.WriteLineAsync($"dealer: {report.Dealings} dealings; " +
            $"sent party 0 {NetworkStatsSnapshot.FormatBytes(report.CorrectionBytes)} of corrections; " +
            $"received {NetworkStatsSnapshot.FormatBytes(stats.TotalBytesReceived)} in all (seeds and requests)");
        return Ok;
    }
}

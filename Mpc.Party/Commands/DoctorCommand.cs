using System.CommandLine;
using Microsoft.Extensions.Logging;
using Mpc.Net.Configuration;
using Mpc.Net.Diagnostics;
using Mpc.Party.Output;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc doctor --config FILE [--wait SECONDS]</c>: an operator's check of one party before its first real run
/// (see <see cref="PartyDoctor"/>); prints one table row per check with what to do about each failure. Exit code 0
/// when nothing failed (warnings allowed), 1 when a check failed, 2 when the config cannot be loaded.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(Option<bool> verbose, TextWriter stdout, TextWriter stderr)
    {
        var config = new Option<string>("--config", "-c") { Description = "This party's config file.", Required = true };
        var wait = new Option<double?>("--wait")
        {
            Description = "Seconds to wait for the peers' doctors, which run at the same time (default: the cluster's connect timeout).",
        };
        var command = new Command("doctor",
            "Check this party before a run across organisations: its key and certificate files, every peer's address, "
            + "mutual TLS with the pinned certificates, the cluster file and the clocks. Every party's operator runs it at the same time.");
        command.Options.Add(config);
        command.Options.Add(wait);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, parse.GetValue(wait), parse.GetValue(verbose),
            Logging.FormatOf(parse), stdout, stderr, ct));
        return command;
    }

    private static async Task<int> RunAsync(string configPath, double? waitSeconds, bool verbose, string logFormat, TextWriter stdout,
        TextWriter stderr, CancellationToken ct)
    {
        if (waitSeconds is <= 0 or > 86_400)
        {
            await stderr.WriteLineAsync("mpc doctor: --wait must be a number of seconds in (0, 86400].");
            return PartyRunner.BadConfig;
        }
        string path;
        try
        {
            path = Launch.BundledFiles.Resolve(configPath, stdout);
        }
        catch (ConfigException ex)
        {
            await stderr.WriteLineAsync($"mpc doctor: config error: {ex.Message}");
            return PartyRunner.BadConfig;
        }
        using var loggers = Logging.Create(verbose, logFormat);
        var options = new DoctorOptions { Wait = waitSeconds is { } s ? TimeSpan.FromSeconds(s) : null };
        await stdout.WriteLineAsync($"mpc doctor: checking {path}; the peers' operators run mpc doctor at the same time.");
        var report = await PartyDoctor.RunAsync(path, options, loggers.CreateLogger("mpc.doctor"), ct);
        DoctorTable.Write(report, stdout);
        return report.ConfigFailed ? PartyRunner.BadConfig : report.Passed ? PartyRunner.Ok : PartyRunner.Failed;
    }
}

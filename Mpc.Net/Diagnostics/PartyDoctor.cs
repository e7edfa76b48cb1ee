using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Net.Configuration;
using Mpc.Net.Diagnostics.Internal;
using Mpc.Net.Tls;

namespace Mpc.Net.Diagnostics;

/// <summary>
/// An operator's check of one party before its first run across organisations: its config, its key and certificate
/// files (permissions, match, validity), every peer's pinned certificate, its listening address, and for every peer the
/// address, TCP, mutual TLS against the pins, the cluster file (the run's own handshake, field by field) and the clocks.
/// </summary>
/// <remarks>
/// Every party's operator runs it at about the same time (each waits <see cref="DoctorOptions.Wait"/> for the others):
/// the network checks follow the mesh, so a party dials every lower id and waits for every higher one, exactly as a
/// run connects. Doctor links negotiate their own TLS application protocol, so a doctor never disturbs a running job,
/// and they send nothing of a run's protocol. What a peer reports is believed only after its certificate matched its
/// pin; other connections are refused and logged by address.
/// </remarks>
public static class PartyDoctor
{
    /// <summary>The name of the first check, on the party's config file.</summary>
    public const string ConfigCheck = "config";

    /// <summary>Checks the party whose config file is <paramref name="partyConfigPath"/>.</summary>
    /// <param name="partyConfigPath">The party's config file (it names the cluster file).</param>
    /// <param name="options">Limits and thresholds; null for the defaults.</param>
    /// <param name="logger">Where refused connections are logged.</param>
    /// <param name="ct">Stops the checks.</param>
    /// <returns>One entry per check; a config that cannot be loaded is the only entry.</returns>
    public static async Task<DoctorReport> RunAsync(string partyConfigPath, DoctorOptions? options = null, ILogger? logger = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partyConfigPath);
        options ??= new DoctorOptions();
        logger ??= NullLogger.Instance;
        PartyConfig party;
        try
        {
            party = PartyConfig.Load(partyConfigPath, requireCertificates: false);
        }
        catch (ConfigException ex)
        {
            return new DoctorReport([new DoctorCheck(Path.GetFileName(partyConfigPath), ConfigCheck, CheckOutcome.Fail, ex.Message,
                "fix the file and field the message names")]);
        }

        var checks = new List<DoctorCheck>
        {
            new(party.Me.Label, ConfigCheck, CheckOutcome.Pass,
                $"session '{party.Cluster.SessionId}', {party.Cluster.PartyCount} members, cluster file "
                + $"{Path.GetFileName(party.Cluster.SourceFile)} (hash {CertificateFiles.Short(party.Cluster.ComputeHash())})"),
        };
        var files = new FileChecks(party, options);
        checks.AddRange(files.Run());
        using var identity = files.Identity;
        if (identity is null)
        {
            checks.Add(new DoctorCheck(party.Me.Label, "network", CheckOutcome.Skip,
                party.Cluster.Insecure
                    ? "the cluster is insecure: no peer can be authenticated, so none is contacted"
                    : "no peer was contacted: this party's certificate and key are not usable (see above)"));
            return new DoctorReport(checks);
        }
        checks.AddRange(await new DoctorNetwork(party, identity, options, logger).RunAsync(ct).ConfigureAwait(false));
        return new DoctorReport(checks);
    }
}

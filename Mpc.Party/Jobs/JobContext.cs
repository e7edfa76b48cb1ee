using System.CommandLine;
using Microsoft.Extensions.Logging;
using Mpc.Net;
using Mpc.Net.Configuration;

namespace Mpc.Party.Jobs;

/// <summary>What a job gets: the connected network, this party's config, its parsed options, a logger and the output.</summary>
public sealed class JobContext
{
    /// <summary>
    /// The connected computing parties (already handshaken with every peer): the whole mesh, or in a cluster with a
    /// dealer, the view without it.
    /// </summary>
    public required IPartyNetwork Network { get; init; }

    /// <summary>The link to the cluster's external dealer, if it has one (<c>"role": "dealer"</c>).</summary>
    public Mpc.Protocols.Preprocessing.DealerLink? Dealer { get; init; }

    /// <summary>This party's config (with its cluster).</summary>
    public required PartyConfig Party { get; init; }

    /// <summary>The parsed command line; read the job's options with <see cref="GetOption{T}"/>.</summary>
    public required ParseResult ParseResult { get; init; }

    /// <summary>Logs (to standard error).</summary>
    public required ILogger Logger { get; init; }

    /// <summary>Where results go (standard output).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>The value of the job option named <paramref name="name"/> (e.g. "--rounds").</summary>
    public T? GetOption<T>(string name) => ParseResult.GetValue<T>(name);

    /// <summary>"party 0 (alice)".</summary>
    public string Me => $"party {Party.PartyId} ({Party.Me.Name})";
}

using System.Text.Json;

namespace Mpc.Net.Configuration;

/// <summary>
/// The <c>data</c> section of a party file: this party's input data. Later jobs define more fields; they stay in <see cref="Raw"/>.
/// </summary>
public sealed record PartyDataConfig
{
    /// <summary>Absolute path of the data file, if the section names one.</summary>
    public string? File { get; init; }

    /// <summary>The columns this party holds, if the section names them.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The whole section as written.</summary>
    public JsonElement Raw { get; init; }
}

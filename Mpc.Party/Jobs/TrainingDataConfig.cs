using System.Text.Json;
using Mpc.Ml.Data;
using Mpc.Net.Configuration;

namespace Mpc.Party.Jobs;

/// <summary>
/// The <c>data</c> section of a party file as the training jobs read it: which CSV file, how it is partitioned,
/// which columns are the label, the id and the features. Errors name the party file and the field.
/// </summary>
/// <remarks>
/// <code>
/// "data": {
///   "file": "../data/breast-cancer/vertical-3/party-0.csv", // required; relative to the party file
///   "partition": "vertical",   // horizontal (default): rows spread over parties; vertical: columns
///   "label": "malignant",      // the 0/1 label column: every party (horizontal) or the label owner only (vertical)
///   "id": "id",                // vertical only: the column that aligns rows across parties (required there)
///   "labelOwner": 0,           // vertical only: the party holding the label (default 0)
///   "columns": ["a", "b"]      // optional: the feature columns, in order (default: every other column)
/// }
/// </code>
/// </remarks>
/// <param name="File">Absolute path of the CSV file.</param>
/// <param name="Partition">The partitioning, with the label owner in vertical mode.</param>
/// <param name="Columns">The label, id and feature columns to read.</param>
internal sealed record TrainingDataConfig(string File, DataPartition Partition, CsvColumns Columns)
{
    private static readonly HashSet<string> Fields = ["file", "partition", "label", "id", "labelOwner", "columns"];

    /// <summary>
    /// Vertical data: <paramref name="table"/> cut to the ids every party holds, by private set intersection
    /// (<see cref="IdAlignment"/>), saying on <paramref name="output"/> how many are common; horizontal data: unchanged.
    /// </summary>
    public async Task<PartyTable> AlignAsync(Mpc.Protocols.Session session, PartyTable table, TextWriter output, string job,
        CancellationToken ct)
    {
        if (Partition.Kind != Partitioning.Vertical) return table;
        return await RowAlignment.AlignAsync(session, table, Partition, Columns.Id, output, job, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the data section of <paramref name="party"/>; <paramref name="partitionOption"/> is the --partition
    /// option and <paramref name="labelOption"/> the --label option (the label column in place of data.label, at the
    /// parties that hold the label), if given; a job that reads ids only (<paramref name="labelNeeded"/> false) lets the
    /// label owner leave out its label.
    /// </summary>
    /// <exception cref="ConfigException">The section is missing or wrong; names the file and the field.</exception>
    public static TrainingDataConfig From(PartyConfig party, string? partitionOption = null, string? labelOption = null,
        bool labelNeeded = true)
    {
        string source = party.SourceFile ?? "(in memory)";
        var data = party.Data ?? throw new ConfigException(source, "data",
            "is missing: training needs this party's CSV file (\"data\": { \"file\": ..., \"label\": ... })");
        var raw = data.Raw;
        if (raw.ValueKind != JsonValueKind.Object) throw new ConfigException(source, "data", "must be an object");
        foreach (var property in raw.EnumerateObject())
            if (!Fields.Contains(property.Name))
                throw new ConfigException(source, $"data.{property.Name}", $"is not a known field (known: {string.Join(", ", Fields)})");
        string file = data.File
            ?? throw new ConfigException(source, "data.file", "is missing: name this party's CSV file (relative to the party file)");

        string? partitionText = OptionalString(raw, source, "partition");
        if (partitionText is not null && partitionText is not ("horizontal" or "vertical"))
            throw new ConfigException(source, "data.partition", $"is '{partitionText}': use horizontal or vertical");
        if (partitionText is not null && partitionOption is not null && partitionOption != partitionText)
            throw new ConfigException(source, "data.partition", $"is {partitionText}, but --partition says {partitionOption}");
        bool vertical = (partitionText ?? partitionOption ?? "horizontal") == "vertical";

        string? label = OptionalString(raw, source, "label");
        string? id = OptionalString(raw, source, "id");
        int labelOwner = 0;
        if (raw.TryGetProperty("labelOwner", out var owner) && owner.ValueKind != JsonValueKind.Null)
        {
            if (!vertical) throw new ConfigException(source, "data.labelOwner", "applies to vertical partitioning only");
            if (owner.ValueKind != JsonValueKind.Number || !owner.TryGetInt32(out labelOwner) || labelOwner < 0
                || labelOwner >= party.Cluster.ComputingPartyCount)
                throw new ConfigException(source, "data.labelOwner",
                    $"must be a computing party's id, 0 to {party.Cluster.ComputingPartyCount - 1}");
        }
        if (labelOption is not null && (!vertical || party.PartyId == labelOwner)) label = labelOption;
        if (vertical)
        {
            if (id is null) throw new ConfigException(source, "data.id", "is missing: vertical partitioning aligns rows by an id column");
            if (party.PartyId == labelOwner && label is null && labelNeeded)
                throw new ConfigException(source, "data.label", $"is missing: party {labelOwner} is the label owner (data.labelOwner)");
            if (party.PartyId != labelOwner && label is not null)
                throw new ConfigException(source, "data.label",
                    $"is set, but party {labelOwner} is the label owner: in vertical mode only it holds the label");
        }
        else
        {
            if (label is null)
                throw new ConfigException(source, "data.label", "is missing: in horizontal mode every party names its label column");
            if (id is not null) throw new ConfigException(source, "data.id", "applies to vertical partitioning only");
        }
        var columns = data.Columns;
        if (columns is { Count: 0 })
            throw new ConfigException(source, "data.columns", "is empty: leave it out to use every column but the label and id");
        if (columns is not null && (label is not null && columns.Contains(label) || id is not null && columns.Contains(id)))
            throw new ConfigException(source, "data.columns", "must not name the label or id column");
        return new TrainingDataConfig(file, vertical ? DataPartition.ByColumns(labelOwner) : DataPartition.ByRows,
            new CsvColumns(label, id, columns));
    }

    private static string? OptionalString(JsonElement raw, string source, string name)
    {
        if (!raw.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
            throw new ConfigException(source, $"data.{name}", "must be a non-empty string");
        return text;
    }
}

using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpc.Core.Arithmetic;
using Mpc.Net.Configuration;

namespace Mpc.Party.Output;

/// <summary>
/// One party's part of a model that stays secret-shared (<c>train-lr --reveal none</c>): its shares of the weights
/// (columns x K, biases last) and what it knows in the clear (the features, the classes, the standardisation it may
/// know: every feature's pooled one in horizontal mode, its own columns' in vertical mode), sealed with the party's key
/// (<see cref="SealedFile"/>) under the model's id, which every party's file shares. <c>launch ... predict
/// --model-shares</c> scores rows with it; no party ever holds the weights.
/// </summary>
internal sealed record ModelSharesFile
{
    /// <summary>The file's name in a party's output folder.</summary>
    public const string FileName = "model-shares.mpcshares";

    private const string CurrentFormat = "mpc-model-shares/1";
    private static readonly SealedFile Sealed = new("MPCSHR01"u8.ToArray(), "mpc model shares v1", "a file of model shares");

    public required byte[] ModelId { get; init; }
    public required string Ring { get; init; }
    public required string Suite { get; init; }
    public required int Parties { get; init; }
    public required int Party { get; init; }
    public required bool Vertical { get; init; }
    public required int LabelOwner { get; init; }
    public required IReadOnlyList<string> Features { get; init; }
    public IReadOnlyList<int>? ColumnsByParty { get; init; }
    public required IReadOnlyList<double?> Means { get; init; }
    public required IReadOnlyList<double?> StandardDeviations { get; init; }

    /// <summary>"none" (binary), "ovr" or "softmax".</summary>
    public required string Multiclass { get; init; }
    public IReadOnlyList<int>? Classes { get; init; }
    public required byte[] WeightShares { get; init; }

    /// <summary>Outputs per row: the classes, or 1.</summary>
    public int Outputs => Classes?.Count ?? 1;

    /// <summary>This party's shares, read as ring <typeparamref name="T"/> (which must be the ring it was trained in).</summary>
    public T[] SharesAs<T>() where T : unmanaged, IRing<T>
    {
        if (typeof(T).Name != Ring)
            throw new InvalidDataException($"the model's shares are in {Ring}, and this run computes in {typeof(T).Name}.");
        return MemoryMarshal.Cast<byte, T>(WeightShares).ToArray();
    }

    /// <summary>Where a party's file is: <paramref name="path"/> itself, or its own subfolder's or the folder's file.</summary>
    public static string Resolve(string path, PartyConfig party)
    {
        if (!Directory.Exists(path)) return path;
        string own = Path.Combine(path, party.Me.Name, FileName);
        return File.Exists(own) ? own : Path.Combine(path, FileName);
    }

    /// <summary>Seals the file for <paramref name="party"/>.</summary>
    public void Write(string path, PartyConfig party)
    {
        var json = new JsonObject
        {
            ["format"] = CurrentFormat,
            ["ring"] = Ring,
            ["suite"] = Suite,
            ["parties"] = Parties,
            ["party"] = Party,
            ["vertical"] = Vertical,
            ["label_owner"] = LabelOwner,
            ["features"] = new JsonArray([.. Features.Select(f => (JsonNode)f)]),
            ["columns_by_party"] = ColumnsByParty is null ? null : new JsonArray([.. ColumnsByParty.Select(c => (JsonNode)c)]),
            ["means"] = new JsonArray([.. Means.Select(m => (JsonNode?)m)]),
            ["standard_deviations"] = new JsonArray([.. StandardDeviations.Select(m => (JsonNode?)m)]),
            ["multiclass"] = Multiclass,
            ["classes"] = Classes is null ? null : new JsonArray([.. Classes.Select(c => (JsonNode)c)]),
            ["weight_shares"] = Convert.ToBase64String(WeightShares),
        };
        Sealed.Write(path, party, ModelId, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>Opens and reads a party's file; errors name the file and the field.</summary>
    public static ModelSharesFile Read(string path, PartyConfig party)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path} does not exist (train-lr --reveal none writes it).");
        var (id, payload) = Sealed.Read(path, party);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(payload)?.AsObject() ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a file of model shares: {ex.Message}", ex);
        }
        T Get<T>(string name) =>
            json[name] is { } node ? node.GetValue<T>() : throw new InvalidDataException($"{path}: field '{name}' is missing.");
        if (Get<string>("format") != CurrentFormat) throw new InvalidDataException($"{path}: format is not '{CurrentFormat}'.");
        var model = new ModelSharesFile
        {
            ModelId = id,
            Ring = Get<string>("ring"),
            Suite = Get<string>("suite"),
            Parties = Get<int>("parties"),
            Party = Get<int>("party"),
            Vertical = Get<bool>("vertical"),
            LabelOwner = Get<int>("label_owner"),
            Features = [.. json["features"]!.AsArray().Select(f => f!.GetValue<string>())],
            ColumnsByParty = json["columns_by_party"]?.AsArray().Select(c => c!.GetValue<int>()).ToArray(),
            Means = [.. json["means"]!.AsArray().Select(m => m?.GetValue<double>())],
            StandardDeviations = [.. json["standard_deviations"]!.AsArray().Select(m => m?.GetValue<double>())],
            Multiclass = Get<string>("multiclass"),
            Classes = json["classes"]?.AsArray().Select(c => c!.GetValue<int>()).ToArray(),
            WeightShares = Convert.FromBase64String(Get<string>("weight_shares")),
        };
        if (model.Party != party.PartyId)
            throw new InvalidDataException($"{path} holds party {model.Party}'s shares, not party {party.PartyId}'s.");
        return model;
    }
}

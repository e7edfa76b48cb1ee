using System.Text.Json;

namespace Mpc.Party.Output;

/// <summary>
/// <c>linear-model.json</c> as <c>train-linear</c> writes it: the target's name, the features, their weights in the
/// data's units and the intercept; or (vertical data) the weights on standardised features with the standardisation
/// this party knows (its own columns'; the others null), which <see cref="Merge"/> completes from the other parties' files.
/// </summary>
internal sealed record LinearModelFile(string Target, string[] Features, double[] Weights, double Intercept)
{
    /// <summary>
    /// Vertical: the standardisation the weights are on (entries null where unknown here); null for a model in the data's
    /// units.
    /// </summary>
    public ModelFile.StandardisationSection? Standardisation { get; init; }

    /// <summary>The model in the data's units, once every feature's standardisation is known.</summary>
    public LinearModelFile InDataUnits(string source)
    {
        if (Standardisation is not { } scaling) return this;
        if (scaling.Missing(Features).FirstOrDefault() is { } missing)
            throw new InvalidDataException($"{source}: the standardisation of '{missing}' is unknown here (vertical data): " +
                "pass every party's linear-model.json with --model.");
        double[] weights = [.. Enumerable.Range(0, Features.Length).Select(j => Weights[j] / scaling.StandardDeviations[j]!.Value)];
        double intercept = Intercept - Enumerable.Range(0, Features.Length).Sum(j => weights[j] * scaling.Means[j]!.Value);
        return new LinearModelFile(Target, Features, weights, intercept);
    }

    /// <summary>This vertical model with the standardisation it lacks taken from another party's file of the same run.</summary>
    public LinearModelFile Merge(LinearModelFile other, string otherPath)
    {
        if (Standardisation is null || other.Standardisation is null || !other.Weights.SequenceEqual(Weights)
            || !other.Features.SequenceEqual(Features))
            throw new InvalidDataException($"{otherPath}: not another party's file of the same vertical model.");
        return this with
        {
            Target = Target.Length > 0 ? Target : other.Target,
            Standardisation = Standardisation.Merge(other.Standardisation),
        };
    }

    /// <summary>Whether <paramref name="path"/> holds a linear model (its "kind" is "linear").</summary>
    public static bool IsLinear(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
            && kind.GetString() == "linear";
    }

    /// <summary>Reads the model, naming the file and the field when one is missing or of the wrong kind.</summary>
    public static LinearModelFile Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        JsonElement Field(string name, JsonValueKind kind) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == kind
                ? value
                : throw new InvalidDataException($"{path}: field '{name}' is missing or not a {kind.ToString().ToLowerInvariant()}.");
        string[] features = [.. Field("features", JsonValueKind.Array).EnumerateArray().Select(f => f.GetString() ?? "")];
        double[] weights = [.. Field("weights", JsonValueKind.Array).EnumerateArray().Select(w => w.GetDouble())];
        if (features.Length != weights.Length)
            throw new InvalidDataException($"{path}: {features.Length} features but {weights.Length} weights.");
        var model = new LinearModelFile(Field("target", JsonValueKind.String).GetString()!, features, weights,
            Field("intercept", JsonValueKind.Number).GetDouble());
        if (!root.TryGetProperty("standardisation", out var scaling) || scaling.ValueKind != JsonValueKind.Object) return model;
        double?[] Read(string name) => scaling.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
            && values.GetArrayLength() == features.Length
            ? [.. values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null)]
            : throw new InvalidDataException($"{path}: standardisation.{name} must hold one entry per feature.");
        return model with { Standardisation = new(Read("means"), Read("standard_deviations")) };
    }

    /// <summary>The model's fields (kind, target, features, weights, intercept, standardisation) into an open object.</summary>
    public void WriteFields(Utf8JsonWriter json)
    {
        json.WriteString("kind", "linear");
        json.WriteString("target", Target);
        json.WriteStartArray("features");
        foreach (var name in Features) json.WriteStringValue(name);
        json.WriteEndArray();
        json.WriteStartArray("weights");
        foreach (var w in Weights) json.WriteNumberValue(w);
        json.WriteEndArray();
        json.WriteNumber("intercept", Intercept);
        if (Standardisation is not { } scaling) return;
        // Vertical: the weights are on standardised features; this party knows its own columns' scaling only.
        json.WriteStartObject("standardisation");
        WriteNullables(json, "means", scaling.Means);
        WriteNullables(json, "standard_deviations", scaling.StandardDeviations);
        json.WriteEndObject();
    }

    private static void WriteNullables(Utf8JsonWriter json, string name, IEnumerable<double?> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            if (value is { } v) json.WriteNumberValue(v);
            else json.WriteNullValue();
        }
        json.WriteEndArray();
    }

    /// <summary>intercept + Σ weights_j x_j.</summary>
    public double Predict(ReadOnlySpan<double> features)
    {
        double y = Intercept;
        for (int j = 0; j < Weights.Length; j++) y += Weights[j] * features[j];
        return y;
    }
}

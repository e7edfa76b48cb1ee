using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Mpc.Party.Output;

/// <summary>
/// <c>model.json</c> of a K-class logistic regression: score_k = bias_k + Σ_j w_kj (x_j - mean_j) / sd_j for every
/// class, turned into probabilities by the softmax (multinomial) or by each class's sigmoid normalised over the classes
/// (one-vs-rest); the predicted class is the one with the highest score.
/// </summary>
internal sealed record MulticlassModelFile
{
    /// <summary>The format tag this code reads and writes.</summary>
    public const string CurrentFormat = "mpc-multiclass-logistic-regression/1";

    private static JsonTypeInfo<MulticlassModelFile> TypeInfo =>
        (JsonTypeInfo<MulticlassModelFile>)ModelFile.Json.GetTypeInfo(typeof(MulticlassModelFile));

    public string Format { get; init; } = CurrentFormat;

    /// <summary>The label column (null at a vertical party that holds no label).</summary>
    public string? Label { get; init; }

    /// <summary>"ovr" (one-vs-rest) or "softmax".</summary>
    public required string Multiclass { get; init; }

    /// <summary>The class labels, in output order.</summary>
    public required IReadOnlyList<int> Classes { get; init; }

    /// <summary>Feature names, in weight order.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Per class, one weight per feature, on standardised values.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Weights { get; init; }

    /// <summary>Per class, the intercept.</summary>
    public required IReadOnlyList<double> Biases { get; init; }

    /// <summary>Per-feature means and standard deviations (null where this party does not know them).</summary>
    public required ModelFile.StandardisationSection Standardisation { get; init; }

    /// <summary>The run's public settings, by name.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>The session (cluster) that trained it.</summary>
    public string? Cluster { get; init; }

    /// <summary>The party that wrote this file.</summary>
    public int? Party { get; init; }

    /// <summary>Serialised as written to disk.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TypeInfo) + "\n";

    /// <summary>Whether <paramref name="json"/> is a multiclass model (its format tag says so).</summary>
    public static bool IsMulticlass(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
                && format.GetString() == CurrentFormat;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Parses and checks the text of a model file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not a model this version reads; the message names the field.</exception>
    public static MulticlassModelFile Parse(string json, string source)
    {
        MulticlassModelFile? model;
        try
        {
            model = JsonSerializer.Deserialize(json, TypeInfo);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a model file: {ex.Message}", ex);
        }
        if (model is null) throw new InvalidDataException($"{source}: empty model file.");
        model.Check(source);
        return model;
    }

    private void Check(string source)
    {
        InvalidDataException Bad(string field, string problem) => new($"{source}: {field}: {problem}");
        if (Format != CurrentFormat) throw Bad("format", $"is '{Format}', expected '{CurrentFormat}'");
        if (Multiclass is not ("ovr" or "softmax")) throw Bad("multiclass", "must be ovr or softmax");
        if (Classes is null || Classes.Count < 2) throw Bad("classes", "must name at least two classes");
        if (Features is null) throw Bad("features", "is missing");
        if (Weights is null || Weights.Count != Classes.Count) throw Bad("weights", "must hold one row per class");
        if (Biases is null || Biases.Count != Classes.Count) throw Bad("biases", "must hold one per class");
        if (Standardisation?.Means is null || Standardisation.StandardDeviations is null) throw Bad("standardisation", "is missing");
        if (Settings is null) throw Bad("settings", "is missing");
        int d = Features.Count;
        if (Standardisation.Means.Count != d || Standardisation.StandardDeviations.Count != d)
            throw Bad("standardisation", $"must hold {d} means and deviations");
        for (int k = 0; k < Classes.Count; k++)
        {
            if (Weights[k] is null || Weights[k].Count != d) throw Bad($"weights[{k}]", $"must hold {d} weights");
            if (Weights[k].Any(w => !double.IsFinite(w))) throw Bad($"weights[{k}]", "must be finite numbers");
            if (!double.IsFinite(Biases[k])) throw Bad($"biases[{k}]", "must be a finite number");
        }
        for (int j = 0; j < d; j++)
            if (Standardisation.StandardDeviations[j] is { } sd && !(sd > 0 && double.IsFinite(sd)))
                throw Bad($"standardisation.standard_deviations[{j}]", "must be a positive finite number");
    }

    /// <summary>The features whose standardisation is unknown.</summary>
    public IEnumerable<string> MissingStandardisation() => Standardisation.Missing(Features);

    /// <summary>This model with the standardisation entries it lacks taken from another party's file of the same run.</summary>
    public MulticlassModelFile Merge(MulticlassModelFile other, string otherPath)
    {
        if (!other.Features.SequenceEqual(Features) || !other.Biases.SequenceEqual(Biases))
            throw new InvalidDataException($"{otherPath}: not the same model (features or weights differ).");
        return this with { Standardisation = Standardisation.Merge(other.Standardisation), Label = Label ?? other.Label };
    }

    /// <summary>The model as ONNX (<see cref="OnnxExport"/>); null while a feature's standardisation is unknown.</summary>
    public byte[]? ToOnnx() => MissingStandardisation().Any()
        ? null
        : OnnxExport.Classifier(Features, Weights, Biases, [.. Classes.Select(c => (long)c)], Multiclass == "softmax",
            [.. Standardisation.Means.Select(m => m!.Value)], [.. Standardisation.StandardDeviations.Select(d => d!.Value)]);

    /// <summary>The class probabilities of raw feature values in <see cref="Features"/> order.</summary>
    public double[] Probabilities(ReadOnlySpan<double> features)
    {
        int k = Classes.Count;
        var scores = new double[k];
        for (int c = 0; c < k; c++)
        {
            double score = Biases[c];
            for (int j = 0; j < Features.Count; j++)
                score += Weights[c][j] * (features[j] - Standardisation.Means[j]!.Value) / Standardisation.StandardDeviations[j]!.Value;
            scores[c] = score;
        }
        return Mpc.Ml.Metrics.MulticlassEvaluation.Probabilities(scores, k,
            Multiclass == "softmax" ? Mpc.Ml.Training.MulticlassMode.Softmax : Mpc.Ml.Training.MulticlassMode.OneVsRest);
    }
}

/// <summary>The multiclass model file's serialisation metadata, generated at compile time.</summary>
[JsonSerializable(typeof(MulticlassModelFile))]
internal sealed partial class MulticlassModelFileJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Mpc.Party.Output;

/// <summary>
/// <c>model.json</c>: a revealed logistic regression model, P(label = 1 | x) = sigmoid(bias + sum_j w_j (x_j - mean_j) / sd_j),
/// with the standardisation it was trained on and the settings of the run.
/// </summary>
/// <remarks>
/// In vertical mode each party knows only its own features' standardisation (the others stay private): their entries
/// are null. <c>mpc predict</c> merges the model files of several parties to fill them.
/// </remarks>
internal sealed record ModelFile
{
    /// <summary>The format tag this code reads and writes.</summary>
    public const string CurrentFormat = "mpc-logistic-regression/1";

    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Source-generated metadata: no reflection, so the file reads and writes the same in a native (AOT) build.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ModelFileJsonContext.Default, MulticlassModelFileJsonContext.Default),
    };

    private static JsonTypeInfo<ModelFile> TypeInfo => (JsonTypeInfo<ModelFile>)Json.GetTypeInfo(typeof(ModelFile));

    public string Format { get; init; } = CurrentFormat;

    /// <summary>The label column (null at a vertical party that holds no label).</summary>
    public string? Label { get; init; }

    /// <summary>Feature names, in weight order.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>One weight per feature, on standardised values.</summary>
    public required IReadOnlyList<double> Weights { get; init; }

    /// <summary>The intercept.</summary>
    public required double Bias { get; init; }

    /// <summary>Per-feature means and standard deviations (null where this party does not know them).</summary>
    public required StandardisationSection Standardisation { get; init; }

    /// <summary>The sigmoid approximation training used (prediction uses the exact logistic function).</summary>
    public required string Sigmoid { get; init; }

    /// <summary>The run's public settings, by name.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>The session (cluster) that trained it.</summary>
    public string? Cluster { get; init; }

    /// <summary>The party that wrote this file.</summary>
    public int? Party { get; init; }

    /// <summary>The standardisation section.</summary>
    public sealed record StandardisationSection(IReadOnlyList<double?> Means, IReadOnlyList<double?> StandardDeviations)
    {
        /// <summary>Each entry this section lacks taken from <paramref name="other"/> (another party's, of the same run).</summary>
        public StandardisationSection Merge(StandardisationSection other) => new(
            [.. Means.Select((m, j) => m ?? other.Means[j])], [.. StandardDeviations.Select((d, j) => d ?? other.StandardDeviations[j])]);

        /// <summary>The features (of <paramref name="features"/>, in order) whose mean or deviation is unknown.</summary>
        public IEnumerable<string> Missing(IReadOnlyList<string> features) =>
            features.Where((_, j) => Means[j] is null || StandardDeviations[j] is null);
    }

    /// <summary>Serialised as written to disk.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TypeInfo) + "\n";

    /// <summary>Reads and checks a model file.</summary>
    /// <exception cref="InvalidDataException">The file is not a model this version reads; the message says why.</exception>
    public static ModelFile Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the model file: {ex.Message}", ex);
        }
        return Parse(json, path);
    }

    /// <summary>Parses and checks the text of a model file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not a model this version reads; the message names the field.</exception>
    public static ModelFile Parse(string json, string source)
    {
        ModelFile? model;
        try
        {
            model = JsonSerializer.Deserialize(json, TypeInfo);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a model file: {ex.Message}", ex);
        }
        if (model is null) throw new InvalidDataException($"{source}: empty model file.");
        if (model.Format != CurrentFormat)
            throw new InvalidDataException($"{source}: format '{model.Format}', expected '{CurrentFormat}'.");
        model.Check(source);
        return model;
    }

    /// <summary>
    /// What the serializer does not check: present sections (JSON null passes for a required member), one entry per
    /// feature, named features, finite numbers and positive deviations, so that prediction never meets null or NaN.
    /// </summary>
    private void Check(string source)
    {
        InvalidDataException Bad(string field, string problem) => new($"{source}: {field}: {problem}");
        if (Features is null) throw Bad("features", "is missing");
        if (Weights is null) throw Bad("weights", "is missing");
        if (Standardisation is null) throw Bad("standardisation", "is missing");
        if (Standardisation.Means is null) throw Bad("standardisation.means", "is missing");
        if (Standardisation.StandardDeviations is null) throw Bad("standardisation.standard_deviations", "is missing");
        if (Sigmoid is null) throw Bad("sigmoid", "is missing");
        if (Settings is null) throw Bad("settings", "is missing");
        int d = Features.Count;
        if (Weights.Count != d || Standardisation.Means.Count != d || Standardisation.StandardDeviations.Count != d)
            throw new InvalidDataException($"{source}: {d} features but {Weights.Count} weights, {Standardisation.Means.Count} means " +
                $"and {Standardisation.StandardDeviations.Count} deviations.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < d; j++)
        {
            if (string.IsNullOrWhiteSpace(Features[j])) throw Bad($"features[{j}]", "must be a non-empty name");
            if (!names.Add(Features[j])) throw Bad($"features[{j}]", $"'{Features[j]}' appears twice");
            if (!double.IsFinite(Weights[j])) throw Bad($"weights[{j}]", "must be a finite number");
            if (Standardisation.Means[j] is { } mean && !double.IsFinite(mean))
                throw Bad($"standardisation.means[{j}]", "must be a finite number");
            if (Standardisation.StandardDeviations[j] is { } sd && !(sd > 0 && double.IsFinite(sd)))
                throw Bad($"standardisation.standard_deviations[{j}]", "must be a positive finite number");
        }
        if (!double.IsFinite(Bias)) throw Bad("bias", "must be a finite number");
        if (Settings.Any(s => s.Value is null)) throw Bad("settings", "values must be strings");
    }

    /// <summary>
    /// This model with the standardisation entries it lacks taken from <paramref name="other"/> (another party's file
    /// of the same run).
    /// </summary>
    public ModelFile Merge(ModelFile other, string otherPath)
    {
        if (!other.Features.SequenceEqual(Features) || !other.Weights.SequenceEqual(Weights))
            throw new InvalidDataException($"{otherPath}: not the same model (features or weights differ).");
        return this with { Standardisation = Standardisation.Merge(other.Standardisation), Label = Label ?? other.Label };
    }

    /// <summary>The features whose standardisation is unknown.</summary>
    public IEnumerable<string> MissingStandardisation() => Standardisation.Missing(Features);

    /// <summary>The score bias + sum w_j (x_j - mean_j) / sd_j of raw feature values in <see cref="Features"/> order.</summary>
    public double Score(ReadOnlySpan<double> features)
    {
        double score = Bias;
        for (int j = 0; j < Weights.Count; j++)
            score += Weights[j] * (features[j] - Standardisation.Means[j]!.Value) / Standardisation.StandardDeviations[j]!.Value;
        return score;
    }

    /// <summary>The model as ONNX (<see cref="OnnxExport"/>); null while a feature's standardisation is unknown.</summary>
    public byte[]? ToOnnx() => MissingStandardisation().Any()
        ? null
        : OnnxExport.Classifier(Features, [Weights], [Bias], [0, 1], softmax: false,
            [.. Standardisation.Means.Select(m => m!.Value)], [.. Standardisation.StandardDeviations.Select(d => d!.Value)]);

    /// <summary>The logistic function.</summary>
    public static double Logistic(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

/// <summary>The model file's serialisation metadata, generated at compile time (<see cref="ModelFile.Json"/> uses it).</summary>
[JsonSerializable(typeof(ModelFile))]
internal sealed partial class ModelFileJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

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
    };

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
    public sealed record StandardisationSection(IReadOnlyList<double?> Means, IReadOnlyList<double?> StandardDeviations);

    /// <summary>Serialised as written to disk.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>Reads and checks a model file.</summary>
    /// <exception cref="InvalidDataException">The file is not a model this version reads; the message says why.</exception>
    public static ModelFile Load(string path)
    {
        ModelFile? model;
        try
        {
            model = JsonSerializer.Deserialize<ModelFile>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a model file: {ex.Message}", ex);
        }
        if (model is null) throw new InvalidDataException($"{path}: empty model file.");
        if (model.Format != CurrentFormat) throw new InvalidDataException($"{path}: format '{model.Format}', expected '{CurrentFormat}'.");
        int d = model.Features.Count;
        if (model.Weights.Count != d || model.Standardisation.Means.Count != d || model.Standardisation.StandardDeviations.Count != d)
            throw new InvalidDataException($"{path}: {d} features but {model.Weights.Count} weights, {model.Standardisation.Means.Count} means and {model.Standardisation.StandardDeviations.Count} deviations.");
        return model;
    }

    /// <summary>This model with the standardisation entries it lacks taken from <paramref name="other"/> (another party's file of the same run).</summary>
    public ModelFile Merge(ModelFile other, string otherPath)
    {
        if (!other.Features.SequenceEqual(Features) || !other.Weights.SequenceEqual(Weights))
            throw new InvalidDataException($"{otherPath}: not the same model (features or weights differ).");
        var means = Features.Select((_, j) => Standardisation.Means[j] ?? other.Standardisation.Means[j]).ToArray();
        var deviations = Features.Select((_, j) => Standardisation.StandardDeviations[j] ?? other.Standardisation.StandardDeviations[j]).ToArray();
        return this with { Standardisation = new StandardisationSection(means, deviations), Label = Label ?? other.Label };
    }

    /// <summary>The features whose standardisation is unknown.</summary>
    public IEnumerable<string> MissingStandardisation() =>
        Features.Where((_, j) => Standardisation.Means[j] is null || Standardisation.StandardDeviations[j] is null);

    /// <summary>The score bias + sum w_j (x_j - mean_j) / sd_j of raw feature values in <see cref="Features"/> order.</summary>
    public double Score(ReadOnlySpan<double> features)
    {
        double score = Bias;
        for (int j = 0; j < Weights.Count; j++)
            score += Weights[j] * (features[j] - Standardisation.Means[j]!.Value) / Standardisation.StandardDeviations[j]!.Value;
        return score;
    }

    /// <summary>The logistic function.</summary>
    public static double Logistic(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

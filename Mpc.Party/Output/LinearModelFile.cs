using System.Text.Json;

namespace Mpc.Party.Output;

/// <summary>
/// <c>linear-model.json</c> as <c>train-linear</c> writes it: the target's name, the features, their weights in the
/// data's units and the intercept.
/// </summary>
internal sealed record LinearModelFile(string Target, string[] Features, double[] Weights, double Intercept)
{
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
        return new LinearModelFile(Field("target", JsonValueKind.String).GetString()!, features, weights,
            Field("intercept", JsonValueKind.Number).GetDouble());
    }

    /// <summary>intercept + Σ weights_j x_j.</summary>
    public double Predict(ReadOnlySpan<double> features)
    {
        double y = Intercept;
        for (int j = 0; j < Weights.Length; j++) y += Weights[j] * features[j];
        return y;
    }
}

namespace Mpc.Ml.Data;

/// <summary>
/// One party's numeric table as read from its file: feature columns, and optionally a label column and an id
/// column. Row-major features; <see cref="LineNumbers"/> maps each row back to its line in the file for errors.
/// </summary>
public sealed class PartyTable
{
    /// <summary>A table; arrays are kept, not copied.</summary>
    public PartyTable(string source, IReadOnlyList<string> featureNames, double[] features, double[]? labels, string? labelName,
        string[]? ids, int[] lineNumbers)
    {
        int rows = lineNumbers.Length;
        if (features.Length != (long)rows * featureNames.Count)
            throw new ArgumentException($"{rows} rows of {featureNames.Count} features need {rows * featureNames.Count} values, " +
                $"got {features.Length}.", nameof(features));
        if (labels is not null && labels.Length != rows) throw new ArgumentException("One label per row.", nameof(labels));
        if (ids is not null && ids.Length != rows) throw new ArgumentException("One id per row.", nameof(ids));
        Source = source;
        FeatureNames = featureNames;
        Features = features;
        Labels = labels;
        LabelName = labels is null ? null : labelName;
        Ids = ids;
        LineNumbers = lineNumbers;
    }

    /// <summary>Where the table came from (a file path), for errors.</summary>
    public string Source { get; }

    /// <summary>The feature columns, in file order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Row-major feature values.</summary>
    public double[] Features { get; }

    /// <summary>The 0/1 labels, or null when this party holds none.</summary>
    public double[]? Labels { get; }

    /// <summary>The label column's name, when this party holds labels.</summary>
    public string? LabelName { get; }

    /// <summary>The id of each row (vertical partitioning), or null.</summary>
    public string[]? Ids { get; }

    /// <summary>The file line of each row (the header is line 1).</summary>
    public int[] LineNumbers { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount => LineNumbers.Length;

    /// <summary>The number of feature columns.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Feature <paramref name="column"/> of row <paramref name="row"/>.</summary>
    public double this[int row, int column] => Features[row * FeatureCount + column];

    /// <inheritdoc />
    public override string ToString() => $"{Source}: {RowCount} rows x {FeatureCount} features" +
        $"{(Labels is null ? "" : $", label '{LabelName}'")}{(Ids is null ? "" : ", ids")}";
}

namespace Mpc.Ml.Sigmoid;

/// <summary>The approximations by name, and the default.</summary>
public static class SigmoidChoice
{
    /// <summary>
    /// The default: <see cref="ClippedPolynomialSigmoid"/> (degree 7 on [-8, 8]). It tracks the true sigmoid within
    /// 0.004 everywhere, so secure training follows plaintext logistic regression epoch for epoch and reaches its
    /// accuracy in the fewest epochs; its extra rounds over the piecewise-linear option (three levels of products)
    /// cost less than the extra epochs the piecewise-linear one needs, and the unclipped polynomial cannot be used
    /// safely for long runs (the range analysis refuses it).
    /// </summary>
    public static ISigmoid Default { get; } = new ClippedPolynomialSigmoid();

    /// <summary>"clipped" (default), "piecewise-linear" or "polynomial", with an optional degree and interval bound.</summary>
    public static ISigmoid Parse(string name, int? degree = null, double? bound = null) => name.ToLowerInvariant() switch
    {
        "clipped" or "clipped-polynomial" => new ClippedPolynomialSigmoid(degree ?? 7, bound ?? 8),
        "piecewise-linear" or "piecewise" or "secureml" => new PiecewiseLinearSigmoid(),
        "polynomial" => new PolynomialSigmoid(degree ?? 5, bound ?? 8),
        _ => throw new ArgumentException($"Unknown sigmoid '{name}': use clipped, piecewise-linear or polynomial.", nameof(name)),
    };
}

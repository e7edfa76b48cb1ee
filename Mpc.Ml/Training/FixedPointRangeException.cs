using Mpc.Core;

namespace Mpc.Ml.Training;

/// <summary>
/// Training was refused before it started because a step could overflow the fixed-point format: the message names
/// the parameter (<see cref="Parameter"/>), the bound it breaks and the largest value that would be safe.
/// </summary>
public sealed class FixedPointRangeException(string parameter, string message) : MpcException(message)
{
    /// <summary>The parameter to change: "learning rate", "epochs", "sigmoid", "fractional bits" or "batch size".</summary>
    public string Parameter { get; } = parameter;
}

using Mpc.Core;

namespace Mpc.Ml.Training;

/// <summary>The parties were started with different training settings (epochs, learning rate, partitioning, ...).</summary>
public sealed class SettingsMismatchException(string setting, int party, string message) : MpcException(message)
{
    /// <summary>The setting that differs, e.g. "epochs".</summary>
    public string Setting { get; } = setting;

    /// <summary>A party whose value differs from the majority's.</summary>
    public int Party { get; } = party;
}

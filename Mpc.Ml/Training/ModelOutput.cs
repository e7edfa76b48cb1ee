namespace Mpc.Ml.Training;

/// <summary>Who learns the trained weights.</summary>
/// <param name="Receiver">The party the weights are opened to; null with <paramref name="Shared"/> false means every party.</param>
/// <param name="Shared">Keep the weights secret-shared (for later secure prediction); nobody learns them.</param>
public sealed record ModelOutput(int? Receiver, bool Shared)
{
    /// <summary>Opened to every party.</summary>
    public static ModelOutput RevealToAll { get; } = new(null, false);

    /// <summary>Kept shared.</summary>
    public static ModelOutput KeepShared { get; } = new(null, true);

    /// <summary>Opened to <paramref name="party"/> only.</summary>
    public static ModelOutput RevealTo(int party) => new(party, false);
}

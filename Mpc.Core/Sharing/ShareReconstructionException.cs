namespace Mpc.Core.Sharing;

/// <summary>Shares that cannot be reconstructed: too few, from duplicate or unknown parties, or inconsistent.</summary>
public sealed class ShareReconstructionException(string message) : MpcException(message);

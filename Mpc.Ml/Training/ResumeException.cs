using Mpc.Core;

namespace Mpc.Ml.Training;

/// <summary>The parties cannot resume together: no common checkpoint, checkpoints of different runs, or mixed starts.</summary>
public sealed class ResumeException(string message) : MpcException(message);

namespace Mpc.Party.Launch;

/// <summary>
/// What <c>mpc launch</c> and the party processes it starts tell each other beyond their ordinary output: the launcher
/// sets <see cref="EnvironmentVariable"/>, and a party started that way prints <see cref="MeshFormedLine"/> once its mesh
/// has formed, which the launcher reads (and does not show) to tell a failure at start-up from one during the run.
/// </summary>
internal static class LaunchedParty
{
    public const string EnvironmentVariable = "MPC_LAUNCHED";

    public const string MeshFormedLine = "mpc launch: mesh formed";

    /// <summary>Whether this process was started by <c>mpc launch</c>.</summary>
    public static bool IsLaunched => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";
}

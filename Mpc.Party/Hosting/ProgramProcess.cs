using System.Diagnostics;

namespace Mpc.Party.Hosting;

/// <summary>
/// A party handed to a program of the user's own (<c>run --program PATH</c>): started with this party's config and the
/// job's options, on this process's terminal, stopped with it, and its exit code returned.
/// </summary>
internal static class ProgramProcess
{
    /// <summary>Runs <paramref name="program"/> (an executable, or a .dll for <c>dotnet</c>) with <paramref name="arguments"/>.</summary>
    public static async Task<int> RunAsync(string program, IReadOnlyList<string> arguments, TextWriter stderr, CancellationToken ct)
    {
        string path = Path.GetFullPath(program);
        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"mpc: run --program {program}: no such file");
            return 2;
        }
        bool managed = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(managed ? DotnetHost() : path) { UseShellExecute = false };
        if (managed) start.ArgumentList.Add(path);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{path} did not start.");
        using (ct.Register(() => Stop(process)))
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return process.ExitCode;
    }

    /// <summary>The <c>dotnet</c> that runs this process's tools (set by the SDK), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }
}

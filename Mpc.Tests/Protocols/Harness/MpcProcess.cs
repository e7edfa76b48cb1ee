using System.Diagnostics;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>Runs the built <c>mpc</c> executable (copied beside the tests) as a child process.</summary>
public static class MpcProcess
{
    /// <summary>The exit code and the captured output of one run; the process is killed at the timeout.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mpc.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpc {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s.\n{await output}\n{await error}");
        }
        return (process.ExitCode, await output, await error);
    }
}

using System.Diagnostics;

namespace Mpc.Tests.Infrastructure;

/// <summary>
/// A real <c>mpc</c> process (<c>dotnet mpc.dll ...</c> from the test output folder) with its output captured line by
/// line.
/// </summary>
public sealed class MpcProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private MpcProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static MpcProcess Start(params string[] args) => StartWrapped([], args);

    /// <summary>Starts <c>mpc</c> in <paramref name="directory"/> (paths in its arguments are relative to it).</summary>
    public static MpcProcess StartIn(string directory, params string[] args) => StartWrapped([], args, directory);

    /// <summary>
    /// Starts <c>mpc</c> under a wrapper command, e.g. <c>ip netns exec NS</c> (which execs it in place, keeping the
    /// process id).
    /// </summary>
    public static MpcProcess StartWrapped(IReadOnlyList<string> wrapper, params string[] args) => StartWrapped(wrapper, args, null);

    /// <summary>Starts a program of its own built with <c>MpcHost</c> (<c>dotnet PROGRAM.dll</c>).</summary>
    public static MpcProcess StartProgram(string assembly, params string[] args) => StartWrapped([], args, null, assembly);

    private static MpcProcess StartWrapped(IReadOnlyList<string> wrapper, string[] args, string? directory, string? assembly = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";
        var start = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? "",
        };
        if (wrapper.Count > 0)
        {
            foreach (var w in wrapper.Skip(1)) start.ArgumentList.Add(w);
            start.ArgumentList.Add(dotnet == "dotnet" ? "/usr/bin/env" : dotnet);
            if (dotnet == "dotnet") start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(assembly ?? Path.Combine(AppContext.BaseDirectory, "mpc.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = new Process { StartInfo = start };
        var mpc = new MpcProcess(process);
        process.OutputDataReceived += (_, e) => mpc.Add(mpc._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => mpc.Add(mpc._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return mpc;
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is null) return;
        lock (_gate) lines.Add(line);
        _newLine.Release();
    }

    public string Stdout { get { lock (_gate) return string.Join('\n', _stdout); } }

    public string Stderr { get { lock (_gate) return string.Join('\n', _stderr); } }

    public string Output => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    /// <summary>Waits until some stdout line contains <paramref name="text"/>.</summary>
    public async Task WaitForStdoutAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_gate)
            {
                if (_stdout.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
            }
            if (_process.HasExited) throw new InvalidOperationException($"mpc exited before printing '{text}'.\n{Output}");
            try
            {
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"mpc did not print '{text}' within {timeout}.\n{Output}");
            }
        }
    }

    /// <summary>Waits for the exit code; kills the process and fails if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"mpc did not exit within {timeout}.\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>The exit code of a process that has exited.</summary>
    public int ExitCode => _process.ExitCode;

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Sends a Unix signal (e.g. STOP, CONT) with kill(1).</summary>
    public void Signal(string signal)
    {
        if (_process.HasExited) return;
        var start = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-" + signal);
        start.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(start)!;
        kill.StandardError.ReadToEnd();   // "no such process" if it exited meanwhile
        kill.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _newLine.Dispose();
    }
}

using System.Runtime.InteropServices;

namespace Mpc.Party.Commands;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP as a cancellation token instead of the runtime's immediate exit, so that a party aborts
/// its mesh (telling its peers why) and the launcher kills and reaps its parties before exiting.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private volatile string? _received;

    public TerminationSignals(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGHUP and SIGTERM do not exist on Windows; Ctrl+C (SIGINT) does.
            }
        }
    }

    /// <summary>Cancelled when a termination signal arrives (or the outer token is cancelled).</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The signal that arrived ("SIGTERM"), or null.</summary>
    public string? Received => _received;

    /// <summary>The conventional exit code for the signal received: 128 + its number.</summary>
    public int ExitCode => _received switch
    {
        "SIGHUP" => 129,
        "SIGINT" => 130,
        "SIGTERM" => 143,
        _ => 130,
    };

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;   // we end the process ourselves, after cleaning up
        _received ??= context.Signal.ToString();
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile.
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}

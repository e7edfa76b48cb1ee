using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Mpc.Net.Internal;

/// <summary>
/// Logs refused connections at most <see cref="LinesPerSecond"/> a second, so that a flood of them cannot fill a disk:
/// the rest are counted and summed up in one line when the next second's first refusal is logged, or at the end.
/// Lines name the remote address (from the socket, never from the peer's bytes) and our reason.
/// </summary>
internal sealed class RefusalLog(ILogger logger, int me)
{
    public const int LinesPerSecond = 5;

    private readonly Lock _gate = new();
    private long _windowStart = Stopwatch.GetTimestamp();
    private int _loggedInWindow;
    private int _suppressed;

    /// <summary>Every connection refused so far.</summary>
    public int Count { get; private set; }

    /// <summary>The latest refusal, for the error at the connect deadline.</summary>
    public string? Last { get; private set; }

    public void Refuse(string remote, string reason)
    {
        int summary;
        lock (_gate)
        {
            Count++;
            Last = $"{remote}: {reason}";
            if (Stopwatch.GetElapsedTime(_windowStart) >= TimeSpan.FromSeconds(1))
            {
                _windowStart = Stopwatch.GetTimestamp();
                _loggedInWindow = 0;
            }
            if (_loggedInWindow >= LinesPerSecond)
            {
                _suppressed++;
                return;
            }
            _loggedInWindow++;
            summary = _suppressed;
            _suppressed = 0;
        }
        if (summary > 0) LogSuppressed(summary);
        logger.LogWarning("Party {Me}: refused a connection from {Remote}: {Reason}", me, remote, reason);
    }

    /// <summary>Logs the count of refusals not logged one by one, if any.</summary>
    public void Flush()
    {
        int summary;
        lock (_gate)
        {
            summary = _suppressed;
            _suppressed = 0;
        }
        if (summary > 0) LogSuppressed(summary);
    }

    private void LogSuppressed(int count) =>
        logger.LogWarning("Party {Me}: refused {Count} more connections (at most {Lines} are logged a second)", me, count, LinesPerSecond);
}

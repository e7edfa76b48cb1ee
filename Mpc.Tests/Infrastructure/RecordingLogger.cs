using Microsoft.Extensions.Logging;

namespace Mpc.Tests.Infrastructure;

/// <summary>An <see cref="ILogger"/> that keeps every line it is given, for tests that check what a party logged.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines { get { lock (_gate) return [.. _lines]; } }

    public string Text => string.Join('\n', Lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        lock (_gate) _lines.Add($"{logLevel}: {formatter(state, exception)}");
    }

    /// <summary>Waits until a line contains <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no log line contains '{text}' within {timeout}; the log:\n{Text}");
            await Task.Delay(20);
        }
    }
}

using System.Globalization;
using Mpc.Party.Output;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mpc.Party.Launch;

/// <summary>
/// How <c>mpc launch</c> shows what its parties print: every line prefixed by the party (<see cref="Plain"/>), or, on
/// an interactive terminal, one row per party updated in place with its training progress (epoch, loss, elapsed,
/// time left) and its latest line, every other line printed in full when the parties are done (<see cref="Live"/>).
/// </summary>
internal abstract class LaunchView
{
    /// <summary>The view for <paramref name="stdout"/>: live on an interactive terminal, else plain lines.</summary>
    public static LaunchView For(TextWriter stdout, TextWriter stderr, IReadOnlyList<string> tags, Lock gate) =>
        Mpc.Party.Output.Terminal.IsInteractive(stdout)
            ? new Live(AnsiConsole.Console, stdout, stderr, tags, gate)
            : new Plain(stdout, stderr, tags, gate);

    /// <summary>A line party <paramref name="party"/> wrote to its standard output.</summary>
    public abstract void Output(int party, string line);

    /// <summary>A line party <paramref name="party"/> wrote to its standard error.</summary>
    public abstract void Error(int party, string line);

    /// <summary>Ends the in-place display, if any, and prints what it held back. Call it before the launcher's own last lines.</summary>
    public virtual Task StopAsync() => Task.CompletedTask;

    /// <summary>Each line as it comes, prefixed by its party.</summary>
    public sealed class Plain(TextWriter stdout, TextWriter stderr, IReadOnlyList<string> tags, Lock gate) : LaunchView
    {
        public override void Output(int party, string line)
        {
            lock (gate) stdout.WriteLine($"{tags[party]} {line}");
        }

        public override void Error(int party, string line)
        {
            lock (gate) stderr.WriteLine($"{tags[party]} {line}");
        }
    }

    /// <summary>One row per party, redrawn in place five times a second; the lines themselves when it stops.</summary>
    public sealed class Live : LaunchView
    {
        private const int LastLineWidth = 70;
        private readonly TextWriter _stdout, _stderr;
        private readonly IReadOnlyList<string> _tags;
        private readonly Lock _gate;
        private readonly EpochLine?[] _progress;
        private readonly string?[] _last;
        private readonly List<(bool Error, string Line)> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _display;
        private bool _stopped;

        public Live(IAnsiConsole console, TextWriter stdout, TextWriter stderr, IReadOnlyList<string> tags, Lock gate)
        {
            (_stdout, _stderr, _tags, _gate) = (stdout, stderr, tags, gate);
            _progress = new EpochLine?[tags.Count];
            _last = new string?[tags.Count];
            _display = console.Live(Render()).StartAsync(async context =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    context.UpdateTarget(Render());
                    try
                    {
                        await Task.Delay(200, _stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopped: one last frame below.
                    }
                }
                context.UpdateTarget(Render());
            });
        }

        public override void Output(int party, string line)
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    _stdout.WriteLine($"{_tags[party]} {line}");
                    return;
                }
                if (EpochLine.TryParse(line, out var progress))
                {
                    _progress[party] = progress;
                    return;
                }
                _last[party] = line;
                _held.Add((false, $"{_tags[party]} {line}"));
            }
        }

        public override void Error(int party, string line)
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    _stderr.WriteLine($"{_tags[party]} {line}");
                    return;
                }
                _last[party] = line;
                _held.Add((true, $"{_tags[party]} {line}"));
            }
        }

        public override async Task StopAsync()
        {
            if (_stop.IsCancellationRequested) return;
            await _stop.CancelAsync().ConfigureAwait(false);
            await _display.ConfigureAwait(false);
            lock (_gate)
            {
                foreach (var (error, line) in _held) (error ? _stderr : _stdout).WriteLine(line);
                _held.Clear();
                _stopped = true; // later lines (a killed party's last words) go straight out
            }
        }

        /// <summary>The table as it stands: party, epoch, loss, elapsed, time left, latest line (plain text, never markup).</summary>
        internal IRenderable Render()
        {
            var table = new Table().Border(TableBorder.Simple);
            foreach (string column in new[] { "party", "epoch", "loss", "elapsed", "left", "latest" }) table.AddColumn(column);
            lock (_gate)
            {
                for (int p = 0; p < _tags.Count; p++)
                {
                    var progress = _progress[p];
                    string last = _last[p] ?? "";
                    if (last.Length > LastLineWidth) last = last[..(LastLineWidth - 3)] + "...";
                    table.AddRow(
                        new Text(_tags[p]),
                        new Text(progress is { } e ? $"{e.Epoch}/{e.Epochs}" : ""),
                        new Text(progress?.Loss is double l ? EpochLine.FormatLoss(l) : ""),
                        new Text(progress is { } s ? s.Seconds.ToString("0.0 s", CultureInfo.InvariantCulture) : ""),
                        new Text(progress?.RemainingSeconds is double r ? r.ToString("0.0 s", CultureInfo.InvariantCulture) : ""),
                        new Text(last));
                }
            }
            return table;
        }
    }
}

using System.Globalization;
using Mpc.Ml.Training;
using Spectre.Console;

namespace Mpc.Party.Output;

/// <summary>
/// How a training run shows its progress: a Spectre.Console progress bar (epoch, loss, elapsed, time left) when the
/// party's output is a terminal, else about ten plain <see cref="EpochLine"/>s per run (CI logs, files, and the
/// launcher, which reads them back).
/// </summary>
internal static class TrainingProgressView
{
    /// <summary>Runs <paramref name="train"/>, showing its progress on <paramref name="output"/> as a bar or as lines.</summary>
    public static async Task<T> RunAsync<T>(TextWriter output, int epochs, Func<Action<TrainingProgress>, Task<T>> train)
    {
        if (!Terminal.IsInteractive(output)) return await train(new Lines(output, epochs).Report);
        return await RunAsync(AnsiConsole.Console, epochs, train);
    }

    /// <summary>The progress bar on <paramref name="console"/>.</summary>
    internal static async Task<T> RunAsync<T>(IAnsiConsole console, int epochs, Func<Action<TrainingProgress>, Task<T>> train)
    {
        T result = default!;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"epoch 0/{epochs}", maxValue: epochs);
                result = await train(progress =>
                {
                    task.Value = progress.Epoch;
                    string loss = progress.Loss is double l ? ", loss " + EpochLine.FormatLoss(l) : "";
                    if (progress.Loss is not null || progress.Epoch == epochs) task.Description = $"epoch {progress.Epoch}/{epochs}{loss}";
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>About ten lines per run: epoch, the latest loss, the training time so far.</summary>
    private sealed class Lines(TextWriter output, int epochs)
    {
        private readonly int _every = Math.Max(1, (epochs + 9) / 10);
        private double? _loss;

        public void Report(TrainingProgress progress)
        {
            if (progress.Loss is double loss) _loss = loss;
            if (progress.Epoch % _every != 0 && progress.Epoch != epochs) return;
            output.WriteLine(new EpochLine(progress.Epoch, epochs, _loss, progress.Elapsed.TotalSeconds).ToString());
        }
    }
}

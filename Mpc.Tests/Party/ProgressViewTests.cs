using Mpc.Ml.Training;
using Mpc.Party.Launch;
using Mpc.Party.Output;
using Spectre.Console.Testing;

namespace Mpc.Tests.Party;

/// <summary>
/// Training progress as a party prints it (lines when its output is not a terminal, a bar when it is) and as the
/// launcher shows it (one row per party, updated in place, every other line kept for the end).
/// </summary>
public sealed class ProgressViewTests
{
    [Theory]
    [InlineData(10, 100, 0.02675, 0.792)]
    [InlineData(1, 1, null, 0.0)]
    [InlineData(300, 300, 1.5e-7, 12345.678)]
    public void EpochLine_ReadsBackWhatItWrites(int epoch, int epochs, double? loss, double seconds)
    {
        var line = new EpochLine(epoch, epochs, loss, seconds);
        Assert.True(EpochLine.TryParse(line.ToString(), out var parsed));
        Assert.Equal((epoch, epochs), (parsed.Epoch, parsed.Epochs));
        Assert.Equal(loss is null, parsed.Loss is null);
        if (loss is double l) Assert.Equal(l, parsed.Loss!.Value, 5);
        Assert.Equal(seconds, parsed.Seconds, 3);
    }

    [Theory]
    [InlineData("train-lr: test accuracy 0.9825")]
    [InlineData("epoch 3/2: loss 0.1, 1.0 s")] // past the last epoch
    [InlineData("epoch 1/10: loss 0.1, 1.0 s and more")]
    public void EpochLine_RefusesOtherLines(string line) => Assert.False(EpochLine.TryParse(line, out _));

    [Fact]
    public void EpochLine_TimeLeft_FollowsThePaceSoFar() =>
        Assert.Equal(9.0, new EpochLine(10, 100, null, 1.0).RemainingSeconds!.Value, 9);

    [Fact]
    public async Task ProgressBar_ShowsTheEpochAndLoss_AndReturnsTheTrainingResult()
    {
        var console = new TestConsole().Interactive();
        int result = await TrainingProgressView.RunAsync(console, 4, async report =>
        {
            for (int e = 1; e <= 4; e++) report(new TrainingProgress(e, 0.5 / e, TimeSpan.FromSeconds(e)));
            await Task.Yield();
            return 42;
        });
        Assert.Equal(42, result);
        Assert.Contains("epoch 4/4, loss 0.12500", console.Output);
    }

    [Fact]
    public async Task LiveLaunchView_OneRowPerParty_AndTheOtherLinesAtTheEnd()
    {
        var console = new TestConsole().Interactive();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var view = new LaunchView.Live(console, stdout, stderr, ["[p0 alice]", "[p1 bob]"], new Lock());
        view.Output(0, "train-lr: replicated, 2 parties");
        view.Output(0, new EpochLine(10, 100, 0.02675, 0.8).ToString());
        view.Output(1, new EpochLine(20, 100, 0.02365, 1.6).ToString());
        view.Error(1, "a warning");
        string frame = console.Output;
        await view.StopAsync();
        var table = new TestConsole();
        table.Write(view.Render());
        Assert.Contains("10/100", table.Output);
        Assert.Contains("0.02365", table.Output);
        Assert.Contains("7.2 s", table.Output); // time left for alice: 0.8 s per 10 epochs, 90 to go
        // progress lines are not repeated
        Assert.Equal("[p0 alice] train-lr: replicated, 2 parties" + Environment.NewLine, stdout.ToString());
        Assert.Equal("[p1 bob] a warning" + Environment.NewLine, stderr.ToString());
        view.Output(1, "after the end");
        Assert.EndsWith("[p1 bob] after the end" + Environment.NewLine, stdout.ToString());
    }

    [Fact]
    public void PlainLaunchView_PrefixesEveryLine()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var view = new LaunchView.Plain(stdout, stderr, ["[p0 alice]"], new Lock());
        view.Output(0, new EpochLine(1, 2, null, 0.1).ToString());
        view.Error(0, "oops");
        Assert.Equal("[p0 alice] epoch 1/2: loss -, 0.100 s" + Environment.NewLine, stdout.ToString());
        Assert.Equal("[p0 alice] oops" + Environment.NewLine, stderr.ToString());
    }
}

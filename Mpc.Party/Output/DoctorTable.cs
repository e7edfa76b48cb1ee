using Mpc.Net.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mpc.Party.Output;

/// <summary>
/// A doctor's report as a table, one row per check: in colour on a terminal, plain (no escape codes, 160 columns)
/// when the output is a file or a pipe; then a one-line summary.
/// </summary>
internal static class DoctorTable
{
    private const int PlainWidth = 160;

    public static void Write(DoctorReport report, TextWriter output)
    {
        bool terminal = Terminal.IsInteractive(output);
        var console = terminal ? AnsiConsole.Console : Plain(output);
        console.Write(Render(report, colour: terminal));
        int passed = report.Checks.Count(c => c.Outcome == CheckOutcome.Pass);
        int warned = report.Checks.Count(c => c.Outcome == CheckOutcome.Warn);
        int failed = report.Checks.Count(c => c.Outcome == CheckOutcome.Fail);
        int skipped = report.Checks.Count(c => c.Outcome == CheckOutcome.Skip);
        output.WriteLine($"mpc doctor: {report.Checks.Count} checks: {passed} passed, {warned} warnings, {failed} failed, {skipped} skipped"
            + (failed > 0 ? "; fix the failures before a real run" : warned > 0 ? "; ready, with warnings" : "; ready"));
        output.Flush();
    }

    /// <summary>The table alone (tests render it to a recording console).</summary>
    internal static Table Render(DoctorReport report, bool colour)
    {
        var table = new Table().Border(colour ? TableBorder.Rounded : TableBorder.Ascii)
            .AddColumn("").AddColumn("Who").AddColumn("Check").AddColumn("Found").AddColumn("What to do");
        foreach (var check in report.Checks)
        {
            table.AddRow(Outcome(check.Outcome, colour), new Text(check.Subject), new Text(check.Check), new Text(check.Detail),
                new Text(check.Advice ?? ""));
        }
        return table;
    }

    private static IRenderable Outcome(CheckOutcome outcome, bool colour)
    {
        var (word, style) = outcome switch
        {
            CheckOutcome.Pass => ("ok", Color.Green),
            CheckOutcome.Warn => ("WARN", Color.Yellow),
            CheckOutcome.Fail => ("FAIL", Color.Red),
            _ => ("skip", Color.Grey),
        };
        return colour ? new Text(word, new Style(style)) : new Text(word);
    }

    private static IAnsiConsole Plain(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = PlainWidth;
        return console;
    }
}

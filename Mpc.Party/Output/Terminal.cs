using Spectre.Console;

namespace Mpc.Party.Output;

/// <summary>Where output goes: live views and colour only on an interactive terminal, plain text otherwise.</summary>
internal static class Terminal
{
    /// <summary>Whether <paramref name="output"/> is this process's console and that console is an interactive terminal.</summary>
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}

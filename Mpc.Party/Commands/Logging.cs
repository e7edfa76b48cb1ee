using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Mpc.Party.Commands;

/// <summary>
/// Console logging to standard error (standard output is for results): one plain line per entry, or with
/// <c>--log-format json</c> one JSON object per line (timestamp, level, category, message, state) for an operator's
/// log stack to ingest.
/// </summary>
internal static class Logging
{
    /// <summary>The option that chooses the format.</summary>
    public const string FormatOption = "--log-format";

    /// <summary>The values <c>--log-format</c> accepts.</summary>
    public static readonly string[] Formats = ["text", "json"];

    /// <summary>The format a parsed command line asks for (the option is recursive, so every subcommand has it).</summary>
    public static string FormatOf(System.CommandLine.ParseResult parse) => parse.GetValue<string>(FormatOption) ?? "text";

    public static ILoggerFactory Create(bool verbose, string format = "text") => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (format == "json")
        {
            builder.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    });
}

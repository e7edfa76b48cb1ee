using System.Text.Json;
using System.Text.RegularExpressions;
using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Party;

/// <summary><c>--log-format json</c>: every log entry a party writes is one JSON object on one line, for a log collector.</summary>
public sealed class LogFormatTests
{
    [Fact]
    public async Task JsonLogFormat_WritesOneJsonObjectPerLogLine_AtEveryParty()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "--verbose", "--log-format", "json",
            "ping", "--rounds", "3");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");

        // The launcher prefixes each party's lines with "[p<i> <name>] ".
        var entries = new List<JsonElement>();
        foreach (string line in launch.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var party = Regex.Match(line, @"^\[p\d p\d\] (.*)$");
            Assert.True(party.Success, $"a line from no party: {line}");
            string text = party.Groups[1].Value;
            Assert.StartsWith("{", text, StringComparison.Ordinal); // no plain text line among the logs
            using var document = JsonDocument.Parse(text);
            entries.Add(document.RootElement.Clone());
        }
        Assert.NotEmpty(entries);
        Assert.All(entries, e =>
        {
            Assert.True(e.TryGetProperty("Timestamp", out _));
            Assert.True(e.TryGetProperty("LogLevel", out _));
            Assert.StartsWith("mpc.p", e.GetProperty("Category").GetString());
            Assert.False(string.IsNullOrEmpty(e.GetProperty("Message").GetString()));
        });
        Assert.Contains(entries, e => e.GetProperty("Message").GetString()!.Contains("connected to 1 peers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownLogFormat_IsRefused_BeforeAnyPartyStarts()
    {
        using var launch = MpcProcess.Start("launch", "--cluster", "nowhere.json", "--log-format", "xml", "ping");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exit);
        Assert.Contains("xml", launch.Output);
    }
}

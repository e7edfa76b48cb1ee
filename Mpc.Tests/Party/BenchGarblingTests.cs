using System.Text.Json;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary><c>mpc bench garble</c> and <c>mpc bench aes</c>: two real party processes, one JSON line each.</summary>
[Collection(SocketTests.Collection)]
public sealed class BenchGarblingTests(ITestOutputHelper output)
{
    private async Task<JsonElement[]> RunAsync(string bench, params string[] args)
    {
        using var process = MpcProcess.Start(["bench", bench, .. args, "--insecure"]);
        int code = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(process.Output);
        Assert.Equal(0, code);
        var lines = process.Stdout.Split('\n').Where(l => l.Contains($"{{\"bench\":\"{bench}\"", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, lines.Length);
        return lines.Select(l => JsonDocument.Parse(l[l.IndexOf('{')..]).RootElement.Clone()).ToArray();
    }

    [Fact]
    public async Task BenchGarble_ReportsAndGatesPerSecond_32BytesPerAndGate()
    {
        var lines = await RunAsync("garble", "--size", "50000");
        Assert.Equal(["evaluator", "garbler"], lines.Select(l => l.GetProperty("role").GetString()).Order());
        foreach (var root in lines)
        {
            Assert.Equal(50000, root.GetProperty("and_gates").GetInt32());
            Assert.True(root.GetProperty("and_per_second").GetDouble() > 0);
            // Tables, the 1024 garbler labels and decoding bits, the request with 1024 masked bits, frame headers.
            Assert.InRange(root.GetProperty("bytes_per_and").GetDouble(), 32, 32.5);
        }
        Assert.Contains(lines, l => l.TryGetProperty("pure_garbling_and_per_second", out _));
    }

    [Fact]
    public async Task BenchAes_ReportsEvaluationsPerSecond_AndPassesFips197()
    {
        var lines = await RunAsync("aes", "--count", "5");
        foreach (var root in lines)
        {
            Assert.Equal(5, root.GetProperty("evaluations").GetInt32());
            Assert.True(root.GetProperty("ms_per_evaluation").GetDouble() > 0);
        }
        Assert.Contains(lines, l => l.TryGetProperty("fips197_ok", out var ok) && ok.GetBoolean());
    }
}

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

    [Theory]
    [InlineData("aes_192.txt", "inputs of 192 and 128 bits and outputs of 128 bits is not AES-128")]
    [InlineData("not-a-circuit.txt", "line 1")]
    public async Task BenchAes_CircuitNotAes128_RefusedBeforeAnyPartyStarts(string file, string expected)
    {
        string path = Mpc.Tests.Ml.MlTestData.DataPath("circuits", "bristol_fashion", file);
        string? temporary = null;
        if (!File.Exists(path))
        {
            temporary = Path.Combine(Path.GetTempPath(), $"mpc-{Guid.NewGuid():N}-{file}");
            await File.WriteAllTextAsync(temporary, "this is not a circuit\n");
            path = temporary;
        }
        try
        {
            using var process = MpcProcess.Start("bench", "aes", "--circuit", path, "--count", "1", "--insecure");
            int code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(process.Output);
            Assert.Equal(2, code);
            Assert.StartsWith("mpc bench aes: ", process.Stderr, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(path), process.Stderr);
            Assert.Contains(expected, process.Stderr);
            // No party was started: nothing was launched, so nothing connected.
            Assert.DoesNotContain("mpc launch", process.Output);
        }
        finally
        {
            if (temporary is not null) File.Delete(temporary);
        }
    }
}

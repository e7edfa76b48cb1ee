using System.Globalization;
using System.Text.Json;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary>
/// <c>mpc bench mul</c>, <c>mpc bench compare</c> and <c>mpc bench triples</c>: real party processes, one JSON line each.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class BenchArithmeticTests(ITestOutputHelper output)
{
    private async Task<JsonElement[]> RunAsync(string bench, int parties, params string[] args)
    {
        using var process = MpcProcess.Start(
            ["bench", bench, "--parties", parties.ToString(CultureInfo.InvariantCulture), .. args, "--insecure"]);
        int code = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine(process.Output);
        Assert.Equal(0, code);
        var lines = process.Stdout.Split('\n').Where(l => l.Contains($"{{\"bench\":\"{bench}\"", StringComparison.Ordinal)).ToArray();
        Assert.Equal(parties, lines.Length);
        return lines.Select(l => JsonDocument.Parse(l[l.IndexOf('{')..]).RootElement.Clone()).ToArray();
    }

    [Fact]
    public async Task BenchSyntax_BothWaysAgree_AndReportTheirRatios()
    {
        var lines = await RunAsync("syntax", 3, "--size", "2000", "--epochs", "3", "--repeat", "1");
        foreach (var root in lines)
        {
            Assert.True(root.GetProperty("max_weight_difference").GetDouble() <= 1e-3);
            Assert.True(root.GetProperty("products_ratio").GetDouble() > 0);
            Assert.True(root.GetProperty("training_ratio").GetDouble() > 0);
        }
    }

    [Fact]
    public async Task BenchMul_NaturalSyntax_SameTrafficAsExplicit()
    {
        long[] bytes = new long[2];
        foreach (var (syntax, i) in new[] { ("explicit", 0), ("natural", 1) })
        {
            var lines = await RunAsync("mul", 3, "--suite", "replicated", "--size", "1000", "--repeat", "1", "--fixed-point",
                "--syntax", syntax);
            Assert.All(lines, l => Assert.Equal(syntax, l.GetProperty("syntax").GetString()));
            bytes[i] = lines.Sum(l => l.GetProperty("online_bytes_sent").GetInt64());
        }
        Assert.Equal(bytes[0], bytes[1]);
    }

    [Fact]
    public async Task BenchMul_ReportsMedianAndBest_TwoWordsPerPeerPerProduct()
    {
        var lines = await RunAsync("mul", 3, "--suite", "additive", "--preprocessing", "dealer", "--size", "1000", "--repeat", "3");
        Assert.Equal([0, 1, 2], lines.Select(l => l.GetProperty("party").GetInt32()).Order());
        foreach (var root in lines)
        {
            Assert.Equal(3, root.GetProperty("repeat").GetInt32());
            double median = root.GetProperty("ops_per_second").GetDouble();
            Assert.True(median > 0);
            Assert.True(root.GetProperty("best_ops_per_second").GetDouble() >= median);
            // d and e, 8 bytes each, to each of 2 peers, plus two frame headers.
            Assert.InRange(root.GetProperty("online_bytes_sent").GetInt64(), 32_000, 32_100);
        }
    }

    [Fact]
    public async Task BenchMul_Replicated_SendsOneWordPerProduct_FixedPointWorks()
    {
        var lines = await RunAsync("mul", 3, "--suite", "replicated", "--size", "1000", "--repeat", "2");
        foreach (var root in lines)
        {
            Assert.Equal("replicated", root.GetProperty("suite").GetString());
            Assert.True(root.GetProperty("ops_per_second").GetDouble() > 0);
            // One 8-byte share of the product to the previous party, plus one frame header.
            Assert.InRange(root.GetProperty("online_bytes_sent").GetInt64(), 8_000, 8_050);
        }
        var fixedPoint = await RunAsync("mul", 3, "--suite", "replicated", "--size", "1000", "--repeat", "1", "--fixed-point");
        Assert.All(fixedPoint, root => Assert.True(root.GetProperty("fixed_point").GetBoolean()));
    }

    [Theory]
    [InlineData("shamir", "auto")]
    [InlineData("additive", "dealer")]
    public async Task BenchCompare_ReportsMedianAndBest_OfCheckedResults(string suite, string preprocessing)
    {
        // The job opens the last run's results and fails on a wrong one, so exit code 0 also says they were right.
        var lines = await RunAsync("compare", 3, "--suite", suite, "--preprocessing", preprocessing, "--size", "200", "--repeat", "2");
        Assert.Equal([0, 1, 2], lines.Select(l => l.GetProperty("party").GetInt32()).Order());
        foreach (var root in lines)
        {
            Assert.Equal(suite, root.GetProperty("suite").GetString());
            Assert.Equal(3, root.GetProperty("parties").GetInt32());
            Assert.Equal(200, root.GetProperty("size").GetInt32());
            Assert.Equal(32, root.GetProperty("bits").GetInt32());
            Assert.Equal(2, root.GetProperty("repeat").GetInt32());
            double median = root.GetProperty("ops_per_second").GetDouble();
            Assert.True(median > 0);
            Assert.True(root.GetProperty("best_ops_per_second").GetDouble() >= median);
            Assert.True(root.GetProperty("online_seconds").GetDouble() > 0);
            Assert.InRange(root.GetProperty("run_bytes_sent").GetInt64(), 1, root.GetProperty("bytes_sent").GetInt64());
            Assert.InRange(root.GetProperty("run_rounds").GetInt64(), 1, root.GetProperty("rounds").GetInt64());
        }
    }

    [Fact]
    public async Task BenchCompare_BitsAboveTheSuites_AreLoweredAndReported()
    {
        var lines = await RunAsync("compare", 3, "--suite", "additive", "--preprocessing", "dealer", "--size", "100", "--repeat", "1",
            "--bits", "100");
        Assert.All(lines, root => Assert.Equal(63, root.GetProperty("bits").GetInt32()));
    }

    [Theory]
    [InlineData("--size", "0", "--size must be positive")]
    [InlineData("--bits", "1", "--bits must be at least 2")]
    [InlineData("--repeat", "0", "--repeat must be positive")]
    public async Task BenchCompare_BadOption_FailsNamingIt(string option, string value, string message)
    {
        using var process = MpcProcess.Start("bench", "compare", option, value, "--insecure");
        int code = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(process.Output);
        Assert.Equal(2, code);
        Assert.Contains($"mpc bench compare: {message}", process.Stderr);
        Assert.DoesNotContain("{\"bench\"", process.Stdout);
    }

    [Theory]
    [InlineData(1, 2568)]
    [InlineData(2, 1544)]
    public async Task BenchTriples_OtSource_SendsTheBytesSoftSpokenKPredicts(int k, int bytesPerTriple)
    {
        // Per party and triple: 2 (N - 1) Gilboa products, each 64 OTs of 16/k bytes one way and 2080 bits of
        // corrections the other.
        var lines = await RunAsync("triples", 3, "--source", "ot", "--size", "2048",
            "--softspoken-k", k.ToString(CultureInfo.InvariantCulture));
        foreach (var root in lines)
        {
            Assert.Equal(k, root.GetProperty("softspoken_k").GetInt32());
            Assert.True(root.GetProperty("triples_per_second").GetDouble() > 0);
            Assert.InRange(root.GetProperty("bytes_per_triple").GetDouble(), bytesPerTriple, bytesPerTriple * 1.01);
        }
    }
}

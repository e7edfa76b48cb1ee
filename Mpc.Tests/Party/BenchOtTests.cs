using System.Text.Json;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary><c>mpc bench ot</c>: two real party processes run the OT benchmark and each prints one JSON line.</summary>
[Collection(SocketTests.Collection)]
public sealed class BenchOtTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task BenchOt_EachPrintsOneJsonLine_16OverKBytesPerCorrelatedOt(int k)
    {
        using var bench = MpcProcess.Start("bench", "ot", "--size", "20000", "--insecure",
            "--softspoken-k", k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int code = await bench.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(bench.Output);
        Assert.Equal(0, code);
        var lines = bench.Stdout.Split('\n').Where(l => l.Contains("{\"bench\":\"ot\"", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line[line.IndexOf('{')..]);
            var root = json.RootElement;
            Assert.Equal(20000, root.GetProperty("size").GetInt32());
            Assert.Equal(2, root.GetProperty("parties").GetInt32());
            Assert.Equal(k, root.GetProperty("softspoken_k").GetInt32());
            Assert.True(root.GetProperty("ots_per_second").GetDouble() > 0);
            Assert.True(root.GetProperty("chosen_ots_per_second").GetDouble() > 0);
            Assert.True(root.GetProperty("base_ot_seconds").GetDouble() > 0);
            // 20,000 OTs round up to 20,096 columns: 16/k bytes each (IKNP: 16, SoftSpoken k = 2: 8), plus frame
            // headers and acknowledgements; chosen-message OT adds 32 bytes of masked messages.
            Assert.InRange(root.GetProperty("bytes_per_ot").GetDouble(), 16.0 / k, 16.0 / k + 0.2);
            Assert.InRange(root.GetProperty("chosen_bytes_per_ot").GetDouble(), 32 + 16.0 / k, 32 + 16.0 / k + 0.2);
        }
    }
}

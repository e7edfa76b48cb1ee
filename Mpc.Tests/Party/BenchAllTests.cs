using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary>
/// <c>mpc bench all</c> regenerates the benchmark document: every row the documents quote, with its baseline measured in
/// the same sitting, the ratio, the load, the command, and the machine, date and build on top (tiny sizes here).
/// </summary>
public sealed class BenchAllTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "mpc-bench-all-" + Guid.NewGuid().ToString("N")[..8] + ".md");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Quick_WritesEveryRow_WithBaselineRatioLoadAndCommand()
    {
        using var mpc = MpcProcess.StartIn(MlTestData.Root, "bench", "all", "--quick", "--repeat", "1", "--out", _file);
        int code = await mpc.WaitForExitAsync(TimeSpan.FromMinutes(8));
        Assert.True(code == 0, mpc.Output);
        var lines = File.ReadAllLines(_file);
        Assert.Contains(lines, l => l.StartsWith("- machine: ", StringComparison.Ordinal) && l.Contains("cores"));
        Assert.Contains(lines, l => l.StartsWith("- build: 0.1.0+", StringComparison.Ordinal));
        var rows = lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2).ToArray();
        Assert.Equal(23, rows.Length);
        Assert.Equal(19, rows.Count(r => System.Text.RegularExpressions.Regex.IsMatch(r, @"\| x\d+\.\d\d \|")));
        Assert.All(rows, r => Assert.Contains("`mpc bench ", r));
        Assert.Contains(rows, r => r.Contains("external dealer: ") && r.Contains("--preprocessing dealer"));
        Assert.Equal(9, rows.Count(r => r.Contains("(Shamir)") && r.Contains("--suite shamir")));
        Assert.Equal(4, rows.Count(r => r.StartsWith("| start-up: launch to exit of ", StringComparison.Ordinal)
            && r.Contains("| s launch to exit |") && r.Contains("`mpc bench startup --job ")));
        // Two parties: the ot source's online phase and its offline plus online, each beside the external dealer.
        Assert.Equal(3, rows.Count(r => r.Contains(", 2 parties, online (additive on ot, offline phase in bulk)")
            && r.Contains("| s of training |") && r.Contains("--comparison bits")));
        Assert.Equal(3, rows.Count(r => r.Contains(", 2 parties, offline + online (additive on ot)")
            && r.Contains("| s offline + training |")));
        Assert.Equal(3, rows.Count(r => r.Contains("comparisons of 32-bit values") && r.Contains("| K comparisons/s |")
            && r.Contains("`mpc bench compare ")));
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary>
/// Nothing secret reaches a log or an error message: <c>train-lr</c> runs with verbose logging on three real processes
/// over TLS, on data whose every cell is a distinctive nine-digit number, and the test searches everything the
/// processes print for those numbers, for the private keys, and for anything shaped like a ring element or a share.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed partial class NoSecretsInOutputTests(ITestOutputHelper output) : IDisposable
{
    private const int Parties = 3, RowsPerParty = 60, Features = 4;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);
    // With a dealer member: it deals for the additive run and idles for the others, and its output is checked too.
    private readonly TestCluster _cluster = TestCluster.Create(Parties, tls: true, receiveTimeout: TimeSpan.FromSeconds(30), dealer: true);

    public void Dispose() => _cluster.Dispose();

    [Theory]
    [InlineData("additive")] // with the dealer
    [InlineData("shamir")]
    [InlineData("replicated")]
    public async Task VerboseTraining_PrintsNoInputValueKeyOrShare(string suite)
    {
        var cells = WriteSecretData();
        string clusterFile = _cluster.WriteFiles(editParty: (i, file) => file["data"] = DataSection(i));
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "--verbose", "train-lr", "--suite", suite,
            "--preprocessing", suite == "additive" ? "dealer" : "auto", "--epochs", "3", "--out", Path.Combine(_cluster.Directory, "out"));
        int exit = await launch.WaitForExitAsync(ProcessTimeout);
        output.WriteLine(launch.Output);
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        Assert.Contains("dbug", launch.Output); // verbose logging really was on
        // only the dealer asks for trust
        Assert.Equal(suite == "additive", launch.Stdout.Contains("trust: --preprocessing dealer", StringComparison.Ordinal));
        AssertNoSecrets(launch.Output, cells);
    }

    [Fact]
    public async Task FailingOnAnOutOfRangeInput_NamesTheCellButNotItsValue()
    {
        var cells = WriteSecretData(outOfRange: "987654321987654.5");
        string clusterFile = _cluster.WriteFiles(editParty: (i, file) => file["data"] = DataSection(i));
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "--verbose", "train-lr", "--epochs", "2",
            "--out", Path.Combine(_cluster.Directory, "out"));
        int exit = await launch.WaitForExitAsync(ProcessTimeout);
        output.WriteLine(launch.Output);
        Assert.NotEqual(0, exit);
        Assert.Contains("x2", launch.Output); // the error names the column...
        // ...and the limit it broke (the exact pooled sums' at f = 16, N = 3)...
        Assert.Contains("beyond the 1.651E+27 in magnitude", launch.Output);
        AssertNoSecrets(launch.Output, [.. cells, "987654321", "9.87654321"]); // ...but never the value
    }

    private Dictionary<string, object?> DataSection(int party) =>
        new() { ["file"] = Path.Combine(_cluster.Directory, $"data{party}.csv"), ["partition"] = "horizontal", ["label"] = "label" };

    // Each party's rows: features with nine significant digits (so a leak cannot be a coincidence), labels from a
    // known linear model. Returns the tokens that must never be printed: each cell to seven decimals (its first nine
    // characters): the job prints nothing that precise, so a match is a leak, not a rounded loss like 0.25000.
    private List<string> WriteSecretData(string? outOfRange = null)
    {
        var tokens = new List<string>();
        for (int p = 0; p < Parties; p++)
        {
            var csv = new StringBuilder("x0,x1,x2,x3,label\n");
            for (int r = 0; r < RowsPerParty; r++)
            {
                var x = new double[Features];
                for (int f = 0; f < Features; f++)
                {
                    x[f] = (RandomNumberGenerator.GetInt32(1_000_000_000) / 1e9 * 4 - 2) * (1 + 0.001 * f);
                    string cell = x[f].ToString("F9", CultureInfo.InvariantCulture);
                    if (outOfRange is not null && p == 1 && r == 7 && f == 2) cell = outOfRange;
                    else tokens.Add(cell.TrimStart('-')[..9]);
                    csv.Append(cell).Append(',');
                }
                csv.Append(x[0] - 0.5 * x[1] + 0.25 * x[3] > 0 ? 1 : 0).Append('\n');
            }
            File.WriteAllText(Path.Combine(_cluster.Directory, $"data{p}.csv"), csv.ToString());
        }
        return tokens;
    }

    private void AssertNoSecrets(string printed, IEnumerable<string> inputTokens)
    {
        foreach (var token in inputTokens)
            Assert.False(printed.Contains(token, StringComparison.Ordinal), $"an input value ({token}…) was printed");
        for (int p = 0; p < Parties; p++)
        {
            string pem = File.ReadAllText(Path.Combine(_cluster.Directory, "certs", $"p{p}.key.pem"));
            foreach (var line in pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)))
                Assert.False(printed.Contains(line[..Math.Min(24, line.Length)], StringComparison.Ordinal),
                    $"party {p}'s private key was printed");
        }
        // A share or a ring element is a uniform 64-bit (or 127-bit) number: printed, it would be a long run of digits.
        var longNumber = LongNumber().Match(printed);
        Assert.False(longNumber.Success, $"a share-shaped number was printed: {longNumber.Value}");
        var longHex = LongHex().Match(printed);
        Assert.False(longHex.Success, $"a key- or share-shaped hex string was printed: {longHex.Value}");
    }

    [GeneratedRegex(@"(?<![\d.])\d{12,}")]
    private static partial Regex LongNumber();

    [GeneratedRegex(@"\b[0-9a-fA-F]{24,}\b")]
    private static partial Regex LongHex();
}

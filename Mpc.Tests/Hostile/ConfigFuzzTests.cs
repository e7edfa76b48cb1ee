using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Mpc.Net.Configuration;
using Mpc.Tests.Ml;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// The cluster and party file loaders on hostile text: the real files of <c>party-configs/</c> mutated, and generated
/// clusters. Parsed in memory (a party file's cluster file is still read from disk, as the loader does); the only
/// failure allowed is a <see cref="ConfigException"/> naming the file and the field.
/// </summary>
public sealed class ConfigFuzzTests(ITestOutputHelper output)
{
    private static string ConfigFolder => Path.Combine(MlTestData.Root, "party-configs");

    private static IEnumerable<string> Files(bool clusters) =>
        Directory.GetFiles(ConfigFolder, "*.json", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("\"parties\"") == clusters)
            .Order(StringComparer.Ordinal);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Clusters of 2..6 parties with optional fields present or not, as <c>mpc</c> would accept them.</summary>
    private static readonly Gen<byte[]> ClusterGen =
        from n in Gen.Choose(2, 6)
        from insecure in Gen.Elements(true, false)
        from timeouts in Gen.Elements("", "\"timeouts\": { \"connectSeconds\": 0.5, \"receiveSeconds\": 120 },",
            "\"timeouts\": { \"receiveSeconds\": 3 },")
        from maxFrame in Gen.Elements("", "\"maxFrameBytes\": 65536,", "\"maxFrameBytes\": 1073741824,")
        from port in Gen.Choose(1024, 60000)
        select Encoding.UTF8.GetBytes(
            $$"""
            { // generated
              "sessionId": "gen-{{n}}", "insecure": {{(insecure ? "true" : "false")}}, {{timeouts}} {{maxFrame}}
              "parties": [{{string.Join(",", Enumerable.Range(0, n).Select(i =>
                  $$"""{ "id": {{i}}, "name": "p{{i}}", "host": "127.0.0.{{i + 1}}", "port": {{port + i}},""" +
                  $$""" "certificate": "../certs/gen/p{{i}}.crt.pem" }"""))}}]
            }
            """);

    [Fact]
    public void ClusterFile_AnyText_LoadsOrFailsWithAConfigException()
    {
        string anchor = Path.Combine(ConfigFolder, "fuzzed-cluster.json"); // relative paths resolve beside the real files
        var seeds = Files(clusters: true).Select(File.ReadAllBytes).ToArray();
        Assert.True(seeds.Length >= 6, $"expected the cluster files of {ConfigFolder}");
        FuzzRun.Run(output, "cluster config", FuzzRun.CountFor(FuzzRun.FullCount), seeds, ClusterGen,
            bytes => ClusterConfig.Parse(Text(bytes), anchor, requireCertificates: false).ComputeHash(),
            typeof(ConfigException));
    }

    [Fact]
    public void PartyFile_AnyText_LoadsOrFailsWithAConfigException()
    {
        // Each seed keeps its own folder, so that the cluster file it names exists.
        var files = Files(clusters: false).ToArray();
        Assert.True(files.Length >= 20, $"expected the party files of {ConfigFolder}");
        string anchor = Path.Combine(ConfigFolder, "fuzzed-party.json");
        var seeds = files.Where(f => Path.GetDirectoryName(f) == ConfigFolder).Select(File.ReadAllBytes).ToArray();
        FuzzRun.Run(output, "party config", FuzzRun.CountFor(FuzzRun.FullCount), seeds, null,
            bytes => PartyConfig.Parse(Text(bytes), anchor, requireCertificates: false),
            typeof(ConfigException));
    }

    [Theory]
    [InlineData("\"receiveSeconds\": 60", "\"receiveSeconds\": 9223372036854775807", "timeouts.receiveSeconds")]
    [InlineData("\"receiveSeconds\": 60", "\"receiveSeconds\": 1e400", "timeouts.receiveSeconds")]
    [InlineData("\"certificate\": \"../certs/local-3/alice.crt.pem\"", "\"certificate\": \"a\\u0000b\"", "parties[0].certificate")]
    [InlineData("\"config\": \"local-3-alice.json\"", "\"config\": \"\\u0000\"", "parties[0].config")]
    public void ClusterFile_HostileField_IsAConfigExceptionNamingIt(string good, string bad, string field)
    {
        string anchor = Path.Combine(ConfigFolder, "local-3.json");
        string text = File.ReadAllText(anchor);
        Assert.Contains(good, text);
        var ex = Assert.Throws<ConfigException>(() => ClusterConfig.Parse(text.Replace(good, bad), anchor, requireCertificates: false));
        Assert.Equal(field, ex.Field);
        output.WriteLine(ex.Message);
    }
}

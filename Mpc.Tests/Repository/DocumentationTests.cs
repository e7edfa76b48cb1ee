using System.Text.RegularExpressions;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Repository;

/// <summary>
/// The way in: a README a newcomer reads in minutes, and every topic one click away in <c>docs/</c>, through links
/// that lead somewhere (the file exists, and the heading a link names is in it).
/// </summary>
public sealed partial class DocumentationTests
{
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*$")]
    private static partial Regex Heading();

    private static IEnumerable<string> Documents()
    {
        string root = MlTestData.Root;
        yield return Path.Combine(root, "README.md");
        yield return Path.Combine(root, "SECURITY.md");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            yield return file;
    }

    [Fact]
    public void Readme_IsShort_AndLinksEveryDocument()
    {
        string root = MlTestData.Root;
        var readme = File.ReadAllLines(Path.Combine(root, "README.md"));
        Assert.True(readme.Length <= 250, $"README.md has {readme.Length} lines; move detail to docs/.");
        string text = string.Join("\n", readme);
        foreach (string document in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"))
            Assert.Contains($"(docs/{Path.GetFileName(document)}", text);
    }

    [Fact]
    public void EveryRelativeLink_LeadsToAFileAndHeadingThatExist()
    {
        var broken = new List<string>();
        foreach (string document in Documents())
        {
            string text = File.ReadAllText(document);
            foreach (Match match in Link().Matches(text))
            {
                string target = match.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                string[] parts = target.Split('#', 2);
                string file = parts[0].Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, parts[0]));
                string where = $"{Path.GetRelativePath(MlTestData.Root, document)}: ({target})";
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{where}: no such file");
                    continue;
                }
                if (parts.Length == 2 && File.Exists(file) && !Anchors(file).Contains(parts[1])) broken.Add($"{where}: no such heading");
            }
        }
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Anchors_AreTheHeadingsAsGitHubNamesThem()
    {
        Assert.Equal("checkpoints-and-resume", Anchor("Checkpoints and resume"));
        Assert.Equal("the-mpc-executable", Anchor("The `mpc` executable"));
        Assert.Equal("training-a-logistic-regression-train-lr", Anchor("Training a logistic regression: `train-lr`"));
    }

    private static HashSet<string> Anchors(string file) =>
        File.ReadLines(file)
            .Select(line => Heading().Match(line))
            .Where(m => m.Success)
            .Select(m => Anchor(m.Groups["title"].Value))
            .ToHashSet();

    // GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens.
    private static string Anchor(string title) =>
        new string(title.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');
}

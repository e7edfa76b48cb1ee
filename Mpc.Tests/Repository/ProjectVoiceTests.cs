using System.Text.RegularExpressions;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Repository;

/// <summary>
/// The project speaks of itself only: its documents, comments and test names describe the software, never how or by
/// whom it was built (work sessions, stops, issue numbers, closing notes, the tools that wrote it).
/// </summary>
public sealed partial class ProjectVoiceTests
{
    // Words that belong to how the project was built. Protocol sessions ("this session has 3 parties") are the
    // software's own and stay allowed: only the phrases that date work are refused.
    [GeneratedRegex(@"\bthis stop\b|\bstop's\b|\b(earlier|previous|last) sessions\b|\bearlier session\b|\bissue #?\d+\b|" +
        @"\bissues? (show|note|said)\b|\bclosing note\b|\bsub-?agents?\b|\bhelper sessions?\b|\bLLM\b|\bClaude\b|\bAI assistant\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex BuildTalk();

    private static IEnumerable<string> Documents()
    {
        string root = MlTestData.Root;
        foreach (string name in new[] { "README.md", "SECURITY.md", "THIRD-PARTY-NOTICES.md" })
            if (File.Exists(Path.Combine(root, name))) yield return Path.Combine(root, name);
        foreach (string folder in new[] { "docs", "data", "examples", "party-configs" })
        {
            string path = Path.Combine(root, folder);
            if (!Directory.Exists(path)) continue;
            foreach (string file in Directory.EnumerateFiles(path, "*.md", SearchOption.AllDirectories)) yield return file;
        }
    }

    /// <summary>Every C# file of the projects and examples (not build output); this file only if asked for.</summary>
    internal static IEnumerable<string> Sources(bool includeSelf = false)
    {
        string root = MlTestData.Root;
        foreach (string project in Directory.EnumerateDirectories(root, "Mpc.*").Append(Path.Combine(root, "examples")))
        {
            if (!Directory.Exists(project)) continue;
            foreach (string file in Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file);
                if (relative.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    || relative.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                    continue;
                if (!includeSelf && Path.GetFileName(file) == nameof(ProjectVoiceTests) + ".cs") continue; // the patterns
                yield return file;
            }
        }
    }

    [Fact]
    public void DocumentsAndSources_NeverSayHowTheProjectWasBuilt()
    {
        var found = new List<string>();
        foreach (string file in Documents().Concat(Sources()))
        {
            int line = 0;
            foreach (string text in File.ReadLines(file))
            {
                line++;
                if (BuildTalk().Match(text) is { Success: true } match)
                    found.Add($"{Path.GetRelativePath(MlTestData.Root, file)}:{line}: \"{match.Value}\"");
            }
        }
        Assert.True(found.Count == 0, "Say what the software does, not how it was built:\n" + string.Join("\n", found));
    }

    [Fact]
    public void ThePatterns_CatchTheWordsTheyAreFor()
    {
        Assert.Matches(BuildTalk(), "10 rounds since this stop's round fusions");
        Assert.Matches(BuildTalk(), "earlier sessions measured IKNP");
        Assert.Matches(BuildTalk(), "Issue 7's acceptance");
        Assert.DoesNotMatch(BuildTalk(), "The Shamir suite needs at least 3 parties; this session has 2.");
        Assert.DoesNotMatch(BuildTalk(), "resuming in sessions with other seeds");
    }
}

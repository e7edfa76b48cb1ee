using System.Reflection;
using FsCheck.Xunit;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Repository;

/// <summary>
/// How the code reads, as <c>.editorconfig</c> and the style guide say: no line longer than 140 characters, and test
/// names that state their law in at most 60.
/// </summary>
public sealed class SourceRulesTests
{
    public const int MaxLineLength = 140;
    public const int MaxTestNameLength = 60;

    [Fact]
    public void SourceLines_AtMost140Characters()
    {
        var tooLong = new List<string>();
        foreach (string file in ProjectVoiceTests.Sources(includeSelf: true))
        {
            int line = 0;
            foreach (string text in File.ReadLines(file))
            {
                line++;
                if (text.Length > MaxLineLength) tooLong.Add($"{Path.GetRelativePath(MlTestData.Root, file)}:{line} ({text.Length})");
            }
        }
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines over {MaxLineLength} characters:\n{string.Join('\n', tooLong.Take(50))}");
    }

    [Fact]
    public void EditorConfig_SaysTheLineLimit()
    {
        string config = File.ReadAllText(Path.Combine(MlTestData.Root, ".editorconfig"));
        Assert.Contains($"max_line_length = {MaxLineLength}", config);
    }

    [Fact]
    public void TestNames_AtMost60Characters()
    {
        var tests = typeof(SourceRulesTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any() || m.GetCustomAttributes<PropertyAttribute>().Any())
            .ToList();
        Assert.True(tests.Count > 400, $"only {tests.Count} tests found: is the attribute lookup right?");
        var tooLong = tests.Where(m => m.Name.Length > MaxTestNameLength)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name} ({m.Name.Length})")
            .ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} test names over {MaxTestNameLength} characters:\n{string.Join('\n', tooLong)}");
    }
}

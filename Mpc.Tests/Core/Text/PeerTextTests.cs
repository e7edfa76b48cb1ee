using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Text;

namespace Mpc.Tests.Core.Text;

public sealed class PeerTextTests
{
    private static bool IsSafe(char c) => !char.IsControl(c) && !char.IsSurrogate(c)
        && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) is not (System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator);

    [Property(MaxTest = 500)]
    public Property Escape_AnyText_IsOneLineOfSafeCharacters_WithinTheLimit() =>
        Prop.ForAll(Gen.OneOf(ArbMap.Default.GeneratorFor<string>(), Gen.Elements(TerminalAttacks))
            .Where(s => s is not null).ToArbitrary(), text =>
        {
            string escaped = PeerText.Escape(text);
            return escaped.Length <= PeerText.MaxLength && escaped.All(IsSafe);
        });

    [Property(MaxTest = 500)]
    public Property Escape_PlainText_IsUnchanged() =>
        Prop.ForAll(Gen.Elements("party 2 (carol) timed out", "session 'local-3'", "ünïcödé ✓ 日本", "")
            .Select(s => s).ToArbitrary(), text => PeerText.Escape(text) == text);

    private static readonly string[] TerminalAttacks =
    [
        "\u001b[2J\u001b[Hmpc launch: all 3 parties finished",
        "reason\r\nmpc launch: all 3 parties finished\n",
        "\u001b]0;owned\u0007",
        "right-to-left \u202egnp.exe",
        "bell \u0007 and nul \0 and del \u007f and c1 \u009b31m",
        "lone surrogate \ud800 end",
        "line\u2028separator",
    ];

    [Fact]
    public void Escape_TerminalControl_IsShownNotObeyed()
    {
        Assert.Equal("\\u001b[2J\\u001b[Hmpc launch: all 3 parties finished", PeerText.Escape(TerminalAttacks[0]));
        Assert.Equal("reason\\r\\nmpc launch: all 3 parties finished\\n", PeerText.Escape(TerminalAttacks[1]));
        Assert.Equal("right-to-left \\u202egnp.exe", PeerText.Escape(TerminalAttacks[3]));
        Assert.Equal("a\\\\nb", PeerText.Escape("a\\nb")); // a backslash is escaped too, so escapes read unambiguously
        Assert.Equal("emoji \U0001F600 kept", PeerText.Escape("emoji \U0001F600 kept"));
    }

    [Fact]
    public void Escape_OneMegabyte_IsCutToTheLimit_SayingHowMuchWasLeftOut()
    {
        string text = string.Concat(Enumerable.Repeat("\u001b[31mred\n", 1 << 17)); // 1 MiB of characters
        string escaped = PeerText.Escape(text);
        Assert.True(escaped.Length <= PeerText.MaxLength, $"{escaped.Length} characters");
        Assert.Matches(@" … \(\d+ more characters\)$", escaped);
        Assert.All(escaped, c => Assert.True(IsSafe(c)));
        Assert.StartsWith("\\u001b[31mred\\n", escaped);
    }
}

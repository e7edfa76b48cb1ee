using System.Globalization;
using System.Text;

namespace Mpc.Core.Text;

/// <summary>
/// Makes text that came from another party (an abort reason, a reject's detail, a session id, a column name) safe to
/// log, print, write to a file or relay: at most <see cref="MaxLength"/> characters, and no character that a terminal
/// or a log reader would act on.
/// </summary>
/// <remarks>
/// Control characters (C0, DEL, C1: newlines, carriage returns, escape sequences, bells), the Unicode format
/// characters (bidirectional overrides, zero-width characters), line and paragraph separators and lone surrogates
/// are written as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\u001b</c>-style escapes, and a backslash as <c>\\</c>, so the
/// escaped text reads unambiguously and stays on one line. Text past the limit is cut (on a character boundary) and
/// ends with how much was left out.
/// </remarks>
public static class PeerText
{
    /// <summary>The longest escaped text <see cref="Escape"/> returns, the note on what was cut included.</summary>
    public const int MaxLength = 1000;

    /// <summary>
    /// <paramref name="text"/> with every control or format character escaped, cut to at most
    /// <paramref name="maxLength"/> characters (at least 64).
    /// </summary>
    public static string Escape(string? text, int maxLength = MaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 64);
        if (string.IsNullOrEmpty(text)) return "";
        if (text.Length <= maxLength && !NeedsEscaping(text)) return text;

        // Escape until the result would pass the limit; then cut back to leave room for the note on what was cut.
        var result = new StringBuilder(Math.Min(2 * text.Length, maxLength + 16));
        int budget = maxLength - 40, cutLength = 0, cutAt = 0, i = 0;
        while (i < text.Length && result.Length <= maxLength)
        {
            if (result.Length <= budget) (cutLength, cutAt) = (result.Length, i);
            result.Append(Piece(text, i, out int consumed));
            i += consumed;
        }
        if (i == text.Length && result.Length <= maxLength) return result.ToString();
        result.Length = cutLength;
        result.Append(CultureInfo.InvariantCulture, $" … ({text.Length - cutAt} more characters)");
        return result.ToString();
    }

    private static bool NeedsEscaping(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\' || IsUnsafe(c)) return true;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (IsUnsafe(char.ConvertToUtf32(c, text[i + 1]))) return true;
                i++;
            }
            else if (char.IsSurrogate(c)) return true;
        }
        return false;
    }

    // The escaped form of the character (or surrogate pair) at i.
    private static string Piece(string text, int i, out int consumed)
    {
        char c = text[i];
        consumed = 1;
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            consumed = 2;
            int codePoint = char.ConvertToUtf32(c, text[i + 1]);
            return IsUnsafe(codePoint) ? string.Create(CultureInfo.InvariantCulture, $"\\U{codePoint:x8}") : text.Substring(i, 2);
        }
        return c switch
        {
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ when char.IsSurrogate(c) || IsUnsafe(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            _ => c.ToString(),
        };
    }

    private static bool IsUnsafe(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => true,
        _ => false,
    };
}

using System.Text;
using System.Text.Json;

namespace Mpc.Party.Output;

/// <summary>JSON text written with <see cref="Utf8JsonWriter"/>: every string escaped, every number round-trippable.</summary>
internal static class JsonText
{
    /// <summary>The indented document <paramref name="write"/> produces, with a final newline.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>A number, or null where it is not finite (JSON has no NaN or infinity).</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumber(name, value);
        else writer.WriteNull(name);
    }

    /// <summary>An array element: a number, or null where it is not finite.</summary>
    public static void WriteNumberOrNullValue(this Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}

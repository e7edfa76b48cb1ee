using System.Text.Json;

namespace Mpc.Net.Configuration.Internal;

/// <summary>
/// A JSON object of a config file being read field by field: every access names the field, every error is a
/// <see cref="ConfigException"/> with the file and the JSON path, and fields nobody asked for are errors.
/// </summary>
internal sealed class ConfigObject
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private readonly HashSet<string> _known = [];

    private ConfigObject(string file, string path, JsonElement element)
    {
        File = file;
        Path = path;
        Element = element;
    }

    public string File { get; }

    public string Path { get; }

    public JsonElement Element { get; }

    /// <summary>Reads and parses <paramref name="file"/>; its root must be an object.</summary>
    public static ConfigObject Load(string file)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(file, "$", $"cannot read the file: {ex.Message}", ex);
        }
        return Parse(file, text);
    }

    /// <summary>Parses <paramref name="text"/>, the contents of <paramref name="file"/>; its root must be an object.</summary>
    public static ConfigObject Parse(string file, string text)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text, Options);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ConfigException(file, "$",
                $"invalid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {ex.Message}", ex);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new ConfigException(file, "$", "the file must hold a JSON object");
        return new ConfigObject(file, "$", root);
    }

    public string FieldPath(string name) => Path == "$" ? name : $"{Path}.{name}";

    public ConfigException Error(string name, string problem) => new(File, FieldPath(name), problem);

    private bool TryGet(string name, JsonValueKind kind, string kindName, out JsonElement value)
    {
        _known.Add(name);
        if (!Element.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null) return false;
        if (value.ValueKind != kind && !(kind == JsonValueKind.True && value.ValueKind == JsonValueKind.False))
            throw Error(name, $"must be {kindName}, not {Describe(value.ValueKind)}");
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public string? OptionalString(string name)
    {
        if (!TryGet(name, JsonValueKind.String, "a string", out var v)) return null;
        var s = v.GetString()!;
        if (string.IsNullOrWhiteSpace(s)) throw Error(name, "must not be empty");
        return s;
    }

    public string RequiredString(string name) => OptionalString(name) ?? throw Error(name, "is missing");

    public long? OptionalInteger(string name, long min, long max)
    {
        if (!TryGet(name, JsonValueKind.Number, "an integer", out var v)) return null;
        if (!v.TryGetInt64(out long n)) throw Error(name, $"must be an integer, not {v.GetRawText()}");
        if (n < min || n > max) throw Error(name, $"{n} is out of range {min}..{max}");
        return n;
    }

    public int RequiredInt(string name, int min, int max) => (int)(OptionalInteger(name, min, max) ?? throw Error(name, "is missing"));

    public double? OptionalPositiveNumber(string name, double max)
    {
        if (!TryGet(name, JsonValueKind.Number, "a number", out var v)) return null;
        if (!v.TryGetDouble(out double d) || !(d > 0) || d > max)
            throw Error(name, $"must be a positive number up to {max}, not {v.GetRawText()}");
        return d;
    }

    public bool? OptionalBool(string name) =>
        TryGet(name, JsonValueKind.True, "true or false", out var v) ? v.GetBoolean() : null;

    public ConfigObject? OptionalObject(string name) =>
        TryGet(name, JsonValueKind.Object, "an object", out var v) ? new ConfigObject(File, FieldPath(name), v) : null;

    public JsonElement? OptionalElement(string name)
    {
        _known.Add(name);
        return Element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    public List<ConfigObject> RequiredObjectArray(string name)
    {
        if (!TryGet(name, JsonValueKind.Array, "an array", out var v)) throw Error(name, "is missing");
        var list = new List<ConfigObject>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            string path = $"{FieldPath(name)}[{i}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw new ConfigException(File, path, $"must be an object, not {Describe(item.ValueKind)}");
            list.Add(new ConfigObject(File, path, item));
            i++;
        }
        return list;
    }

    public List<string>? OptionalStringArray(string name)
    {
        if (!TryGet(name, JsonValueKind.Array, "an array of strings", out var v)) return null;
        var list = new List<string>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                throw new ConfigException(File, $"{FieldPath(name)}[{i}]", "must be a non-empty string");
            list.Add(item.GetString()!);
            i++;
        }
        return list;
    }

    /// <summary>Fails on the first field that no reader asked for, and on duplicate fields.</summary>
    public void RejectUnknownFields()
    {
        var seen = new HashSet<string>();
        foreach (var property in Element.EnumerateObject())
        {
            if (!seen.Add(property.Name)) throw Error(property.Name, "appears twice");
            if (!_known.Contains(property.Name)) throw Error(property.Name, "unknown field");
        }
    }

    /// <summary>
    /// Resolves field <paramref name="name"/>'s path <paramref name="value"/> relative to the folder of this config file.
    /// </summary>
    public string ResolvePath(string name, string value)
    {
        try
        {
            return System.IO.Path.GetFullPath(value, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(File))!);
        }
        catch (Exception ex) when (ex is ArgumentException or PathTooLongException or NotSupportedException)
        {
            throw new ConfigException(File, FieldPath(name), $"is not a valid path: {ex.Message}", ex);
        }
    }
}

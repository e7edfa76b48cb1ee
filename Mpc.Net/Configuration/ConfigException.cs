using Mpc.Core;

namespace Mpc.Net.Configuration;

/// <summary>
/// A cluster or party config file is invalid: the message names the file and the field (a JSON path such as <c>parties[2].port</c>).
/// </summary>
public sealed class ConfigException : MpcException
{
    /// <summary>Field <paramref name="field"/> of <paramref name="file"/> is wrong as <paramref name="problem"/> says.</summary>
    public ConfigException(string file, string field, string problem, Exception? innerException = null)
        : base($"{file}: {field}: {problem}", innerException)
    {
        File = file;
        Field = field;
        Problem = problem;
    }

    /// <summary>The config file (as given, or "(in memory)" for a config built in code).</summary>
    public string File { get; }

    /// <summary>The JSON path of the field, e.g. <c>parties[2].port</c>; <c>$</c> for the whole file.</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

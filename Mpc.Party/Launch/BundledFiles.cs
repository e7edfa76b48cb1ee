using Mpc.Net.Configuration;

namespace Mpc.Party.Launch;

/// <summary>
/// The example clusters and data the installed tool carries (its <c>party-configs/</c> and <c>data/</c>, beside the
/// executable): a relative path that is not in the working folder is looked up there, so
/// <c>mpc launch --cluster party-configs/local-3.json ...</c> works from any folder.
/// </summary>
internal static class BundledFiles
{
    /// <summary>Where the bundled copies are: the executable's folder.</summary>
    public static string Folder => AppContext.BaseDirectory;

    /// <summary>
    /// <paramref name="path"/> if it exists; else the bundled file of that relative path, saying so on
    /// <paramref name="stdout"/>; else an error naming both places.
    /// </summary>
    /// <exception cref="ConfigException">The file is in neither place.</exception>
    public static string Resolve(string path, TextWriter stdout)
    {
        string found = ResolveOrSame(path, stdout);
        if (File.Exists(found)) return found;
        throw new ConfigException(path, "(file)",
            $"does not exist, here or among the examples installed with mpc ({Path.Combine(Folder, "party-configs")}); " +
            "the repository's party-configs/ and data/ hold them all");
    }

    /// <summary>
    /// Like <see cref="Resolve"/>, but a path in neither place comes back unchanged, for the caller's own error
    /// (a data file's reader names the file and what is wrong with it).
    /// </summary>
    public static string ResolveOrSame(string path, TextWriter stdout)
    {
        if (File.Exists(path)) return path;
        string bundled = Path.GetFullPath(Path.Combine(Folder, path));
        if (Path.IsPathRooted(path) || !File.Exists(bundled)) return path;
        stdout.WriteLine($"mpc: {path} is not in {Environment.CurrentDirectory}; using the copy installed with mpc, {bundled}");
        return bundled;
    }
}

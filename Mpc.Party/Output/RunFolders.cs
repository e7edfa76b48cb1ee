using System.Globalization;
using Mpc.Core;

namespace Mpc.Party.Output;

/// <summary>
/// Where a job's results go so that no run overwrites another's: with no folder given, each run gets its own,
/// <c>out/&lt;session&gt;/&lt;job&gt;-&lt;yyyyMMdd-HHmmss&gt;</c>, and <c>out/&lt;session&gt;/latest</c> points to the newest;
/// a folder given by hand that holds an earlier run's results is refused unless the run says it replaces or resumes them.
/// </summary>
internal static class RunFolders
{
    /// <summary>The files that mark a folder as holding a run's results.</summary>
    private static readonly string[] ResultFiles = ["model.json", "metrics.json", "offline.mpcpre"];

    /// <summary>The name of the link (or, where links cannot be made, the file naming the folder) to the newest run.</summary>
    public const string Latest = "latest";

    /// <summary>
    /// Creates a new folder for one run of <paramref name="job"/> under <paramref name="root"/> (a suffix -2, -3, ... if
    /// another run started in the same second) and points <c>root/latest</c> at it. Returns its path.
    /// </summary>
    public static string CreateRun(string root, string job, DateTime now)
    {
        Directory.CreateDirectory(root);
        string stamp = job + "-" + now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string name = stamp;
        for (int n = 2; ; n++)
        {
            try
            {
                // CreateDirectory succeeds on an existing folder: claim the name by a marker only this run can create.
                string path = Path.Combine(root, name);
                Directory.CreateDirectory(path);
                using (new FileStream(Path.Combine(path, ".run"), FileMode.CreateNew)) { }
                PointLatest(root, name);
                return path;
            }
            catch (IOException) when (Directory.Exists(Path.Combine(root, name)))
            {
                name = FormattableString.Invariant($"{stamp}-{n}");
            }
        }
    }

    /// <summary>
    /// Refuses a folder holding an earlier run's results, unless <paramref name="replace"/> (<c>--force</c>) or
    /// <paramref name="resume"/> (<c>--resume</c>, which continues that run) says the run means to write there.
    /// </summary>
    /// <exception cref="RunFolderException">The folder, what it holds and the ways out.</exception>
    public static void RefuseEarlierResults(string folder, bool replace, bool resume)
    {
        if (replace || resume || !Directory.Exists(folder)) return;
        var found = ResultFiles.Where(f => File.Exists(Path.Combine(folder, f))).ToArray();
        if (found.Length == 0) return;
        throw new RunFolderException($"--out {folder} holds an earlier run's results ({string.Join(", ", found)}): choose another " +
            "--out, add --force to replace them, or give no --out (each run then gets its own folder, the newest linked as " +
            $"'{Latest}')");
    }

    private static void PointLatest(string root, string name)
    {
        string link = Path.Combine(root, Latest);
        try
        {
            if (File.Exists(link) || Directory.Exists(link) || new FileInfo(link).LinkTarget is not null) File.Delete(link);
            Directory.CreateSymbolicLink(link, name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Where links need privileges (Windows without developer mode), a file naming the folder instead.
            File.WriteAllText(link + ".txt", name + Environment.NewLine);
        }
    }
}

/// <summary>A results folder that would overwrite an earlier run's.</summary>
internal sealed class RunFolderException(string message) : MpcException(message);

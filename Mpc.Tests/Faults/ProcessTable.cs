namespace Mpc.Tests.Faults;

/// <summary>The processes of this machine whose command line mentions a string (Linux /proc), to find a launcher's children.</summary>
public static class ProcessTable
{
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Ids of live (not zombie) processes whose command line contains <paramref name="text"/>.</summary>
    public static List<int> Find(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!cmdline.Contains(text, StringComparison.Ordinal)) continue;
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                char state = stat[stat.LastIndexOf(')') + 2];
                if (state != 'Z') found.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile.
            }
        }
        return found;
    }
}

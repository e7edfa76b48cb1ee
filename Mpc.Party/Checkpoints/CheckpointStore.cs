using System.Globalization;
using System.Text.RegularExpressions;

namespace Mpc.Party.Checkpoints;

/// <summary>
/// A party's checkpoint folder: one file per saved epoch (<c>epoch-000012.json</c>), created readable by the owner only;
/// after each save, only the latest <see cref="Keep"/> are kept (0: all). At least two, so that the epoch every party
/// completed is still there at every party when one of them was killed before saving its latest.
/// </summary>
internal sealed partial class CheckpointStore
{
    public CheckpointStore(string directory, int keep)
    {
        if (keep is 1 or < 0)
            throw new ArgumentException("--keep-checkpoints must be 0 (keep all) or at least 2: " +
                "a party killed mid-epoch may lack the latest checkpoint the others saved.");
        Directory = Path.GetFullPath(directory);
        Keep = keep;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>How many checkpoints to keep (0: all).</summary>
    public int Keep { get; }

    /// <summary>The file of epoch <paramref name="epoch"/>'s checkpoint.</summary>
    public string PathOf(int epoch) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch:D6}.json"));

    /// <summary>The epochs saved here, oldest first (none when the folder does not exist).</summary>
    public int[] Epochs() => !System.IO.Directory.Exists(Directory) ? [] :
        System.IO.Directory.EnumerateFiles(Directory, "epoch-*.json")
            .Select(f => FileName().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Order()
            .ToArray();

    /// <summary>
    /// Saves with <paramref name="write"/> (an atomic writer of the path it is given), then drops the oldest beyond
    /// <see cref="Keep"/>.
    /// </summary>
    public void Save(int epoch, Action<string> write)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
            else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        write(PathOf(epoch));
        if (Keep == 0) return;
        foreach (int old in Epochs().SkipLast(Keep)) File.Delete(PathOf(old));
    }

    [GeneratedRegex(@"^epoch-(\d{6,9})\.json$")]
    private static partial Regex FileName();
}

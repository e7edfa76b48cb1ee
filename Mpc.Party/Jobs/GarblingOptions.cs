using Mpc.Core.Circuits;

namespace Mpc.Party.Jobs;

/// <summary>Where the garbling jobs find the Bristol AES-128 circuit.</summary>
internal static class GarblingOptions
{
    /// <summary>The circuit's path from the repository root (<c>data/circuits</c>, with its attribution).</summary>
    private static readonly string Relative = Path.Combine("data", "circuits", "bristol_fashion", "aes_128.txt");

    /// <summary>
    /// <paramref name="given"/> if set; else the first <c>data/circuits/bristol_fashion/aes_128.txt</c> found walking up
    /// from the working directory, then from the executable's directory.
    /// </summary>
    public static string Aes128Path(string? given)
    {
        if (!string.IsNullOrEmpty(given)) return Path.GetFullPath(given);
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, Relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException(
            $"No {Relative} above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}; pass --circuit.");
    }

    public static Circuit ReadAes128(string? given) => BristolReader.ReadFile(Aes128Path(given), BristolFormat.Fashion);
}

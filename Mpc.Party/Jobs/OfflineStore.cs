using Mpc.Net.Configuration;
using Mpc.Party.Output;

namespace Mpc.Party.Jobs;

/// <summary>
/// A party's offline material made ahead (<c>mpc preprocess</c>, or <c>train-lr --offline-only</c>), in a file of its own:
/// encrypted and authenticated with AES-256-GCM under a key derived from the party's private key (HKDF-SHA256, RFC 5869),
/// readable by its owner only, bound to its cluster, party and store id, and used once: the run that takes it renames it
/// to <c>.used</c> before the first item is handed out, and a store found used is refused, since reusing a triple or a
/// mask would leak what it masked.
/// </summary>
/// <remarks>Used, the material itself is deleted: only a note of when and which store remains in <c>.used</c>.</remarks>
internal static class OfflineStore
{
    /// <summary>The file's name in a party's output folder.</summary>
    public const string FileName = "offline.mpcpre";

    private static readonly SealedFile Sealed = new("MPCOFF01"u8.ToArray(), "mpc offline store v1", "an offline store");

    /// <summary>
    /// The store at <paramref name="path"/>: the file itself, or a folder holding it directly or in a party's own subfolder.
    /// </summary>
    public static string Resolve(string path, PartyConfig party)
    {
        if (!Directory.Exists(path)) return path;
        string own = Path.Combine(path, party.Me.Name, FileName);
        return File.Exists(own) || File.Exists(own + ".used") ? own : Path.Combine(path, FileName);
    }

    /// <summary>Writes <paramref name="material"/> (owner-only, atomically) under <paramref name="storeId"/>.</summary>
    public static void Write(string path, PartyConfig party, byte[] storeId, byte[] material) =>
        Sealed.Write(path, party, storeId, material);

    /// <summary>
    /// The store id and material at <paramref name="path"/>; an <see cref="InvalidDataException"/> says why a file is
    /// refused (used already, not a store, made by another party or cluster, or altered).
    /// </summary>
    public static (byte[] StoreId, byte[] Material) Read(string path, PartyConfig party)
    {
        if (!File.Exists(path))
            throw new InvalidDataException(File.Exists(path + ".used")
                ? $"{path} was used by an earlier run ({path}.used): offline material is used once, since reusing a triple or " +
                    "mask would leak what it masked. Make new material with mpc preprocess."
                : $"{path} does not exist.");
        return Sealed.Read(path, party);
    }

    /// <summary>
    /// Marks the store used before any of its material is handed out: a note in <c>.used</c>, and the material deleted.
    /// </summary>
    public static void MarkUsed(string path, byte[] storeId)
    {
        AtomicFile.WriteAllText(path + ".used",
            $"offline store {Convert.ToHexString(storeId)} used by a run started {DateTime.UtcNow:O}; its material is deleted\n");
        File.Delete(path);
    }
}

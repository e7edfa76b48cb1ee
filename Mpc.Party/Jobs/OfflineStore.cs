using System.Security.Cryptography;
using System.Text;
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

    private const int IdSize = 16, NonceSize = 12, TagSize = 16;
    private static readonly byte[] Magic = "MPCOFF01"u8.ToArray();

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
    public static void Write(string path, PartyConfig party, byte[] storeId, byte[] material)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var tag = new byte[TagSize];
        var cipher = new byte[material.Length];
        using (var aes = new AesGcm(Key(party, storeId), TagSize))
            aes.Encrypt(nonce, material, cipher, tag, Associated(party, storeId));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.Write(storeId);
            stream.Write(nonce);
            stream.Write(tag);
            stream.Write(cipher);
        }, ownerOnly: true);
    }

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
        var bytes = File.ReadAllBytes(path);
        int header = Magic.Length + IdSize + NonceSize + TagSize;
        if (bytes.Length < header || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not an offline store.");
        var storeId = bytes.AsSpan(Magic.Length, IdSize).ToArray();
        var nonce = bytes.AsSpan(Magic.Length + IdSize, NonceSize);
        var tag = bytes.AsSpan(Magic.Length + IdSize + NonceSize, TagSize);
        var material = new byte[bytes.Length - header];
        try
        {
            using var aes = new AesGcm(Key(party, storeId), TagSize);
            aes.Decrypt(nonce, bytes.AsSpan(header), tag, material, Associated(party, storeId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidDataException(
                $"{path} was not made by party {party.PartyId} ({party.Me.Name}) of cluster {party.Cluster.SessionId} with its " +
                "private key, or was altered since.");
        }
        return (storeId, material);
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

    // HKDF over the party's private key (PKCS#8), salted by the store id: each store has a key of its own.
    private static byte[] Key(PartyConfig party, byte[] storeId)
    {
        if (party.PrivateKeyPath is not { } keyPath || party.Cluster.Insecure)
            throw new InvalidOperationException(
                "An offline store is encrypted under a key derived from the party's private key; this party has none " +
                "(an insecure cluster). Run with TLS and keys, or without a store (--offline bulk makes the material in the run).");
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        var secret = key.ExportPkcs8PrivateKey();
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, storeId, "mpc offline store v1"u8.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static byte[] Associated(PartyConfig party, byte[] storeId) =>
        [.. Magic, .. storeId, .. Encoding.UTF8.GetBytes($"{party.Cluster.SessionId}/{party.PartyId}")];
}

using System.Security.Cryptography;
using System.Text;
using Mpc.Net.Configuration;

namespace Mpc.Party.Output;

/// <summary>
/// A file only its party can read or make: the payload encrypted and authenticated with AES-256-GCM under a key derived
/// from the party's private key (HKDF-SHA256, RFC 5869, salted by the file's id, with the kind of file as its info),
/// bound to its cluster, party and id, written atomically with mode 0600. Offline stores and secret-shared models are
/// kept so.
/// </summary>
/// <param name="Magic">The first bytes, naming the kind of file.</param>
/// <param name="Purpose">The key derivation's info: a file of one kind never opens as another.</param>
/// <param name="What">How errors name the kind of file, e.g. "an offline store".</param>
internal sealed record SealedFile(byte[] Magic, string Purpose, string What)
{
    /// <summary>Bytes in a file's id.</summary>
    public const int IdSize = 16;

    private const int NonceSize = 12, TagSize = 16;

    /// <summary>Writes <paramref name="payload"/> sealed under <paramref name="id"/> (owner-only, atomically).</summary>
    public void Write(string path, PartyConfig party, byte[] id, byte[] payload)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var tag = new byte[TagSize];
        var cipher = new byte[payload.Length];
        using (var aes = new AesGcm(Key(party, id), TagSize))
            aes.Encrypt(nonce, payload, cipher, tag, Associated(party, id));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.Write(id);
            stream.Write(nonce);
            stream.Write(tag);
            stream.Write(cipher);
        }, ownerOnly: true);
    }

    /// <summary>
    /// The id and payload of the file at <paramref name="path"/>; an <see cref="InvalidDataException"/> says why a file
    /// is refused (not of this kind, made by another party or cluster, or altered).
    /// </summary>
    public (byte[] Id, byte[] Payload) Read(string path, PartyConfig party)
    {
        var bytes = File.ReadAllBytes(path);
        int header = Magic.Length + IdSize + NonceSize + TagSize;
        if (bytes.Length < header || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not {What}.");
        var id = bytes.AsSpan(Magic.Length, IdSize).ToArray();
        var nonce = bytes.AsSpan(Magic.Length + IdSize, NonceSize);
        var tag = bytes.AsSpan(Magic.Length + IdSize + NonceSize, TagSize);
        var payload = new byte[bytes.Length - header];
        try
        {
            using var aes = new AesGcm(Key(party, id), TagSize);
            aes.Decrypt(nonce, bytes.AsSpan(header), tag, payload, Associated(party, id));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidDataException(
                $"{path} was not made by party {party.PartyId} ({party.Me.Name}) of cluster {party.Cluster.SessionId} with its " +
                "private key, or was altered since.");
        }
        return (id, payload);
    }

    // HKDF over the party's private key (PKCS#8), salted by the id: each file has a key of its own.
    private byte[] Key(PartyConfig party, byte[] id)
    {
        if (party.PrivateKeyPath is not { } keyPath || party.Cluster.Insecure)
            throw new InvalidOperationException(
                $"{What} is encrypted under a key derived from the party's private key; this party has none (an insecure " +
                "cluster). Run with TLS and keys.");
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        var secret = key.ExportPkcs8PrivateKey();
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, id, Encoding.UTF8.GetBytes(Purpose));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private byte[] Associated(PartyConfig party, byte[] id) =>
        [.. Magic, .. id, .. Encoding.UTF8.GetBytes($"{party.Cluster.SessionId}/{party.PartyId}")];
}

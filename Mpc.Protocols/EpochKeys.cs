using System.Buffers.Binary;
using System.Security.Cryptography;
using Mpc.Core.Random;

namespace Mpc.Protocols;

/// <summary>
/// Root keys from which a session's randomness is re-derived at the start of every phase of a long computation (the
/// set-up, then each training epoch): this party's private generator and its pairwise seeds become
/// HKDF-SHA256(root, phase). A run that saves these roots with its state (a checkpoint) and restarts at phase p draws
/// exactly the randomness the original run drew from p on: same triples, same masks, same shares.
/// </summary>
/// <remarks>
/// The roots are fresh at the first start: the private root from the OS CSPRNG, the pairwise roots the seeds the
/// session agreed with each peer (lower id picks, over the encrypted link). They are as secret as the shares they
/// protect; only the party's own checkpoint may hold them. Within a phase, each pairwise PRG is further separated by
/// the operation's tag (<see cref="Session.SharedPrg"/>), so a resumed run also restores the tag counters.
/// </remarks>
public sealed class EpochKeys
{
    /// <summary>The phase before the first epoch: data loading and the one-time masking of the training matrix.</summary>
    public const long SetupPhase = -1;

    private const int PrivateRootSize = 32;
    private readonly byte[] _privateRoot;
    private readonly byte[][] _pairwiseRoots; // by peer; null at my own id
    private readonly int _partyId;

    private EpochKeys(int partyId, byte[] privateRoot, byte[][] pairwiseRoots)
    {
        _partyId = partyId;
        _privateRoot = privateRoot;
        _pairwiseRoots = pairwiseRoots;
    }

    /// <summary>
    /// Fresh roots for <paramref name="session"/>: a new private root from the OS CSPRNG and the session's pairwise seeds.
    /// </summary>
    public static EpochKeys Create(Session session)
    {
        var pairwise = session.PairwiseSeeds.Select(s => s?.ToArray()!).ToArray();
        return new EpochKeys(session.PartyId, RandomNumberGenerator.GetBytes(PrivateRootSize), pairwise);
    }

    /// <summary>Roots saved by <see cref="Export"/> at party <paramref name="partyId"/> of <paramref name="partyCount"/>.</summary>
    /// <exception cref="FormatException">The bytes are not roots for that many parties.</exception>
    public static EpochKeys Import(ReadOnlySpan<byte> saved, int partyId, int partyCount)
    {
        int expected = PrivateRootSize + (partyCount - 1) * AesCtrPrg.SeedSize;
        if (saved.Length != expected)
            throw new FormatException($"Saved keys are {saved.Length} bytes; {partyCount} parties need {expected}.");
        var privateRoot = saved[..PrivateRootSize].ToArray();
        var pairwise = new byte[partyCount][];
        int offset = PrivateRootSize;
        for (int peer = 0; peer < partyCount; peer++)
        {
            if (peer == partyId) continue;
            pairwise[peer] = saved.Slice(offset, AesCtrPrg.SeedSize).ToArray();
            offset += AesCtrPrg.SeedSize;
        }
        return new EpochKeys(partyId, privateRoot, pairwise);
    }

    /// <summary>The roots as bytes, for this party's own checkpoint (secret: never log or send them).</summary>
    public byte[] Export()
    {
        var bytes = new List<byte>(_privateRoot);
        for (int peer = 0; peer < _pairwiseRoots.Length; peer++)
            if (peer != _partyId) bytes.AddRange(_pairwiseRoots[peer]);
        return bytes.ToArray();
    }

    /// <summary>
    /// A public 63-bit fingerprint of the root this party shares with <paramref name="peer"/>: both ends compute the same
    /// value, and only they can, so comparing fingerprints tells whether two checkpoints come from the same run.
    /// </summary>
    public long PairFingerprint(int peer)
    {
        var digest = HKDF.DeriveKey(HashAlgorithmName.SHA256, _pairwiseRoots[peer], 8,
            salt: "mpc-epoch-keys-fingerprint"u8.ToArray(), info: []);
        return (long)(BinaryPrimitives.ReadUInt64LittleEndian(digest) >> 1);
    }

    /// <summary>
    /// Re-keys <paramref name="session"/> for <paramref name="phase"/> (<see cref="SetupPhase"/> or an epoch index):
    /// its private generator and every pairwise seed. Call it at the same point at every party, between operations.
    /// </summary>
    public void Enter(Session session, long phase)
    {
        if (session.PartyId != _partyId || session.PartyCount != _pairwiseRoots.Length)
            throw new ArgumentException(
                $"These keys belong to party {_partyId} of {_pairwiseRoots.Length}, not party {session.PartyId} of {session.PartyCount}.",
                nameof(session));
        Span<byte> info = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(info, phase);
        var random = new AesCtrPrg(Derive(_privateRoot, info, "mpc-epoch-private"u8));
        var pairwise = new byte[_pairwiseRoots.Length][];
        for (int peer = 0; peer < pairwise.Length; peer++)
            if (peer != _partyId) pairwise[peer] = Derive(_pairwiseRoots[peer], info, "mpc-epoch-pairwise"u8);
        session.Rekey(random, pairwise);
    }

    private static byte[] Derive(byte[] root, ReadOnlySpan<byte> info, ReadOnlySpan<byte> salt)
    {
        var key = new byte[AesCtrPrg.SeedSize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, root, key, salt, info);
        return key;
    }
}

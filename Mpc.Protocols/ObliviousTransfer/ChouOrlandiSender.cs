using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer.Internal;

namespace Mpc.Protocols.ObliviousTransfer;

/// <summary>
/// The sender of the Chou-Orlandi "simplest OT" base oblivious transfer, as random OT: for each transfer i the
/// sender gets two keys (k0_i, k1_i) and the receiver (<see cref="ChouOrlandiReceiver"/>) gets k_{c_i} for its choice bit c_i.
/// </summary>
/// <remarks>
/// <para>
/// T. Chou, C. Orlandi, "The Simplest Protocol for Oblivious Transfer", LATINCRYPT 2015 (ePrint 2015/267), over
/// NIST P-256 (the platform's OpenSSL where it loads, else BouncyCastle: <c>P256Backend</c>). Semi-honest security
/// under the computational Diffie-Hellman assumption with SHA-256 as a random oracle; the paper's claim of malicious
/// (UC) security was later shown not to hold in general, and we claim none. Two rounds for any number of transfers.
/// Derivation: docs/protocols.md#chou-orlandi-base-ot.
/// </para>
/// <para>
/// Every received point is validated (encoding, on the curve, not the identity); a failure throws
/// <see cref="ObliviousTransferException"/> naming the peer and the check. A fresh secret is drawn per call, so calls
/// may be repeated on the same tag.
/// </para>
/// </remarks>
public sealed class ChouOrlandiSender
{
    private readonly IPartyNetwork _network;
    private readonly int _receiver;
    private readonly StreamTag _tag;
    private readonly AesCtrPrg _random;
    private readonly P256Backend _backend;

    /// <summary>
    /// A sender to party <paramref name="receiver"/> over <paramref name="tag"/>, drawing its secrets from <paramref name="random"/>.
    /// </summary>
    public ChouOrlandiSender(IPartyNetwork network, int receiver, StreamTag tag, AesCtrPrg random)
        : this(network, receiver, tag, random, P256Backend.Default)
    {
    }

    /// <summary>As above, with the group operations of <paramref name="backend"/> (tests pair the two backends).</summary>
    internal ChouOrlandiSender(IPartyNetwork network, int receiver, StreamTag tag, AesCtrPrg random, P256Backend backend)
    {
        _backend = backend;
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        CheckPeer(network, receiver, nameof(receiver));
        _network = network;
        _receiver = receiver;
        _tag = tag;
        _random = random;
    }

    /// <summary>
    /// Runs <c>keys0.Length</c> random OTs (the receiver runs <see cref="ChouOrlandiReceiver.ReceiveRandomAsync"/>
    /// with as many choices): fills both keys of every transfer. Two rounds.
    /// </summary>
    public async ValueTask SendRandomAsync(Memory<Block128> keys0, Memory<Block128> keys1, CancellationToken ct = default)
    {
        if (keys1.Length != keys0.Length)
            throw new ArgumentException($"{keys0.Length} first keys but {keys1.Length} second keys.", nameof(keys1));
        int count = keys0.Length;
        if (count == 0) return;

        var a = new byte[P256.ScalarBytes];
        var encodedA = new byte[P256.PointBytes];
        var aA = new byte[P256.PointBytes];
        try
        {
            P256.RandomScalars(_random, a);
            _backend.MultiplyGenerator(a, encodedA);

            // Round 1: A = a·G.
            await _network.SendAsync(_receiver, _tag, encodedA, ct).ConfigureAwait(false);
            _network.CountRound();

            // a·(B_i - A) = a·B_i - a·A: one variable-base multiplication per transfer instead of two; a·A is
            // computed while the receiver works.
            _backend.MultiplyPoint(encodedA, a, aA);

            // Round 2: B_i for every transfer.
            var encodedB = new byte[count * P256.PointBytes];
            await _network.ReceiveAsync(_receiver, _tag, encodedB, ct).ConfigureAwait(false);
            _network.CountRound();

            DeriveKeys(a, aA, encodedA, encodedB, keys0.Span, keys1.Span);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(a);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(aA);
        }
    }

    private void DeriveKeys(byte[] a, byte[] aA, byte[] encodedA, byte[] encodedB, Span<Block128> keys0, Span<Block128> keys1)
    {
        int count = keys0.Length;
        // Validate every point before any secret-dependent work, reporting the first bad one.
        for (int i = 0; i < count; i++)
        {
            P256.Validate(encodedB.AsSpan(i * P256.PointBytes, P256.PointBytes), _receiver, $"base-OT point B[{i}]");
        }
        var shared0 = new byte[count * P256.PointBytes];
        var shared1 = new byte[count * P256.PointBytes];
        try
        {
            _backend.MultiplyScalar(encodedB, a, shared0);
            _backend.AddToEach(shared0, aA, subtract: true, shared1);
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> b = encodedB.AsSpan(i * P256.PointBytes, P256.PointBytes);
                keys0[i] = P256.DeriveKey(encodedA, b, (uint)i, shared0.AsSpan(i * P256.PointBytes, P256.PointBytes));
                keys1[i] = P256.DeriveKey(encodedA, b, (uint)i, shared1.AsSpan(i * P256.PointBytes, P256.PointBytes));
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(shared0);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(shared1);
        }
    }

    internal static void CheckPeer(IPartyNetwork network, int peer, string name)
    {
        if (peer == network.PartyId || (uint)peer >= (uint)network.PartyCount)
            throw new ArgumentOutOfRangeException(name, peer,
                $"The peer must be another party (0..{network.PartyCount - 1}, not {network.PartyId}).");
    }
}

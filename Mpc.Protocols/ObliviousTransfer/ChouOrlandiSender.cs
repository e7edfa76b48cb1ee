using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer.Internal;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Mpc.Protocols.ObliviousTransfer;

/// <summary>
/// The sender of the Chou-Orlandi "simplest OT" base oblivious transfer, as random OT: for each transfer i the
/// sender gets two keys (k0_i, k1_i) and the receiver (<see cref="ChouOrlandiReceiver"/>) gets k_{c_i} for its choice bit c_i.
/// </summary>
/// <remarks>
/// <para>
/// T. Chou, C. Orlandi, "The Simplest Protocol for Oblivious Transfer", LATINCRYPT 2015 (ePrint 2015/267), over
/// NIST P-256 (BouncyCastle). Semi-honest security under the computational Diffie-Hellman assumption with SHA-256 as
/// a random oracle; the paper's claim of malicious (UC) security was later shown not to hold in general, and we
/// claim none. Two rounds for any number of transfers. Derivation: docs/protocols.md#chou-orlandi-base-ot.
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

    /// <summary>
    /// A sender to party <paramref name="receiver"/> over <paramref name="tag"/>, drawing its secrets from <paramref name="random"/>.
    /// </summary>
    public ChouOrlandiSender(IPartyNetwork network, int receiver, StreamTag tag, AesCtrPrg random)
    {
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

        BigInteger a = P256.RandomScalar(_random);
        ECPoint bigA = P256.MultiplyGenerator(a).Normalize();
        var encodedA = new byte[P256.PointBytes];
        P256.Encode(bigA, encodedA);

        // Round 1: A = a·G.
        await _network.SendAsync(_receiver, _tag, encodedA, ct).ConfigureAwait(false);
        _network.CountRound();

        // a·(B_i - A) = a·B_i - a·A: one variable-base multiplication per transfer instead of two; a·A is
        // computed while the receiver works.
        ECPoint aA = bigA.Multiply(a);

        // Round 2: B_i for every transfer.
        var encodedB = new byte[count * P256.PointBytes];
        await _network.ReceiveAsync(_receiver, _tag, encodedB, ct).ConfigureAwait(false);
        _network.CountRound();

        DeriveKeys(a, aA, encodedA, encodedB, keys0.Span, keys1.Span);
    }

    private void DeriveKeys(BigInteger a, ECPoint aA, byte[] encodedA, byte[] encodedB, Span<Block128> keys0, Span<Block128> keys1)
    {
        int count = keys0.Length;
        // Validate every point before any secret-dependent work, reporting the first bad one.
        var received = new ECPoint[count];
        for (int i = 0; i < count; i++)
        {
            received[i] = P256.Decode(encodedB.AsSpan(i * P256.PointBytes, P256.PointBytes), _receiver, $"base-OT point B[{i}]");
        }
        var shared = new ECPoint[2 * count];
        P256.ForEachParallel(count, i =>
        {
            ECPoint p0 = received[i].Multiply(a);
            shared[2 * i] = p0;
            shared[2 * i + 1] = p0.Subtract(aA);
        });
        P256.Curve.NormalizeAll(shared);

        Span<byte> point = stackalloc byte[P256.PointBytes];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> b = encodedB.AsSpan(i * P256.PointBytes, P256.PointBytes);
            P256.Encode(shared[2 * i], point);
            keys0[i] = P256.DeriveKey(encodedA, b, (uint)i, point);
            P256.Encode(shared[2 * i + 1], point);
            keys1[i] = P256.DeriveKey(encodedA, b, (uint)i, point);
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(point);
    }

    internal static void CheckPeer(IPartyNetwork network, int peer, string name)
    {
        if (peer == network.PartyId || (uint)peer >= (uint)network.PartyCount)
            throw new ArgumentOutOfRangeException(name, peer,
                $"The peer must be another party (0..{network.PartyCount - 1}, not {network.PartyId}).");
    }
}

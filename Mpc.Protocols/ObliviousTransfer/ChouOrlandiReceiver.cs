using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer.Internal;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Mpc.Protocols.ObliviousTransfer;

/// <summary>
/// The receiver of the Chou-Orlandi "simplest OT" base oblivious transfer, as random OT: for each transfer i it
/// gets the key k_{c_i} of the pair that <see cref="ChouOrlandiSender"/> gets, and learns nothing about the other.
/// </summary>
/// <remarks>
/// T. Chou, C. Orlandi, LATINCRYPT 2015, over NIST P-256; semi-honest security; two rounds (see
/// <see cref="ChouOrlandiSender"/> for the protocol). The receiver's message B_i = c_i·A + b_i·G is a uniformly random
/// point whatever c_i is, so the sender learns nothing about the choices. The received point A is validated.
/// </remarks>
public sealed class ChouOrlandiReceiver
{
    private readonly IPartyNetwork _network;
    private readonly int _sender;
    private readonly StreamTag _tag;
    private readonly AesCtrPrg _random;

    /// <summary>
    /// A receiver from party <paramref name="sender"/> over <paramref name="tag"/>, drawing its secrets from <paramref name="random"/>.
    /// </summary>
    public ChouOrlandiReceiver(IPartyNetwork network, int sender, StreamTag tag, AesCtrPrg random)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        ChouOrlandiSender.CheckPeer(network, sender, nameof(sender));
        _network = network;
        _sender = sender;
        _tag = tag;
        _random = random;
    }

    /// <summary>
    /// Runs <c>keys.Length</c> random OTs: transfer i's choice is bit <c>i % 64</c> of <c>choices[i / 64]</c>, and
    /// <c>keys[i]</c> receives the sender's key for that choice. Two rounds.
    /// </summary>
    public async ValueTask ReceiveRandomAsync(ReadOnlyMemory<ulong> choices, Memory<Block128> keys, CancellationToken ct = default)
    {
        int count = keys.Length;
        if (choices.Length < (count + 63) / 64)
            throw new ArgumentException($"{count} transfers need {(count + 63) / 64} words of choice bits, not {choices.Length}.",
                nameof(choices));
        if (count == 0) return;

        // Round 1: A from the sender.
        var encodedA = new byte[P256.PointBytes];
        await _network.ReceiveAsync(_sender, _tag, encodedA, ct).ConfigureAwait(false);
        _network.CountRound();
        ECPoint bigA = P256.Decode(encodedA, _sender, "base-OT point A");

        // Round 2: B_i = c_i·A + b_i·G.
        var b = new BigInteger[count];
        var encodedB = new byte[count * P256.PointBytes];
        ComputeMessages(bigA, choices.Span, b, encodedB);
        await _network.SendAsync(_sender, _tag, encodedB, ct).ConfigureAwait(false);
        _network.CountRound();

        DeriveKeys(bigA, encodedA, encodedB, b, keys.Span);
    }

    private void ComputeMessages(ECPoint bigA, ReadOnlySpan<ulong> choices, BigInteger[] b, byte[] encodedB)
    {
        int count = b.Length;
        var points = new ECPoint[2 * count];
        for (int i = 0; i < count; i++)
        {
            b[i] = P256.RandomScalar(_random);
        }
        P256.ForEachParallel(count, i =>
        {
            ECPoint bG = P256.MultiplyGenerator(b[i]);
            points[2 * i] = bG;
            points[2 * i + 1] = bG.Add(bigA);
        });
        P256.Curve.NormalizeAll(points);

        Span<byte> zero = stackalloc byte[P256.PointBytes];
        Span<byte> one = stackalloc byte[P256.PointBytes];
        for (int i = 0; i < count; i++)
        {
            P256.Encode(points[2 * i], zero);
            P256.Encode(points[2 * i + 1], one);
            // Select the encoding with a mask rather than a branch on the choice bit.
            byte mask = (byte)(0 - (int)((choices[i >> 6] >> (i & 63)) & 1));
            Span<byte> destination = encodedB.AsSpan(i * P256.PointBytes, P256.PointBytes);
            for (int k = 0; k < P256.PointBytes; k++)
            {
                destination[k] = (byte)((zero[k] & ~mask) | (one[k] & mask));
            }
        }
    }

    private static void DeriveKeys(ECPoint bigA, byte[] encodedA, byte[] encodedB, BigInteger[] b, Span<Block128> keys)
    {
        int count = keys.Length;
        var shared = new ECPoint[count];
        // Build A's comb table once, before the threads share it.
        shared[0] = P256.MultiplyFixed(bigA, b[0]);
        P256.ForEachParallel(count - 1, i => shared[i + 1] = P256.MultiplyFixed(bigA, b[i + 1]));
        P256.Curve.NormalizeAll(shared);
        Span<byte> point = stackalloc byte[P256.PointBytes];
        for (int i = 0; i < count; i++)
        {
            P256.Encode(shared[i], point);
            keys[i] = P256.DeriveKey(encodedA, encodedB.AsSpan(i * P256.PointBytes, P256.PointBytes), (uint)i, point);
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(point);
    }
}

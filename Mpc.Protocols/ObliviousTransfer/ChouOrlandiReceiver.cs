using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer.Internal;

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
    private readonly P256Backend _backend;

    /// <summary>
    /// A receiver from party <paramref name="sender"/> over <paramref name="tag"/>, drawing its secrets from <paramref name="random"/>.
    /// </summary>
    public ChouOrlandiReceiver(IPartyNetwork network, int sender, StreamTag tag, AesCtrPrg random)
        : this(network, sender, tag, random, P256Backend.Default)
    {
    }

    /// <summary>As above, with the group operations of <paramref name="backend"/> (tests pair the two backends).</summary>
    internal ChouOrlandiReceiver(IPartyNetwork network, int sender, StreamTag tag, AesCtrPrg random, P256Backend backend)
    {
        _backend = backend;
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
        P256.Validate(encodedA, _sender, "base-OT point A");

        // Round 2: B_i = c_i·A + b_i·G.
        var b = new byte[count * P256.ScalarBytes];
        var encodedB = new byte[count * P256.PointBytes];
        var shared = new byte[count * P256.PointBytes];
        try
        {
            ComputeMessages(encodedA, choices.Span, b, encodedB);
            await _network.SendAsync(_sender, _tag, encodedB, ct).ConfigureAwait(false);
            _network.CountRound();

            // k_{c_i} = H(b_i·A).
            _backend.MultiplyPoint(encodedA, b, shared);
            Span<Block128> output = keys.Span;
            for (int i = 0; i < count; i++)
            {
                output[i] = P256.DeriveKey(encodedA, encodedB.AsSpan(i * P256.PointBytes, P256.PointBytes), (uint)i,
                    shared.AsSpan(i * P256.PointBytes, P256.PointBytes));
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(b);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(shared);
        }
    }

    private void ComputeMessages(byte[] encodedA, ReadOnlySpan<ulong> choices, byte[] b, byte[] encodedB)
    {
        int count = encodedB.Length / P256.PointBytes;
        P256.RandomScalars(_random, b);
        var zero = new byte[count * P256.PointBytes];
        var one = new byte[count * P256.PointBytes];
        _backend.MultiplyGenerator(b, zero);
        _backend.AddToEach(zero, encodedA, subtract: false, one);
        for (int i = 0; i < count; i++)
        {
            // Select the encoding with a mask rather than a branch on the choice bit.
            byte mask = (byte)(0 - (int)((choices[i >> 6] >> (i & 63)) & 1));
            int offset = i * P256.PointBytes;
            for (int k = 0; k < P256.PointBytes; k++)
            {
                encodedB[offset + k] = (byte)((zero[offset + k] & ~mask) | (one[offset + k] & mask));
            }
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(zero);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(one);
    }
}

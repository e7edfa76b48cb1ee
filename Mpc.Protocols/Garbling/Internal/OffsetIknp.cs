using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Protocols.Garbling.Internal;

/// <summary>
/// An IKNP sender whose correlation Δ is the garbler's free-XOR offset (least significant bit set), so one correlated
/// OT per evaluator input bit hands over its label directly (t = W0 ⊕ x·Δ), as emp-toolkit does. The same steps as
/// <see cref="IknpSender.CreateAsync"/> with Δ given instead of drawn: the base-OT choices are Δ's bits.
/// </summary>
internal static class OffsetIknp
{
    public static async ValueTask<IknpSender> CreateSenderAsync(IPartyNetwork network, int receiver, StreamTag tag, Block128 delta, AesCtrPrg random, CancellationToken ct)
    {
        var keys = new Block128[128];
        try
        {
            var baseOt = new ChouOrlandiReceiver(network, receiver, tag, random);
            await baseOt.ReceiveRandomAsync(new[] { delta.Low, delta.High }, keys, ct).ConfigureAwait(false);
            return IknpSender.FromBaseOts(network, receiver, tag, delta, keys);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keys.AsSpan()));
        }
    }
}

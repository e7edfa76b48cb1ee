using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// The external dealer, CrypTen's trusted third party as a process of its own: it holds no data and computes on no
/// share. It receives a seed from each computing party, then party 0's requests (a kind, a tag and sizes), and answers
/// each with party 0's dependent shares (the full value minus what the others derive from their seeds); the other
/// parties derive everything and never wait. It never receives an online value, so on its own it learns nothing about
/// any input; it knows every triple and mask, so together with any computing party it could unmask every input.
/// </summary>
/// <remarks>Security model: semi-honest, the dealer trusted not to collude. No rounds online; one round trip per dealing at party 0.</remarks>
public static class DealerService
{
    /// <summary>
    /// Serves the computing parties of <paramref name="mesh"/> (every member but this one, the last) until party 0 says
    /// the computation is over. A request that is not well formed fails the mesh naming party 0.
    /// </summary>
    public static async Task<DealerReport> ServeAsync(IPartyNetwork mesh, CancellationToken ct = default)
    {
        int me = mesh.PartyId, parties = mesh.PartyCount - 1;
        if (me != parties) throw new ArgumentException($"The dealer is the mesh's last member ({parties}), not {me}.", nameof(mesh));
        var seeds = new byte[parties][];
        await Task.WhenAll(Enumerable.Range(0, parties).Select(async p =>
        {
            seeds[p] = new byte[AesCtrPrg.SeedSize];
            await mesh.ReceiveAsync(p, DealerLink.SeedTag, seeds[p], ct).ConfigureAwait(false);
        })).ConfigureAwait(false);

        var masks = new DealtMasks();
        var request = new byte[DealRequest.Size];
        long dealings = 0, wordsSent = 0;
        while (true)
        {
            await mesh.ReceiveAsync(0, DealerLink.RequestTag, request, ct).ConfigureAwait(false);
            DealRequest r;
            DealRecipe recipe;
            try
            {
                r = DealRequest.Read(request);
                if (r.Kind == DealKind.End) break;
                if (r.Kind == DealKind.KeepAlive) continue;
                recipe = DealRecipe.For(r, masks);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new DealerRequestException(ex.Message);
            }
            Z2k[][] corrections;
            try
            {
                corrections = Deal(r, recipe, seeds);
            }
            catch (ArgumentException ex)
            {
                throw new DealerRequestException($"{r.Kind}: {ex.Message}");
            }
            dealings++;
            if (recipe.Dependent.Length == 0) continue;
            var answer = corrections.Length == 1 ? corrections[0] : corrections.SelectMany(c => c).ToArray();
            wordsSent += answer.Length;
            await mesh.SendAsync<Z2k>(0, new StreamTag(r.Tag), answer, ct).ConfigureAwait(false);
        }
        return new DealerReport(dealings, wordsSent * sizeof(ulong));
    }

    /// <summary>Sums every party's derived shares (party 0 derives only the free ones) and corrects party 0's dependent ones.</summary>
    private static Z2k[][] Deal(DealRequest request, DealRecipe recipe, byte[][] seeds)
    {
        var sums = DealerArithmetic.Allocate(recipe.All);
        for (int p = 0; p < seeds.Length; p++)
        {
            using var prg = DealerLink.PrgFor(seeds[p], request.Tag);
            DealerArithmetic.AddStream(prg, recipe, sums, p == 0 ? recipe.Free.Length : sums.Length);
        }
        return DealerArithmetic.Corrections(recipe, sums);
    }
}

/// <summary>What a dealer served: how many dealings, and how many bytes of corrections it sent to party 0.</summary>
public readonly record struct DealerReport(long Dealings, long CorrectionBytes);

/// <summary>
/// Party 0 asked the dealer for something it will not deal (malformed, out of range, or for a mask it never dealt):
/// <see cref="PeerException.PeerId"/> is party 0. The message holds the request's public sizes, never a value.
/// </summary>
public sealed class DealerRequestException(string detail) : PeerException(0, $"Party 0 sent a dealing request the dealer refuses: {detail}.")
{
    /// <inheritdoc />
    public override string Reason => $"sent a dealing request the dealer refuses: {detail}";
}

using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// The external dealer, CrypTen's trusted third party as a process of its own: it holds no data and computes on no
/// share. It receives a seed from each computing party, then party 0's requests (a kind, sizes and an ordinal), and
/// answers each, in order, with party 0's dependent shares (the full value minus what the others derive from their seeds); the other
/// parties derive everything and never wait. It never receives an online value, so on its own it learns nothing about
/// any input; it knows every triple and mask, so together with any computing party it could unmask every input.
/// </summary>
/// <remarks>
/// Security model: semi-honest, the dealer trusted not to collude (CrypTen's trusted third party; Knott et al., NeurIPS
/// 2021). No rounds online: the others never wait, and party 0 waits for a round trip only for a shape it has not
/// asked for ahead (<see cref="DealerLink"/>).
/// </remarks>
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
        Warm(parties);
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
            DealRequest first;
            int count;
            DealRecipe recipe;
            try
            {
                first = DealRequest.Read(request, out count);
                if (first.Kind == DealKind.End) break;
                if (first.Kind == DealKind.KeepAlive) continue;
                recipe = DealRecipe.For(first, masks);
                if (recipe.TotalWords * count > DealRecipe.MaxWords)
                    throw new ArgumentException(
                        $"{count} dealings of {recipe.TotalWords} words are more than the {DealRecipe.MaxWords} allowed at once");
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new DealerRequestException(ex.Message);
            }
            // One request, one answer: every dealing's corrections end to end.
            var answer = new List<Z2k[]>();
            for (int i = 0; i < count; i++)
            {
                var dealing = first.WithOrdinal(first.Ordinal + (ulong)i);
                try
                {
                    answer.AddRange(Deal(dealing, i == 0 ? recipe : DealRecipe.For(dealing, masks), seeds));
                }
                catch (ArgumentException ex)
                {
                    throw new DealerRequestException($"{dealing}: {ex.Message}");
                }
                dealings++;
            }
            if (recipe.Dependent.Length == 0) continue;
            var frame = answer.Count == 1 ? answer[0] : Concatenate([.. answer]);
            wordsSent += frame.Length;
            await mesh.SendAsync<Z2k>(0, DealerLink.AnswerTag, frame, ct).ConfigureAwait(false);
        }
        return new DealerReport(dealings, wordsSent * sizeof(ulong));
    }

    private static Z2k[] Concatenate(Z2k[][] vectors)
    {
        var all = GC.AllocateUninitializedArray<Z2k>(vectors.Sum(v => v.Length));
        int offset = 0;
        foreach (var v in vectors)
        {
            v.CopyTo(all, offset);
            offset += v.Length;
        }
        return all;
    }

    /// <summary>
    /// Deals one small dealing of every kind under throwaway seeds, while the computing parties set up: the first real
    /// dealings then run compiled code, and party 0's first requests do not wait for the JIT.
    /// </summary>
    private static void Warm(int parties)
    {
        var seeds = Enumerable.Range(0, parties)
            .Select(_ => System.Security.Cryptography.RandomNumberGenerator.GetBytes(AesCtrPrg.SeedSize)).ToArray();
        var masks = new DealtMasks();
        DealRequest[] dealings =
        [
            new(DealKind.Triples, 0, 64),
            new(DealKind.MatrixTriple, 0, 4, 4, 2),
            new(DealKind.MatrixMask, 0, 4, 4),
            new(DealKind.MatrixTripleForMask, 0, 0, 4, 4, 0, 4, 0, 2),
            new(DealKind.MatrixTripleForMask, 0, 0, 4, 4, 0, 4, 1, 2),
            new(DealKind.TruncationMasks, 0, 64, 16),
            new(DealKind.TruncationPowerMasks, 0, 64, 16, 3),
            new(DealKind.BitMasks, 0, 64, 8),
            new(DealKind.PowerMasks, 0, 64, 3),
            new(DealKind.ComparisonMasks, 0, 64, 32, 0),
            new(DealKind.ComparisonMasks, 0, 64, 32, 1),
            new(DealKind.AndTuples, 0, 5, 8),
        ];
        foreach (var dealing in dealings) Concatenate(Deal(dealing, DealRecipe.For(dealing, masks), seeds));
    }

    /// <summary>Sums every party's derived shares (party 0 derives only the free ones) and corrects party 0's dependent ones.</summary>
    private static Z2k[][] Deal(DealRequest request, DealRecipe recipe, byte[][] seeds)
    {
        var sums = DealerArithmetic.Allocate(recipe.All);
        for (int p = 0; p < seeds.Length; p++)
        {
            using var prg = DealerLink.PrgFor(seeds[p], request);
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
public sealed class DealerRequestException(string detail) : PeerException(0,
    $"Party 0 sent a dealing request the dealer refuses: {detail}.")
{
    /// <inheritdoc />
    public override string Reason => $"sent a dealing request the dealer refuses: {detail}";
}

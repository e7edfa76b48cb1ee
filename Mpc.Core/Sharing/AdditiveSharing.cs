using Mpc.Core.Arithmetic;
using Mpc.Core.Random;

namespace Mpc.Core.Sharing;

/// <summary>
/// Additive n-out-of-n secret sharing over any ring: x = x_0 + ... + x_{n-1}. Any n-1 shares are
/// independent and uniform, whatever x is; all n are needed to reconstruct.
/// </summary>
/// <remarks>
/// Share layouts are party-major: for vectors of length L, party p's shares are elements [p*L, (p+1)*L),
/// the same layout an exchange-with-all round delivers.
/// </remarks>
public static class AdditiveSharing
{
    /// <summary>
    /// Splits each secret into <paramref name="partyCount"/> shares, written party-major into <paramref name="shares"/>
    /// (length partyCount * secrets.Length). Parties 1..n-1 get uniform shares; party 0 gets the difference.
    /// </summary>
    public static void Share<T>(ReadOnlySpan<T> secrets, int partyCount, AesCtrPrg prg, Span<T> shares) where T : unmanaged, IRing<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partyCount, 1);
        int length = secrets.Length;
        if (shares.Length != (long)partyCount * length)
            throw new ArgumentException($"Need {partyCount}x{length} share slots, got {shares.Length}.", nameof(shares));

        Span<T> first = shares[..length];
        secrets.CopyTo(first);
        for (int p = 1; p < partyCount; p++)
        {
            Span<T> mine = shares.Slice(p * length, length);
            prg.FillUniform(mine);
            VectorMath.Subtract<T>(first, mine, first);
        }
    }

    /// <summary>Splits each secret into <paramref name="partyCount"/> shares: result[p] is party p's vector.</summary>
    public static T[][] Share<T>(ReadOnlySpan<T> secrets, int partyCount, AesCtrPrg prg) where T : unmanaged, IRing<T>
    {
        var flat = new T[partyCount * secrets.Length];
        Share(secrets, partyCount, prg, flat);
        return Split(flat, partyCount, secrets.Length);
    }

    /// <summary>Sums party-major shares (partyCount vectors of secrets.Length) into <paramref name="secrets"/>.</summary>
    public static void Reconstruct<T>(ReadOnlySpan<T> shares, int partyCount, Span<T> secrets) where T : unmanaged, IRing<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partyCount, 1);
        int length = secrets.Length;
        if (shares.Length != (long)partyCount * length)
            throw new ShareReconstructionException($"Additive reconstruction needs {partyCount} share vectors of length {length} "
                + $"({partyCount * length} elements), got {shares.Length}.");
        shares[..length].CopyTo(secrets);
        for (int p = 1; p < partyCount; p++)
            VectorMath.Add<T>(secrets, shares.Slice(p * length, length), secrets);
    }

    /// <summary>Sums one share vector per party.</summary>
    public static T[] Reconstruct<T>(IReadOnlyList<T[]> shares) where T : unmanaged, IRing<T>
    {
        if (shares.Count == 0) throw new ShareReconstructionException("Additive reconstruction needs the shares of every party; got none.");
        int length = shares[0].Length;
        var secrets = (T[])shares[0].Clone();
        for (int p = 1; p < shares.Count; p++)
        {
            if (shares[p].Length != length)
                throw new ShareReconstructionException(
                    $"Party {p}'s share vector has {shares[p].Length} elements; party 0's has {length}.");
            VectorMath.Add<T>(secrets, shares[p], secrets);
        }
        return secrets;
    }

    internal static T[][] Split<T>(T[] flat, int parts, int length)
    {
        var result = new T[parts][];
        for (int p = 0; p < parts; p++) result[p] = flat.AsSpan(p * length, length).ToArray();
        return result;
    }
}

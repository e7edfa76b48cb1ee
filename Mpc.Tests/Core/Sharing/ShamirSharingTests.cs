using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Tests.Arbitraries;
using static Mpc.Tests.Arbitraries.Elements;

namespace Mpc.Tests.Core.Sharing;

public abstract class ShamirSharingTests<T> where T : unmanaged, IFiniteField<T>
{
    /// <summary>n in 2..10, t in 0..n-1, and a random subset of at least t + 1 parties in random order.</summary>
    private static (int N, int T, int[] Subset) Pick(int seed, byte nByte, byte tByte, int extra)
    {
        var rng = new System.Random(seed); // test-case selection only, never protocol randomness
        int n = 2 + nByte % 9, t = tByte % n;
        int size = Math.Min(n, t + 1 + Math.Abs(extra) % n);
        var subset = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(size).ToArray();
        return (n, t, subset);
    }

    private static T[] Gather(T[][] shares, int[] subset) => subset.SelectMany(p => shares[p]).ToArray();

    [Property(MaxTest = 100)]
    public void Shamir_AnyTPlusOneShares_ReconstructSecret(int seed, byte nByte, byte tByte, int extra, byte lengthByte)
    {
        var (n, t, subset) = Pick(seed, nByte, tByte, extra);
        int length = lengthByte % 40;
        var scheme = new ShamirScheme<T>(n, t);
        var secrets = Vector<T>(seed, length);
        var shares = scheme.Share(secrets, Prg(seed + 1));

        var result = new T[length];
        scheme.Reconstruct(subset, Gather(shares, subset), result);
        Assert.Equal(secrets, result);
        scheme.ReconstructChecked(subset, Gather(shares, subset), result);
        Assert.Equal(secrets, result);
    }

    [Property(MaxTest = 100)]
    public void Shamir_SharesAreLinear(int seed, byte nByte, byte tByte, byte lengthByte)
    {
        var (n, t, _) = Pick(seed, nByte, tByte, 0);
        int length = lengthByte % 30;
        var scheme = new ShamirScheme<T>(n, t);
        T[] x = Vector<T>(seed, length), y = Vector<T>(seed + 1, length);
        T c = Vector<T>(seed + 2, 1)[0];
        var xs = scheme.Share(x, Prg(seed + 3));
        var ys = scheme.Share(y, Prg(seed + 4));
        // c*x + y, share by share.
        var combined = new Dictionary<int, T[]>();
        for (int p = 0; p < n; p++)
        {
            var v = (T[])ys[p].Clone();
            VectorMath.AddScaled<T>(xs[p], c, v);
            combined[p] = v;
        }
        var expected = (T[])y.Clone();
        VectorMath.AddScaled<T>(x, c, expected);
        Assert.Equal(expected, scheme.Reconstruct(combined));
    }

    [Property(MaxTest = 50)]
    public void Shamir_TamperedShare_IsDetectedWhenMoreThanTPlusOneArrive(int seed, byte nByte, byte which)
    {
        int n = 3 + nByte % 8, t = (n - 1) / 2;
        var scheme = new ShamirScheme<T>(n, t);
        var shares = scheme.Share(Vector<T>(seed, 5), Prg(seed + 1));
        int victim = t + 1 + which % (n - t - 1); // a share beyond the first t + 1 used for reconstruction
        shares[victim][which % 5] += T.One;
        var all = Enumerable.Range(0, n).ToArray();
        var ex = Assert.Throws<ShareReconstructionException>(() => scheme.ReconstructChecked(all, Gather(shares, all), new T[5]));
        Assert.Contains($"Party {victim}", ex.Message);
    }

    [Fact]
    public void Shamir_TooFewDuplicateOrUnknownShares_FailClearly()
    {
        var scheme = new ShamirScheme<T>(5, 2);
        var shares = scheme.Share([T.One], Prg(1));
        var tooFew = Assert.Throws<ShareReconstructionException>(() => scheme.Reconstruct([0, 1], Gather(shares, [0, 1]), new T[1]));
        Assert.Contains("at least t + 1 = 3", tooFew.Message);
        var duplicate = Assert.Throws<ShareReconstructionException>(
            () => scheme.Reconstruct([0, 1, 1], Gather(shares, [0, 1, 1]), new T[1]));
        Assert.Contains("Two shares from party 1", duplicate.Message);
        var unknown = Assert.Throws<ShareReconstructionException>(() => scheme.Reconstruct([0, 1, 7], new T[3], new T[1]));
        Assert.Contains("party 7", unknown.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShamirScheme<T>(3, 3));
    }

    [Fact]
    public void Shamir_AnyTShares_AreUniformWhateverTheSecret()
    {
        const int n = 5, t = 2, trials = 12_000;
        var scheme = new ShamirScheme<T>(n, t);
        int bits = (int)(T.Modulus - 1).GetBitLength();
        foreach (var secret in new[] { T.Zero, T.FromInt64(-1), T.FromUInt64(123_456_789) })
        {
            var prg = Prg(99);
            var pairs = from a in Enumerable.Range(0, n) from b in Enumerable.Range(a + 1, n - a - 1) select (a, b);
            var allShares = Enumerable.Range(0, trials).Select(_ => scheme.Share([secret], prg)).ToArray();
            foreach (var (a, b) in pairs)
            {
                var counts = new long[64];
                foreach (var shares in allShares)
                    counts[(int)(Big(shares[a][0]) >> (bits - 3)) * 8 + (int)(Big(shares[b][0]) >> (bits - 3))]++;
                ChiSquare.AssertUniform(counts, $"{typeof(T).Name}: shares of parties {a} and {b}");
            }
        }
    }
}

public sealed class Mersenne61ShamirSharing : ShamirSharingTests<Mersenne61>;
public sealed class Mersenne127ShamirSharing : ShamirSharingTests<Mersenne127>;
public sealed class Gf256ShamirSharing : ShamirSharingTests<Gf256>;

using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Tests.Arbitraries;
using static Mpc.Tests.Arbitraries.Elements;

namespace Mpc.Tests.Core.Sharing;

public abstract class AdditiveSharingTests<T> where T : unmanaged, IRing<T>
{
    [Property(MaxTest = 100)]
    public void Additive_ReconstructOfShare_IsIdentity(int seed, byte nByte, byte lengthByte)
    {
        int n = 2 + nByte % 9, length = lengthByte % 50;
        var secrets = Vector<T>(seed, length);
        var shares = AdditiveSharing.Share<T>(secrets, n, Prg(seed + 1));
        Assert.Equal(n, shares.Length);
        Assert.Equal(secrets, AdditiveSharing.Reconstruct(shares));
    }

    [Property(MaxTest = 100)]
    public void Additive_SumOfShares_ReconstructsSumOfSecrets(int seed, byte nByte, byte lengthByte)
    {
        int n = 2 + nByte % 9, length = lengthByte % 50;
        T[] x = Vector<T>(seed, length), y = Vector<T>(seed + 1, length);
        var xs = AdditiveSharing.Share<T>(x, n, Prg(seed + 2));
        var ys = AdditiveSharing.Share<T>(y, n, Prg(seed + 3));
        var sums = new T[n][];
        for (int p = 0; p < n; p++)
        {
            sums[p] = new T[length];
            VectorMath.Add<T>(xs[p], ys[p], sums[p]);
        }
        var expected = new T[length];
        VectorMath.Add<T>(x, y, expected);
        Assert.Equal(expected, AdditiveSharing.Reconstruct(sums));
    }

    [Fact]
    public void Additive_AnyNMinusOneShares_AreUniformWhateverTheSecret()
    {
        const int n = 4, trials = 12_000;
        int bits = (int)(T.Modulus - 1).GetBitLength();
        foreach (var secret in new[] { T.Zero, T.FromInt64(-1), T.FromUInt64(0x0123_4567_89AB_CDEF) })
        {
            var prg = Prg(42);
            // For every subset that leaves one party out, the joint distribution of the top 2 bits of the other 3 shares.
            for (int excluded = 0; excluded < n; excluded++)
            {
                var counts = new long[64];
                for (int trial = 0; trial < trials; trial++)
                {
                    var shares = AdditiveSharing.Share<T>([secret], n, prg);
                    int cell = 0;
                    for (int p = 0; p < n; p++)
                        if (p != excluded) cell = cell * 4 + (int)(Big(shares[p][0]) >> (bits - 2));
                    counts[cell]++;
                }
                ChiSquare.AssertUniform(counts, $"{typeof(T).Name}: shares without party {excluded}");
            }
        }
    }

    [Fact]
    public void Additive_ReconstructWithMissingShares_FailsClearly()
    {
        var ex = Assert.Throws<ShareReconstructionException>(() => AdditiveSharing.Reconstruct<T>(new T[5], 3, new T[2]));
        Assert.Contains("3 share vectors", ex.Message);
    }
}

public sealed class Z2kAdditiveSharing : AdditiveSharingTests<Z2k>;
public sealed class Z2k128AdditiveSharing : AdditiveSharingTests<Z2k128>;
public sealed class Mersenne61AdditiveSharing : AdditiveSharingTests<Mersenne61>;
public sealed class Mersenne127AdditiveSharing : AdditiveSharingTests<Mersenne127>;

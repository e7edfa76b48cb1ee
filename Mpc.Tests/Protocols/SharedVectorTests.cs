using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Tests.Protocols;

/// <summary>The local rearrangements of shares: each value lands where the rearrangement says.</summary>
public sealed class SharedVectorTests
{
    private static SharedVector<Z2k> Of(params long[] values) => SharedVector<Z2k>.FromShares([.. values.Select(Z2k.FromInt64)]);

    private static long[] Values(SharedVector<Z2k> x) => [.. x.LocalShares.ToArray().Select(v => (long)Z2k.ToSignedInt128(v))];

    [Fact]
    public void SelectRows_TakesWholeRowsInTheOrderGiven()
    {
        var matrix = Of(1, 2, 3, 10, 20, 30, 100, 200, 300); // 3 x 3, row-major
        Assert.Equal([100, 200, 300, 1, 2, 3, 100, 200, 300], Values(matrix.SelectRows([2, 0, 2], 3)));
        Assert.Empty(Values(matrix.SelectRows([], 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.SelectRows([3], 3));
    }

    [Fact]
    public void RepeatEach_RepeatsEveryValueInARow()
    {
        Assert.Equal([5, 5, 5, -7, -7, -7], Values(Of(5, -7).RepeatEach(3)));
        Assert.Equal([5, -7], Values(Of(5, -7).RepeatEach(1)));
        Assert.Empty(Values(Of(5, -7).RepeatEach(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Of(5).RepeatEach(-1));
    }
}

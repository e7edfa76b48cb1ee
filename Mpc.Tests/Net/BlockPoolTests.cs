using System.Runtime.InteropServices;
using Mpc.Net.Internal;

namespace Mpc.Tests.Net;

public sealed class BlockPoolTests
{
    [Fact]
    public void ReturnedBlocks_AreRentedAgain_UpToTheRetainedCount()
    {
        using var pool = new BlockPool(retainedBlocks: 2);
        var owners = Enumerable.Range(0, 3).Select(_ => pool.Rent(100)).ToArray();
        Assert.All(owners, o => Assert.Equal(BlockPool.BlockSize, o.Memory.Length));
        var arrays = owners.Select(ArrayOf).ToArray();
        Assert.Equal(3, arrays.Distinct().Count());
        foreach (var o in owners) o.Dispose();
        Assert.Equal(2, pool.BlocksRetained);

        var again = new[] { pool.Rent(), pool.Rent(), pool.Rent() };
        Assert.Equal(2, again.Select(ArrayOf).Count(arrays.Contains));
        Assert.Equal(4, pool.BlocksCreated);
    }

    [Fact]
    public void ABlock_IsReturnedOnce_AndUnusableAfterDispose()
    {
        using var pool = new BlockPool(retainedBlocks: 4);
        var owner = pool.Rent();
        owner.Dispose();
        owner.Dispose();
        Assert.Equal(1, pool.BlocksRetained);
        Assert.Throws<ObjectDisposedException>(() => owner.Memory);
    }

    [Fact]
    public void RentingMoreThanABlock_IsRefused()
    {
        using var pool = new BlockPool(retainedBlocks: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(BlockPool.BlockSize + 1));
    }

    private static byte[] ArrayOf(System.Buffers.IMemoryOwner<byte> owner) =>
        MemoryMarshal.TryGetArray<byte>(owner.Memory, out var segment)
            ? segment.Array!
            : throw new InvalidOperationException("not an array");
}

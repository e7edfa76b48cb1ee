using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>
/// The memory of one link's input pipe: fixed 64 KiB blocks (small enough for the small-object heap), kept for reuse
/// up to <paramref name="retainedBlocks"/> of them. A bulk transfer passes hundreds of megabytes through the pipe; with
/// its blocks coming back, it allocates (and the GC collects) almost nothing.
/// </summary>
/// <param name="retainedBlocks">Returned blocks beyond this many are left to the GC.</param>
internal sealed class BlockPool(int retainedBlocks) : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    private readonly Stack<byte[]> _free = new();
    private readonly Lock _gate = new();
    private long _created;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks allocated so far (the rest of the rents reused a returned one).</summary>
    public long BlocksCreated => Interlocked.Read(ref _created);

    /// <summary>Returned blocks waiting for reuse.</summary>
    public int BlocksRetained
    {
        get { lock (_gate) return _free.Count; }
    }

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"Blocks have {BlockSize} bytes.");
        byte[]? block;
        lock (_gate) _free.TryPop(out block);
        if (block is null)
        {
            Interlocked.Increment(ref _created);
            block = GC.AllocateUninitializedArray<byte>(BlockSize);
        }
        return new Block(this, block);
    }

    private void Return(byte[] block)
    {
        lock (_gate)
        {
            if (_free.Count < retainedBlocks) _free.Push(block);
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_gate) _free.Clear();
    }

    private sealed class Block(BlockPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } a) pool.Return(a);
        }
    }
}

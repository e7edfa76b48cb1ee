using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>A received payload in an <see cref="ArrayPool{T}"/> array, returned to the pool on dispose.</summary>
internal sealed class PooledFrame : IMemoryOwner<byte>
{
    private byte[]? _array;
    private readonly int _length;

    private PooledFrame(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    public static PooledFrame Rent(int length) =>
        new(length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length), length);

    public static PooledFrame CopyOf(ReadOnlySpan<byte> payload)
    {
        var frame = Rent(payload.Length);
        payload.CopyTo(frame._array);
        return frame;
    }

    public int Length => _length;

    public Memory<byte> Memory => _array is { } a ? a.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(PooledFrame));

    public Span<byte> Span => _array is { } a ? a.AsSpan(0, _length) : throw new ObjectDisposedException(nameof(PooledFrame));

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 }) ArrayPool<byte>.Shared.Return(array);
    }
}

using System.Buffers;
using System.Runtime.InteropServices;

namespace Mpc.Net.Internal;

/// <summary>Views a <see cref="Memory{T}"/> of unmanaged elements as bytes (their in-memory, little-endian representation).</summary>
internal sealed class CastMemoryManager<T>(Memory<T> source) : MemoryManager<byte>
    where T : unmanaged
{
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(source.Span);

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = source.Pin();
        return new MemoryHandle((byte*)handle.Pointer + elementIndex, default, new Unpinner(handle));
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }

    private sealed class Unpinner(MemoryHandle handle) : IPinnable
    {
        private MemoryHandle _handle = handle;
        public MemoryHandle Pin(int elementIndex) => throw new NotSupportedException();
        public void Unpin() => _handle.Dispose();
    }

    public static Memory<byte> AsBytes(Memory<T> memory) =>
        typeof(T) == typeof(byte) ? (Memory<byte>)(object)memory : new CastMemoryManager<T>(memory).Memory;
}

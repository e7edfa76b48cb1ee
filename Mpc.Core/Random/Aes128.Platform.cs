using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core.Blocks;

namespace Mpc.Core.Random;

/// <summary>The fallback: the platform AES in ECB mode, one call per batch to amortise its per-call cost.</summary>
public sealed partial class Aes128
{
    private static System.Security.Cryptography.Aes CreatePlatform(ReadOnlySpan<byte> key)
    {
        var aes = System.Security.Cryptography.Aes.Create();
        byte[] keyBytes = key.ToArray();
        try
        {
            aes.Key = keyBytes;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBytes);
        }
        return aes;
    }

    private void EncryptBlocksPlatform(ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        ReadOnlySpan<byte> input = MemoryMarshal.AsBytes(source);
        _platform!.EncryptEcb(input, MemoryMarshal.AsBytes(destination)[..input.Length], PaddingMode.None);
    }

    private void KeystreamPlatform(UInt128 counter, Span<Block128> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = CounterBlock(counter);
            counter = unchecked(counter + 1);
        }
        EncryptBlocksPlatform(destination, destination);
    }

    /// <summary>The 128-bit big-endian encoding of <paramref name="counter"/> as a block.</summary>
    internal static Block128 CounterBlock(UInt128 counter) => new(
        BinaryPrimitives.ReverseEndianness((ulong)(counter >> 64)),
        BinaryPrimitives.ReverseEndianness((ulong)counter));
}

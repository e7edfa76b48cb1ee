using System.Security.Cryptography;
using System.Text;

namespace Mpc.Ml.Internal;

/// <summary>128-bit SHA-256 digests of string lists, as two longs that fit every suite's public values.</summary>
internal static class Hashing
{
    public static (long, long) OfStrings(IEnumerable<string> items)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var item in items)
        {
            var bytes = Encoding.UTF8.GetBytes(item);
            BitConverter.TryWriteBytes(length, bytes.Length); // length-prefixed: ["ab", "c"] and ["a", "bc"] differ
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        var digest = hash.GetHashAndReset();
        return (BitConverter.ToInt64(digest, 0) >>> 1, BitConverter.ToInt64(digest, 8) >>> 1); // 63 bits each: positive in every ring
    }
}

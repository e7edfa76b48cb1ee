using System.Runtime.CompilerServices;
using Mpc.Core.Blocks;

namespace Mpc.Core.Random;

/// <summary>
/// AES-128 under a fixed public key as a random permutation π, and the correlation-robust hashes built
/// from it for garbling and OT extension.
/// </summary>
/// <remarks>
/// <para>
/// C. Guo, J. Katz, X. Wang, Y. Yu, "Efficient and Secure Multiparty Computation from Fixed-Key Block Ciphers",
/// IEEE S&amp;P 2020 (ePrint 2019/074): <see cref="CrHash(Block128)"/> is correlation robust (CR),
/// <see cref="CcrHash(Block128)"/> circular correlation robust (CCR), <see cref="TccrHash(Block128, Block128)"/>
/// tweakable CCR (TCCR), in the random-permutation model: their security rests on π being an ideal permutation, not on
/// the key (<see cref="Key"/>, public and constant) being secret. Local: no rounds. Derivation:
/// docs/protocols.md#fixed-key-aes-hashes.
/// </para>
/// <para>
/// Batched methods pipeline eight blocks through AES-NI and accept a destination that is the same memory as the source.
/// </para>
/// </remarks>
public static partial class FixedKeyAes
{
    private const int PlatformChunk = 64;

    private static readonly Aes128 s_permutation = new(Key);

    /// <summary>
    /// The fixed key: the first 128 bits of the fractional part of π (0x243f6a8885a308d313198a2e03707344),
    /// a nothing-up-my-sleeve constant.
    /// </summary>
    public static ReadOnlySpan<byte> Key =>
        [0x24, 0x3f, 0x6a, 0x88, 0x85, 0xa3, 0x08, 0xd3, 0x13, 0x19, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x44];

    /// <summary>Whether π runs on AES-NI, so fused kernels may use <see cref="RoundKeys"/>.</summary>
    internal static bool UsesHardware => s_permutation.UsesHardware;

    /// <summary>π's key schedule for fused AES-NI kernels elsewhere (the garbling cores); empty without AES-NI.</summary>
    internal static ReadOnlySpan<System.Runtime.Intrinsics.Vector128<byte>> RoundKeys => s_permutation.RoundKeys;

    /// <summary>π(x): AES-128 under <see cref="Key"/>.</summary>
    public static Block128 Permute(Block128 x) => s_permutation.Encrypt(x);

    /// <summary>π over a batch; <paramref name="destination"/> may be the same memory as <paramref name="source"/>.</summary>
    public static void Permute(ReadOnlySpan<Block128> source, Span<Block128> destination) =>
        s_permutation.EncryptBlocks(source, destination);

    /// <summary>The orthomorphism σ(x_L || x_R) = (x_L ⊕ x_R) || x_L, with x_L the high half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 Sigma(Block128 x) => new(x.High, x.High ^ x.Low);

    /// <summary>The correlation-robust hash π(x) ⊕ x.</summary>
    public static Block128 CrHash(Block128 x) => Permute(x) ^ x;

    /// <summary>The circular correlation-robust hash π(σ(x)) ⊕ σ(x).</summary>
    public static Block128 CcrHash(Block128 x)
    {
        Block128 s = Sigma(x);
        return Permute(s) ^ s;
    }

    /// <summary>The tweakable circular correlation-robust hash π(π(x) ⊕ tweak) ⊕ π(x).</summary>
    public static Block128 TccrHash(Block128 x, Block128 tweak)
    {
        Block128 p = Permute(x);
        return Permute(p ^ tweak) ^ p;
    }

    /// <summary><c>destination[j] = CrHash(source[j])</c>.</summary>
    public static void CrHash(ReadOnlySpan<Block128> source, Span<Block128> destination) =>
        CrHash(s_permutation, source, destination);

    /// <summary><c>destination[j] = CcrHash(source[j])</c>.</summary>
    public static void CcrHash(ReadOnlySpan<Block128> source, Span<Block128> destination) =>
        CcrHash(s_permutation, source, destination);

    /// <summary><c>destination[j] = TccrHash(source[j], tweaks[j])</c>.</summary>
    public static void TccrHash(ReadOnlySpan<Block128> source, ReadOnlySpan<Block128> tweaks, Span<Block128> destination) =>
        TccrHash(s_permutation, source, default, tweaks, destination);

    /// <summary><c>destination[j] = TccrHash(source[j] ⊕ offset, tweaks[j])</c>.</summary>
    public static void TccrHash(ReadOnlySpan<Block128> source, Block128 offset, ReadOnlySpan<Block128> tweaks,
        Span<Block128> destination) =>
        TccrHash(s_permutation, source, offset, tweaks, destination);

    /// <summary>
    /// <c>destination[j] = TccrHash(source[j], new Block128(firstTweak + j, 0))</c> (the addition wraps
    /// modulo 2^64): consecutive indices as tweaks, as for the gates of a circuit or the rows of an OT batch.
    /// </summary>
    public static void TccrHash(ReadOnlySpan<Block128> source, ulong firstTweak, Span<Block128> destination) =>
        TccrHash(s_permutation, source, default, firstTweak, destination);

    /// <summary>
    /// <c>destination[j] = TccrHash(source[j] ⊕ offset, new Block128(firstTweak + j, 0))</c>: the hashes of a batch
    /// shifted by one offset (an OT sender's q_j ⊕ Δ) without a pass to shift it first.
    /// </summary>
    public static void TccrHash(ReadOnlySpan<Block128> source, Block128 offset, ulong firstTweak, Span<Block128> destination) =>
        TccrHash(s_permutation, source, offset, firstTweak, destination);

    /// <summary>The batched CR hash over any permutation instance (tests pass a platform-backed one).</summary>
    internal static void CrHash(Aes128 pi, ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        CheckDestination(source, destination);
        if (pi.UsesHardware)
        {
            CrHashX86(pi.RoundKeys, source, destination);
            return;
        }
        Span<Block128> permuted = stackalloc Block128[PlatformChunk];
        for (int start = 0; start < source.Length; start += PlatformChunk)
        {
            int n = Math.Min(PlatformChunk, source.Length - start);
            ReadOnlySpan<Block128> x = source.Slice(start, n);
            pi.EncryptBlocks(x, permuted[..n]);
            XorInto(permuted[..n], x, destination.Slice(start, n));
        }
    }

    /// <summary>The batched CCR hash over any permutation instance.</summary>
    internal static void CcrHash(Aes128 pi, ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        CheckDestination(source, destination);
        if (pi.UsesHardware)
        {
            CcrHashX86(pi.RoundKeys, source, destination);
            return;
        }
        Span<Block128> sigma = stackalloc Block128[PlatformChunk];
        Span<Block128> permuted = stackalloc Block128[PlatformChunk];
        for (int start = 0; start < source.Length; start += PlatformChunk)
        {
            int n = Math.Min(PlatformChunk, source.Length - start);
            for (int j = 0; j < n; j++)
            {
                sigma[j] = Sigma(source[start + j]);
            }
            pi.EncryptBlocks(sigma[..n], permuted[..n]);
            XorInto(permuted[..n], sigma[..n], destination.Slice(start, n));
        }
    }

    /// <summary>The batched TCCR hash of offset inputs with one tweak per block, over any permutation instance.</summary>
    internal static void TccrHash(Aes128 pi, ReadOnlySpan<Block128> source, Block128 offset,
        ReadOnlySpan<Block128> tweaks, Span<Block128> destination)
    {
        CheckDestination(source, destination);
        if (tweaks.Length != source.Length)
        {
            throw new ArgumentException($"{source.Length} blocks to hash but {tweaks.Length} tweaks.", nameof(tweaks));
        }
        if (pi.UsesHardware)
        {
            TccrHashX86(pi.RoundKeys, source, offset, tweaks, destination);
            return;
        }
        TccrHashPlatform(pi, source, tweaks, offset, 0, destination);
    }

    /// <summary>The batched TCCR hash of offset inputs with consecutive tweaks, over any permutation instance.</summary>
    internal static void TccrHash(Aes128 pi, ReadOnlySpan<Block128> source, Block128 offset, ulong firstTweak, Span<Block128> destination)
    {
        CheckDestination(source, destination);
        if (pi.UsesHardware)
        {
            TccrHashX86(pi.RoundKeys, source, offset, firstTweak, destination);
            return;
        }
        TccrHashPlatform(pi, source, [], offset, firstTweak, destination);
    }

    /// <summary>
    /// TCCR on the platform AES of <c>source[j] ⊕ offset</c>; tweaks from <paramref name="tweaks"/> if given, else
    /// counting from <paramref name="firstTweak"/>.
    /// </summary>
    private static void TccrHashPlatform(Aes128 pi, ReadOnlySpan<Block128> source, ReadOnlySpan<Block128> tweaks, Block128 offset,
        ulong firstTweak, Span<Block128> destination)
    {
        Span<Block128> permuted = stackalloc Block128[PlatformChunk];
        Span<Block128> second = stackalloc Block128[PlatformChunk];
        for (int start = 0; start < source.Length; start += PlatformChunk)
        {
            int n = Math.Min(PlatformChunk, source.Length - start);
            for (int j = 0; j < n; j++)
            {
                permuted[j] = source[start + j] ^ offset;
            }
            pi.EncryptBlocks(permuted[..n]);
            for (int j = 0; j < n; j++)
            {
                Block128 tweak = tweaks.IsEmpty ? new Block128(unchecked(firstTweak + (ulong)(start + j)), 0) : tweaks[start + j];
                second[j] = permuted[j] ^ tweak;
            }
            pi.EncryptBlocks(second[..n]);
            XorInto(second[..n], permuted[..n], destination.Slice(start, n));
        }
    }

    private static void XorInto(ReadOnlySpan<Block128> a, ReadOnlySpan<Block128> b, Span<Block128> destination)
    {
        for (int j = 0; j < a.Length; j++)
        {
            destination[j] = a[j] ^ b[j];
        }
    }

    private static void CheckDestination(ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} blocks, fewer than the {source.Length} to hash.", nameof(destination));
        }
        if (source.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException("Source and destination overlap without being the same memory.", nameof(destination));
        }
    }
}

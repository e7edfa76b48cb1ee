using System.Runtime.InteropServices;
using Mpc.Core.Random;

namespace Mpc.Core.Arithmetic;

/// <summary>Uniform ring and field elements drawn from a PRG, with no modulo bias.</summary>
public static class UniformSampling
{
    /// <summary>
    /// Fills <paramref name="destination"/> with independent uniform elements. Rings mod 2^k use the keystream
    /// as it is; prime fields mask to the modulus' bit length and redraw the (rare) out-of-range values.
    /// </summary>
    public static void FillUniform<T>(this AesCtrPrg prg, Span<T> destination) where T : unmanaged, IRing<T>
    {
        prg.Fill(MemoryMarshal.AsBytes(destination));
        if (T.EveryBitPatternIsElement) return;
        for (int i = 0; i < destination.Length; i++)
        {
            while (!T.TryMakeUniform(ref destination[i]))
                prg.Fill(MemoryMarshal.AsBytes(destination.Slice(i, 1)));
        }
    }

    /// <summary>One uniform element.</summary>
    public static T NextUniform<T>(this AesCtrPrg prg) where T : unmanaged, IRing<T>
    {
        Span<T> one = stackalloc T[1];
        prg.FillUniform(one);
        return one[0];
    }

    /// <summary>A new array of <paramref name="length"/> uniform elements.</summary>
    public static T[] NextUniformArray<T>(this AesCtrPrg prg, int length) where T : unmanaged, IRing<T>
    {
        var values = new T[length];
        prg.FillUniform<T>(values);
        return values;
    }
}

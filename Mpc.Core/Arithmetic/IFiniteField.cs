using System.Numerics;

namespace Mpc.Core.Arithmetic;

/// <summary>
/// A finite field: a ring in which every non-zero element has an inverse. Shamir sharing and pseudo-random sharing
/// need no more than this (prime fields for arithmetic, <see cref="Gf256"/> for bits).
/// </summary>
public interface IFiniteField<T> : IRing<T>, IDivisionOperators<T, T, T>
    where T : unmanaged, IFiniteField<T>
{
    /// <summary>The multiplicative inverse; zero has none and raises <see cref="DivideByZeroException"/>.</summary>
    static abstract T Inverse(T value);

    /// <summary>
    /// The <paramref name="index"/>-th element of a fixed list of distinct non-zero elements (index from 0 to
    /// Modulus - 2): Shamir's evaluation points. <c>index + 1</c> in a prime field.
    /// </summary>
    static abstract T NonZeroElement(int index);

    /// <summary><paramref name="value"/> raised to <paramref name="exponent"/> (0^0 = 1), by square and multiply.</summary>
    static virtual T Pow(T value, UInt128 exponent)
    {
        var result = T.One;
        var power = value;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0) result *= power;
            power *= power;
            exponent >>= 1;
        }
        return result;
    }
}

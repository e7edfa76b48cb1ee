using System.Numerics;

namespace Mpc.Core.Arithmetic;

/// <summary>A prime field: a ring in which every non-zero element has an inverse.</summary>
public interface IPrimeField<T> : IRing<T>, IDivisionOperators<T, T, T>
    where T : unmanaged, IPrimeField<T>
{
    /// <summary>The multiplicative inverse; zero has none and raises <see cref="DivideByZeroException"/>.</summary>
    static abstract T Inverse(T value);

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

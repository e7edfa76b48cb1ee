namespace Mpc.Core.Arithmetic.Internal;

/// <summary>Reaches the default members of <see cref="IPrimeField{T}"/> from the implementing types themselves.</summary>
internal static class PrimeFieldCalls
{
    public static T Pow<T>(T value, UInt128 exponent) where T : unmanaged, IPrimeField<T> => T.Pow(value, exponent);
}

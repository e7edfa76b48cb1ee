namespace Mpc.Core.Arithmetic.Internal;

/// <summary>Reaches the default members of <see cref="IFiniteField{T}"/> from the implementing types themselves.</summary>
internal static class PrimeFieldCalls
{
    public static T Pow<T>(T value, UInt128 exponent) where T : unmanaged, IFiniteField<T> => T.Pow(value, exponent);
}

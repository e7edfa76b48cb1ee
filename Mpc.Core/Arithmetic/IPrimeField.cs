namespace Mpc.Core.Arithmetic;

/// <summary>
/// A prime field Z/p: a finite field whose elements are the integers modulo p, so that fixed-point values embed in it
/// through <see cref="IRing{T}.FromInt128"/> and <see cref="IRing{T}.ToSignedInt128"/>.
/// </summary>
public interface IPrimeField<T> : IFiniteField<T>
    where T : unmanaged, IPrimeField<T>;

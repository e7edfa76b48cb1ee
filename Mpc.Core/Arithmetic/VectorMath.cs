using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Core.Arithmetic;

/// <summary>
/// Elementwise and linear-algebra kernels over spans of ring elements. Rings with a SIMD form
/// (<see cref="Z2k"/>, <see cref="Z2kPair"/> for componentwise sums and products, <see cref="Mersenne61"/> for linear
/// operations, <see cref="Gf256"/> for sums and products by constants) take a vectorised path; every other ring
/// and every remainder takes the scalar path, which is also the reference the SIMD path is tested against.
/// </summary>
/// <remarks>
/// A destination may be the same span as an input (in-place), but must not partially overlap one.
/// The <c>typeof(T) == typeof(...)</c> tests are constants to the JIT, so each instantiation keeps one path.
/// </remarks>
public static partial class VectorMath
{
    /// <summary>destination[i] = a[i] + b[i].</summary>
    public static void Add<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination) where T : unmanaged, IRing<T>
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        if (typeof(T) == typeof(Z2k) || typeof(T) == typeof(Z2kPair)) { Simd.AddU64(AsU64(a), AsU64(b), AsU64(destination)); return; }
        if (typeof(T) == typeof(Mersenne61)) { Simd.AddMod61(AsU64(a), AsU64(b), AsU64(destination)); return; }
        if (typeof(T) == typeof(Gf256)) { Gf256Kernels.Xor(AsBytes(a), AsBytes(b), AsBytes(destination)); return; }
        for (int i = 0; i < destination.Length; i++) destination[i] = a[i] + b[i];
    }

    /// <summary>destination[i] = a[i] - b[i].</summary>
    public static void Subtract<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination) where T : unmanaged, IRing<T>
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        if (typeof(T) == typeof(Z2k) || typeof(T) == typeof(Z2kPair)) { Simd.SubtractU64(AsU64(a), AsU64(b), AsU64(destination)); return; }
        if (typeof(T) == typeof(Mersenne61)) { Simd.SubtractMod61(AsU64(a), AsU64(b), AsU64(destination)); return; }
        if (typeof(T) == typeof(Gf256)) { Gf256Kernels.Xor(AsBytes(a), AsBytes(b), AsBytes(destination)); return; }
        for (int i = 0; i < destination.Length; i++) destination[i] = a[i] - b[i];
    }

    /// <summary>destination[i] = -a[i].</summary>
    public static void Negate<T>(ReadOnlySpan<T> a, Span<T> destination) where T : unmanaged, IRing<T>
    {
        CheckLengths(a.Length, destination.Length);
        for (int i = 0; i < destination.Length; i++) destination[i] = -a[i];
    }

    /// <summary>destination[i] = a[i] * b[i].</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination) where T : unmanaged, IRing<T>
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        if (typeof(T) == typeof(Z2k) || typeof(T) == typeof(Z2kPair)) { Simd.MultiplyU64(AsU64(a), AsU64(b), AsU64(destination)); return; }
        if (typeof(T) == typeof(Gf256)) { Gf256Kernels.Multiply(AsBytes(a), AsBytes(b), AsBytes(destination)); return; }
        for (int i = 0; i < destination.Length; i++) destination[i] = a[i] * b[i];
    }

    /// <summary>destination[i] = scalar * a[i].</summary>
    public static void Scale<T>(ReadOnlySpan<T> a, T scalar, Span<T> destination) where T : unmanaged, IRing<T>
    {
        CheckLengths(a.Length, destination.Length);
        if (typeof(T) == typeof(Z2k)) { Simd.ScaleU64(AsU64(a), Unsafe.As<T, ulong>(ref scalar), AsU64(destination)); return; }
        if (typeof(T) == typeof(Gf256))
        {
            Gf256Kernels.MultiplyByConstant(AsBytes(a), Unsafe.As<T, byte>(ref scalar), AsBytes(destination), accumulate: false);
            return;
        }
        for (int i = 0; i < destination.Length; i++) destination[i] = scalar * a[i];
    }

    /// <summary>accumulator[i] += scalar * x[i] (the axpy of BLAS).</summary>
    public static void AddScaled<T>(ReadOnlySpan<T> x, T scalar, Span<T> accumulator) where T : unmanaged, IRing<T>
    {
        CheckLengths(x.Length, accumulator.Length);
        if (typeof(T) == typeof(Z2k)) { Simd.AddScaledU64(AsU64(x), Unsafe.As<T, ulong>(ref scalar), AsU64(accumulator)); return; }
        if (typeof(T) == typeof(Gf256))
        {
            Gf256Kernels.MultiplyByConstant(AsBytes(x), Unsafe.As<T, byte>(ref scalar), AsBytes(accumulator), accumulate: true);
            return;
        }
        if (typeof(T) == typeof(Mersenne127))
        {
            Mersenne127Kernels.AddScaled(MemoryMarshal.Cast<T, UInt128>(x), Unsafe.As<T, UInt128>(ref scalar),
                MemoryMarshal.Cast<T, UInt128>(accumulator));
            return;
        }
        for (int i = 0; i < accumulator.Length; i++) accumulator[i] += scalar * x[i];
    }

    /// <summary>The sum of a[i] * b[i].</summary>
    public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IRing<T>
    {
        CheckLengths(a.Length, b.Length);
        if (typeof(T) == typeof(Z2k))
        {
            ulong d = Simd.DotU64(AsU64(a), AsU64(b));
            return Unsafe.As<ulong, T>(ref d);
        }
        T sum = T.Zero;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// destination = a * b for row-major matrices: a is rows x inner, b is inner x columns, destination is rows x columns.
    /// </summary>
    public static void MatrixMultiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, int rows, int inner, int columns)
        where T : unmanaged, IRing<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (a.Length != (long)rows * inner)
            throw new ArgumentException($"Left matrix has {a.Length} elements, expected {rows}x{inner}.", nameof(a));
        if (b.Length != (long)inner * columns)
            throw new ArgumentException($"Right matrix has {b.Length} elements, expected {inner}x{columns}.", nameof(b));
        if (destination.Length != (long)rows * columns)
            throw new ArgumentException($"Destination has {destination.Length} elements, expected {rows}x{columns}.", nameof(destination));
        if (destination.Overlaps(a) || destination.Overlaps(b))
            throw new ArgumentException("The product cannot be written over an operand.", nameof(destination));

        destination.Clear();
        // i-k-j order: the inner loop streams a row of b into a row of the result (an axpy), cache and SIMD friendly.
        for (int i = 0; i < rows; i++)
        {
            Span<T> row = destination.Slice(i * columns, columns);
            ReadOnlySpan<T> aRow = a.Slice(i * inner, inner);
            for (int k = 0; k < inner; k++)
                AddScaled(b.Slice(k * columns, columns), aRow[k], row);
        }
    }

    /// <summary>
    /// destination = a^T * b for row-major matrices, without forming a^T: a is rows x inner (so a^T is inner x rows),
    /// b is rows x columns, destination is inner x columns.
    /// </summary>
    public static void TransposedMatrixMultiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination,
        int rows, int inner, int columns)
        where T : unmanaged, IRing<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (a.Length != (long)rows * inner)
            throw new ArgumentException($"Left matrix has {a.Length} elements, expected {rows}x{inner}.", nameof(a));
        if (b.Length != (long)rows * columns)
            throw new ArgumentException($"Right matrix has {b.Length} elements, expected {rows}x{columns}.", nameof(b));
        if (destination.Length != (long)inner * columns)
            throw new ArgumentException($"Destination has {destination.Length} elements, expected {inner}x{columns}.", nameof(destination));
        if (destination.Overlaps(a) || destination.Overlaps(b))
            throw new ArgumentException("The product cannot be written over an operand.", nameof(destination));

        destination.Clear();
        // Row i of a scatters into every row of the result: row k += a[i, k] * (row i of b), an axpy each.
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<T> aRow = a.Slice(i * inner, inner);
            ReadOnlySpan<T> bRow = b.Slice(i * columns, columns);
            for (int k = 0; k < inner; k++)
                AddScaled(bRow, aRow[k], destination.Slice(k * columns, columns));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<ulong> AsU64<T>(ReadOnlySpan<T> span) where T : unmanaged => MemoryMarshal.Cast<T, ulong>(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<ulong> AsU64<T>(Span<T> span) where T : unmanaged => MemoryMarshal.Cast<T, ulong>(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> AsBytes<T>(ReadOnlySpan<T> span) where T : unmanaged => MemoryMarshal.AsBytes(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<byte> AsBytes<T>(Span<T> span) where T : unmanaged => MemoryMarshal.AsBytes(span);

    private static void CheckLengths(int a, int b)
    {
        if (a != b) ThrowLengthMismatch(a, b);
    }

    private static void CheckLengths(int a, int b, int c)
    {
        if (a != b || a != c) ThrowLengthMismatch(a, b, c);
    }

    private static void ThrowLengthMismatch(params int[] lengths) =>
        throw new ArgumentException($"Vector lengths differ: {string.Join(", ", lengths)}.");
}

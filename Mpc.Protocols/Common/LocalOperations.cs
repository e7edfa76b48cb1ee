using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Common;

/// <summary>
/// The operations that are the same local step in every linear sharing scheme. An actively secure suite's MACs are
/// shares of r x, so the same step applies to them: they come along when the operands carry them.
/// </summary>
internal static class LocalOperations
{
    public static SharedVector<T> Add<T>(SharedVector<T> x, SharedVector<T> y) where T : unmanaged, IRing<T> =>
        Both(x, y, static (a, b, z) => VectorMath.Add<T>(a, b, z));

    public static SharedVector<T> Subtract<T>(SharedVector<T> x, SharedVector<T> y) where T : unmanaged, IRing<T> =>
        Both(x, y, static (a, b, z) => VectorMath.Subtract<T>(a, b, z));

    public static SharedVector<T> MultiplyPublic<T>(SharedVector<T> x, ReadOnlySpan<T> c) where T : unmanaged, IRing<T>
    {
        var z = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Multiply<T>(x.Shares, c, z);
        if (x.Macs is null) return new(z);
        var macs = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Multiply<T>(x.Macs, c, macs);
        return new(z, macs);
    }

    public static SharedVector<T> Scale<T>(SharedVector<T> x, T c) where T : unmanaged, IRing<T>
    {
        var z = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Scale<T>(x.Shares, c, z);
        if (x.Macs is null) return new(z);
        var macs = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Scale<T>(x.Macs, c, macs);
        return new(z, macs);
    }

    // z = op(x, y) on the shares, and on the MACs when both carry them.
    private static SharedVector<T> Both<T>(SharedVector<T> x, SharedVector<T> y, SpanOperation<T> operation)
        where T : unmanaged, IRing<T>
    {
        var z = GC.AllocateUninitializedArray<T>(x.Length);
        operation(x.Shares, y.Shares, z);
        if (x.Macs is null || y.Macs is null) return new(z);
        var macs = GC.AllocateUninitializedArray<T>(x.Length);
        operation(x.Macs, y.Macs, macs);
        return new(z, macs);
    }

    private delegate void SpanOperation<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination);
}

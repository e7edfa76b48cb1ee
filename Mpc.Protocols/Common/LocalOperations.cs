using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Common;

/// <summary>The operations that are the same local step in every linear sharing scheme.</summary>
internal static class LocalOperations
{
    public static SharedVector<T> Add<T>(SharedVector<T> x, SharedVector<T> y) where T : unmanaged, IRing<T>
    {
        var z = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Add<T>(x.Shares, y.Shares, z);
        return new(z);
    }

    public static SharedVector<T> Subtract<T>(SharedVector<T> x, SharedVector<T> y) where T : unmanaged, IRing<T>
    {
        var z = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Subtract<T>(x.Shares, y.Shares, z);
        return new(z);
    }

    public static SharedVector<T> MultiplyPublic<T>(SharedVector<T> x, ReadOnlySpan<T> c) where T : unmanaged, IRing<T>
    {
        var z = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Multiply<T>(x.Shares, c, z);
        return new(z);
    }

    public static SharedVector<T> Scale<T>(SharedVector<T> x, T c) where T : unmanaged, IRing<T>
    {
        var z = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Scale<T>(x.Shares, c, z);
        return new(z);
    }
}

using BenchmarkDotNet.Attributes;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;

namespace Mpc.Bench.Core;

/// <summary>
/// Elementwise multiplication of two 1M-element vectors in each ring and field, against a plain
/// <c>ulong</c> loop (the floor: what any 64-bit multiply costs with no reduction and no SIMD).
/// Times are per element (OperationsPerInvoke), so 1 / time is multiplications per second.
/// </summary>
[MemoryDiagnoser]
public class ArithmeticBenchmarks
{
    private const int Size = 1 << 20;

    private ulong[] _a = [], _b = [], _d = [];
    private Z2k[] _za = [], _zb = [], _zd = [];
    private Z2k128[] _wa = [], _wb = [], _wd = [];
    private Mersenne61[] _ma = [], _mb = [], _md = [];
    private Mersenne127[] _pa = [], _pb = [], _pd = [];

    [GlobalSetup]
    public void Setup()
    {
        using var prg = new AesCtrPrg(new byte[16]);
        _za = prg.NextUniformArray<Z2k>(Size); _zb = prg.NextUniformArray<Z2k>(Size); _zd = new Z2k[Size];
        _a = _za.Select(z => z.Value).ToArray(); _b = _zb.Select(z => z.Value).ToArray(); _d = new ulong[Size];
        _wa = prg.NextUniformArray<Z2k128>(Size); _wb = prg.NextUniformArray<Z2k128>(Size); _wd = new Z2k128[Size];
        _ma = prg.NextUniformArray<Mersenne61>(Size); _mb = prg.NextUniformArray<Mersenne61>(Size); _md = new Mersenne61[Size];
        _pa = prg.NextUniformArray<Mersenne127>(Size); _pb = prg.NextUniformArray<Mersenne127>(Size); _pd = new Mersenne127[Size];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Size)]
    public void PlainUlongLoop()
    {
        ulong[] a = _a, b = _b, d = _d;
        for (int i = 0; i < d.Length; i++) d[i] = a[i] * b[i];
    }

    [Benchmark(OperationsPerInvoke = Size)]
    public void Z2k_Multiply() => VectorMath.Multiply<Z2k>(_za, _zb, _zd);

    [Benchmark(OperationsPerInvoke = Size)]
    public void Z2k128_Multiply() => VectorMath.Multiply<Z2k128>(_wa, _wb, _wd);

    [Benchmark(OperationsPerInvoke = Size)]
    public void Mersenne61_Multiply() => VectorMath.Multiply<Mersenne61>(_ma, _mb, _md);

    [Benchmark(OperationsPerInvoke = Size)]
    public void Mersenne127_Multiply() => VectorMath.Multiply<Mersenne127>(_pa, _pb, _pd);

    [Benchmark(OperationsPerInvoke = Size)]
    public void Z2k_Add() => VectorMath.Add<Z2k>(_za, _zb, _zd);

    [Benchmark(OperationsPerInvoke = Size)]
    public void Mersenne61_Add() => VectorMath.Add<Mersenne61>(_ma, _mb, _md);

    /// <summary>d += c a by the field's operators, element by element: a product and a sum, each reduced.</summary>
    [Benchmark(OperationsPerInvoke = Size)]
    public void Mersenne127_AddScaledByOperators()
    {
        Mersenne127[] a = _pa, d = _pd;
        var c = _pb[0];
        for (int i = 0; i < d.Length; i++) d[i] += c * a[i];
    }

    /// <summary>d += c a by the kernel: one reduction per element.</summary>
    [Benchmark(OperationsPerInvoke = Size)]
    public void Mersenne127_AddScaled() => VectorMath.AddScaled<Mersenne127>(_pa, _pb[0], _pd);

    /// <summary>d += c a with c below 2^64 (an evaluation point's power, as in sharing): half the 64-bit products.</summary>
    [Benchmark(OperationsPerInvoke = Size)]
    public void Mersenne127_AddScaledSmall() => VectorMath.AddScaled<Mersenne127>(_pa, Mersenne127.FromInt64(625), _pd);
}

using BenchmarkDotNet.Attributes;
using Mpc.Core.Blocks;
using Mpc.Core.Random;

namespace Mpc.Bench.Core;

/// <summary>
/// The 128-row bit-matrix transpose of OT extension over one IKNP chunk (65,024 columns, rows 8,128 bytes apart),
/// on each path. Times are per output block (OperationsPerInvoke), so 1 / time is OTs transposed per second.
/// The power-of-two row length shows what cache-set aliasing costs.
/// </summary>
[MemoryDiagnoser]
public class TransposeBenchmarks
{
    private const int Columns = (1 << 16) - 512;

    private byte[] _rows = [];
    private byte[] _aliasedRows = [];
    private Block128[] _columns = [];

    [GlobalSetup]
    public void Setup()
    {
        using var prg = new AesCtrPrg(new byte[16]);
        _rows = new byte[BitMatrix.Rows * Columns / 8];
        prg.Fill(_rows);
        _aliasedRows = new byte[BitMatrix.Rows * (1 << 16) / 8];
        prg.Fill(_aliasedRows);
        _columns = new Block128[Columns];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Columns, Description = "Transpose (best path: SSE2 + AVX-512 extraction)")]
    public void Transpose() => BitMatrix.Transpose(_rows, _columns);

    [Benchmark(OperationsPerInvoke = Columns, Description = "SSE2 bytes, MOVMSKB extraction")]
    public void Sse2() => BitMatrix.TransposeSse2(_rows, _rows.Length / BitMatrix.Rows, _columns, useAvx512: false);

    [Benchmark(OperationsPerInvoke = Columns, Description = "Portable 64x64 word transpose")]
    public void Scalar() => BitMatrix.TransposeScalar(_rows, _rows.Length / BitMatrix.Rows, _columns);

    [Benchmark(OperationsPerInvoke = Columns, Description = "Transpose, rows 8 KiB apart (cache-set aliasing)")]
    public void Aliased() => BitMatrix.Transpose(_aliasedRows, _columns);
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Garbling;
using Mpc.Core.Random;

namespace Mpc.Bench.Core;

/// <summary>
/// The half-gates cores without a network. "Per AND gate": 2^20 AND gates in layers of 1024 per operation, so the mean is
/// per AND gate and its inverse is AND gates per second (emp-toolkit garbles about 18.5M/s on this machine class).
/// "AES-128 circuit": one garbling or evaluation of the Bristol Fashion AES-128 circuit (6400 AND, 30263 free gates).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GarblingBenchmarks
{
    private const int AndGates = 1 << 20;
    private const string PerAnd = "Per AND gate";
    private const string Aes = "AES-128 circuit";

    private Circuit _layers = null!;
    private Circuit _aes = null!;
    private Block128 _delta;
    private Block128[] _inputs = null!;
    private Block128[] _wires = null!;
    private Block128[] _tables = null!;
    private Block128[] _aesWires = null!;
    private Block128[] _aesTables = null!;

    [GlobalSetup]
    public void Setup()
    {
        _layers = BenchmarkCircuits.AndLayers(1024, AndGates);
        _aes = BristolReader.ReadFile(Aes128Path(), BristolFormat.Fashion);
        using var prg = new AesCtrPrg(new byte[16]);
        _inputs = new Block128[2048];
        prg.Fill<Block128>(_inputs);
        _delta = _inputs[0].WithLsb(true);
        _wires = new Block128[_layers.WireCount];
        _tables = new Block128[HalfGates.BlocksPerAnd * _layers.AndCount];
        _aesWires = new Block128[_aes.WireCount];
        _aesTables = new Block128[HalfGates.BlocksPerAnd * _aes.AndCount];
        HalfGates.Garble(_layers, _delta, _inputs, _wires, _tables);
        HalfGates.Garble(_aes, _delta, _inputs.AsSpan(0, 256), _aesWires, _aesTables);
        Console.WriteLine($"// FixedKeyAes on AES-NI: {FixedKeyAes.UsesHardware}; {_layers}; {_aes}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = AndGates, Description = "HalfGates.Garble"), BenchmarkCategory(PerAnd)]
    public void Garble() => HalfGates.Garble(_layers, _delta, _inputs, _wires, _tables);

    [Benchmark(OperationsPerInvoke = AndGates, Description = "HalfGates.Evaluate"), BenchmarkCategory(PerAnd)]
    public void Evaluate() => HalfGates.Evaluate(_layers, _inputs, _wires, _tables);

    [Benchmark(OperationsPerInvoke = AndGates, Description = "HalfGates.Garble, portable core (batched FixedKeyAes.TccrHash)"),
        BenchmarkCategory(PerAnd)]
    public void GarblePortable()
    {
        _inputs.CopyTo(_wires, 0);
        HalfGates.GarbleCore(_layers.Gates, _delta, _wires, _tables, 0, hardware: false);
    }

    [Benchmark(Baseline = true, Description = "HalfGates.Garble"), BenchmarkCategory(Aes)]
    public void GarbleAes() => HalfGates.Garble(_aes, _delta, _inputs.AsSpan(0, 256), _aesWires, _aesTables);

    [Benchmark(Description = "HalfGates.Evaluate"), BenchmarkCategory(Aes)]
    public void EvaluateAes() => HalfGates.Evaluate(_aes, _inputs.AsSpan(0, 256), _aesWires, _aesTables);

    private static string Aes128Path()
    {
        string relative = Path.Combine("data", "circuits", "bristol_fashion", "aes_128.txt");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"No {relative} above {AppContext.BaseDirectory}.");
    }
}

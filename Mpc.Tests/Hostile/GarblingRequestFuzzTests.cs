using FsCheck;
using FsCheck.Fluent;
using Mpc.Core.Circuits;
using Mpc.Protocols.Garbling;
using Mpc.Protocols.Garbling.Internal;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// The garbler's check of the evaluator's request (<c>RunLayout.CheckRequest</c>), the one variable-length message of
/// the garbling protocol: any bytes give the evaluator's masked bits or a <see cref="GarblingException"/> naming it.
/// </summary>
public sealed class GarblingRequestFuzzTests(ITestOutputHelper output)
{
    private const int Evaluator = 1;

    /// <summary>An 8-bit adder: garbler input, evaluator input, one output revealed to both.</summary>
    private static RunLayout Layout()
    {
        var builder = new CircuitBuilder();
        Wire[] a = builder.Input(8), b = builder.Input(8);
        builder.Output(builder.Add(a, b));
        return RunLayout.Create(builder.Build(), [InputSource.Garbler, InputSource.Evaluator], [0, 0], [-1, -1], [OutputMode.RevealToBoth],
            4096);
    }

    [Fact]
    public void GarblingRequest_AnyBytes_CheckOrFailNamingTheEvaluator()
    {
        var layout = Layout();
        byte[][] seeds = [layout.EncodeRequest(new bool[8]), layout.EncodeRequest([true, false, true, true, false, false, true, false])];
        var generated = Gen.Elements(true, false).ArrayOf(8).Select(bits => layout.EncodeRequest(bits));
        FuzzRun.Run(output, "garbling request", FuzzRun.CountFor(FuzzRun.FullCount), seeds, generated,
            bytes => Assert.Equal(8, layout.CheckRequest(bytes, Evaluator).Length), typeof(GarblingException));
    }

    [Fact]
    public void GarblingRequest_WithAnotherValueCount_IsRefused()
    {
        var layout = Layout();
        byte[] request = layout.EncodeRequest(new bool[8]);
        int countAt = 1 + 32 + 8; // version, fingerprint, first AND index: then the input count
        request[countAt + 1] = 1; // 2 inputs claimed as 258
        var ex = Assert.Throws<GarblingException>(() => layout.CheckRequest(request, Evaluator));
        Assert.Contains("counts", ex.Message);
        Assert.Equal((Evaluator, GarblingCheck.RequestFormat), (ex.PeerId, ex.Check));
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Protocols.ObliviousTransfer;
using Mpc.Protocols.ObliviousTransfer.Internal;
using static Mpc.Tests.Protocols.ObliviousTransfer.OtHarness;

namespace Mpc.Tests.Protocols.ObliviousTransfer;

/// <summary>
/// The base OTs' two P-256 backends, the platform's OpenSSL and BouncyCastle, compute the same bytes for every
/// operation, so parties on different platforms agree on every key; the faster one is the default where it loads.
/// </summary>
public sealed class P256BackendTests
{
    private static OpenSslP256 OpenSsl =>
        OpenSslP256.TryCreate() ?? throw new InvalidOperationException("libcrypto 3 did not load on this Linux machine");

    [Fact]
    public void Default_IsOpenSsl_OnLinux_BouncyCastleElsewhere()
    {
        Assert.Equal(OperatingSystem.IsLinux() ? "OpenSSL" : "BouncyCastle", P256Backend.Default.Name);
    }

    [Property(MaxTest = 10)]
    public Property Backends_AgreeOnEveryOperation() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 40)), Arb.From(Gen.Choose(0, int.MaxValue)), (count, seed) =>
        {
            if (!OperatingSystem.IsLinux()) return;
            using var prg = Prg(seed, 7);
            var scalars = new byte[count * P256.ScalarBytes];
            P256.RandomScalars(prg, scalars);
            var scalar = new byte[P256.ScalarBytes];
            P256.RandomScalars(prg, scalar);
            P256Backend[] backends = [OpenSsl, BouncyCastleP256.Instance];

            var generatorMultiples = backends.Select(b => Run(count, r => b.MultiplyGenerator(scalars, r))).ToArray();
            Assert.Equal(generatorMultiples[0], generatorMultiples[1]);
            byte[] points = generatorMultiples[0];
            for (int i = 0; i < count; i++) P256.Validate(points.AsSpan(i * P256.PointBytes, P256.PointBytes), 1, "test point");

            byte[] point = points[..P256.PointBytes];
            var pointMultiples = backends.Select(b => Run(count, r => b.MultiplyPoint(point, scalars, r))).ToArray();
            Assert.Equal(pointMultiples[0], pointMultiples[1]);
            var scalarMultiples = backends.Select(b => Run(count, r => b.MultiplyScalar(points, scalar, r))).ToArray();
            Assert.Equal(scalarMultiples[0], scalarMultiples[1]);
            foreach (bool subtract in new[] { false, true })
            {
                var sums = backends.Select(b => Run(count, r => b.AddToEach(points, point, subtract, r))).ToArray();
                Assert.Equal(sums[0], sums[1]);
            }
        });

    [Fact]
    public void Backends_EncodeThePointAtInfinityAsZeros()
    {
        if (!OperatingSystem.IsLinux()) return;
        var two = new byte[P256.ScalarBytes];
        two[^1] = 2;
        foreach (P256Backend backend in new P256Backend[] { OpenSsl, BouncyCastleP256.Instance })
        {
            byte[] p = Run(1, r => backend.MultiplyGenerator(two, r));
            // P - P is the identity, and adding the identity gives P back.
            byte[] zero = Run(1, r => backend.AddToEach(p, p, subtract: true, r));
            Assert.All(zero, b => Assert.Equal(0, b));
            Assert.Equal(p, Run(1, r => backend.AddToEach(p, zero, subtract: false, r)));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChouOrlandi_AcrossBackends_ReceiverGetsTheKeyOfItsChoice(bool openSslSends)
    {
        if (!OperatingSystem.IsLinux()) return;
        const int count = 100;
        using var prg = Prg(21, 2);
        var choices = RandomChoices(prg, count);
        P256Backend sending = openSslSends ? OpenSsl : BouncyCastleP256.Instance;
        P256Backend receiving = openSslSends ? BouncyCastleP256.Instance : OpenSsl;
        var keys0 = new Block128[count];
        var keys1 = new Block128[count];
        var got = new Block128[count];
        var networks = MemoryPair();
        await RunPairAsync(networks,
            async n =>
            {
                using var random = Prg(22, 0);
                await new ChouOrlandiSender(n, 1, Tag, random, sending).SendRandomAsync(keys0, keys1);
                return 0;
            },
            async n =>
            {
                using var random = Prg(22, 1);
                await new ChouOrlandiReceiver(n, 0, Tag, random, receiving).ReceiveRandomAsync(choices, got);
                return 0;
            });
        for (int i = 0; i < count; i++)
        {
            bool c = Choice(choices, i);
            Assert.Equal(c ? keys1[i] : keys0[i], got[i]);
            Assert.NotEqual(c ? keys0[i] : keys1[i], got[i]);
        }
    }

    private static byte[] Run(int count, Action<byte[]> operation)
    {
        var result = new byte[count * P256.PointBytes];
        operation(result);
        return result;
    }
}

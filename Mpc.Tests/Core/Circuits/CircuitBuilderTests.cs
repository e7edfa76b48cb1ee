using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Circuits;

namespace Mpc.Tests.Core.Circuits;

public sealed class CircuitBuilderTests
{
    /// <summary>Width 1..16 and two operands below 2^width, equal one time in eight.</summary>
    private static Arbitrary<(int Width, ulong A, ulong B)> Operands() => Arb.From(
        from width in Gen.Choose(1, 16)
        from a in Gen.Choose(0, (1 << width) - 1)
        from b in Gen.Choose(0, (1 << width) - 1)
        from same in Gen.Frequency((1, Gen.Constant(true)), (7, Gen.Constant(false)))
        select (width, (ulong)a, same ? (ulong)a : (ulong)b));

    /// <summary>Builds a two-operand circuit of <paramref name="width"/>-bit inputs with one output value and evaluates it.</summary>
    private static bool[] Run(int width, ulong a, ulong b, Func<CircuitBuilder, Wire[], Wire[], Wire[]> body)
    {
        var builder = new CircuitBuilder();
        Wire[] x = builder.Input(width), y = builder.Input(width);
        builder.Output(body(builder, x, y));
        return builder.Build().Evaluate([.. Bits.FromUInt64(a, width), .. Bits.FromUInt64(b, width)]);
    }

    private static ulong Mask(int width) => width == 64 ? ulong.MaxValue : (1UL << width) - 1;

    private static long Signed(ulong value, int width) => (long)(value << (64 - width)) >> (64 - width);

    [Property]
    public Property Builder_Add_IsAdditionModTwoToTheN() => Prop.ForAll(Operands(), o =>
        Bits.ToUInt64(Run(o.Width, o.A, o.B, (c, x, y) => c.Add(x, y))) == ((o.A + o.B) & Mask(o.Width)));

    [Property]
    public Property Builder_AddWithCarry_IsTheFullSum() => Prop.ForAll(Operands(), o =>
        Bits.ToUInt64(Run(o.Width, o.A, o.B, (c, x, y) => c.AddWithCarry(x, y))) == o.A + o.B);

    [Property]
    public Property Builder_Subtract_IsSubtractionModTwoToTheN() => Prop.ForAll(Operands(), o =>
        Bits.ToUInt64(Run(o.Width, o.A, o.B, (c, x, y) => c.Subtract(x, y))) == ((o.A - o.B) & Mask(o.Width)));

    [Property]
    public Property Builder_Negate_IsTwosComplementNegation() => Prop.ForAll(Operands(), o =>
        Bits.ToUInt64(Run(o.Width, o.A, o.B, (c, x, _) => c.Negate(x))) == ((0 - o.A) & Mask(o.Width)));

    [Property]
    public Property Builder_Multiply_IsProductModTwoToTheN() => Prop.ForAll(Operands(), o =>
        Bits.ToUInt64(Run(o.Width, o.A, o.B, (c, x, y) => c.Multiply(x, y))) == ((o.A * o.B) & Mask(o.Width)));

    [Property]
    public Property Builder_LessThan_MatchesUnsignedAndSignedOrder() => Prop.ForAll(Operands(), o =>
    {
        bool[] both = Run(o.Width, o.A, o.B, (c, x, y) => [c.LessThan(x, y), c.LessThan(x, y, signed: true)]);
        Assert.Equal(o.A < o.B, both[0]);
        Assert.Equal(Signed(o.A, o.Width) < Signed(o.B, o.Width), both[1]);
    });

    [Property]
    public Property Builder_Equal_IsEquality() => Prop.ForAll(Operands(), o =>
        Run(o.Width, o.A, o.B, (c, x, y) => [c.Equal(x, y)])[0] == (o.A == o.B));

    [Property]
    public Property Builder_Mux_SelectsTheOperandTheBitNames() => Prop.ForAll(Operands(), o =>
    {
        var builder = new CircuitBuilder();
        Wire select = builder.Input(1)[0];
        Wire[] x = builder.Input(o.Width), y = builder.Input(o.Width);
        builder.Output(builder.Mux(select, x, y));
        Circuit circuit = builder.Build();
        foreach (bool s in new[] { false, true })
        {
            bool[] output = circuit.Evaluate([s, .. Bits.FromUInt64(o.A, o.Width), .. Bits.FromUInt64(o.B, o.Width)]);
            Assert.Equal(s ? o.B : o.A, Bits.ToUInt64(output));
        }
    });

    [Property]
    public Property Builder_BitwiseOperations_MatchIntegerOperators() => Prop.ForAll(Operands(), o =>
    {
        bool[] all = Run(o.Width, o.A, o.B,
            (c, x, y) => [.. c.Xor(x, y), .. c.And(x, y), .. c.Inv(x), .. Enumerable.Range(0, x.Length).Select(i => c.Or(x[i], y[i]))]);
        ulong Part(int k) => Bits.ToUInt64(all.AsSpan(k * o.Width, o.Width));
        Assert.Equal(o.A ^ o.B, Part(0));
        Assert.Equal(o.A & o.B, Part(1));
        Assert.Equal(~o.A & Mask(o.Width), Part(2));
        Assert.Equal(o.A | o.B, Part(3));
    });

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(32)]
    public void Builder_BuildingBlocks_CostTheDocumentedAndGates(int n)
    {
        int Cost(Func<CircuitBuilder, Wire[], Wire[], object> body)
        {
            var builder = new CircuitBuilder();
            body(builder, builder.Input(n), builder.Input(n));
            return builder.AndCount;
        }
        Assert.Equal(n - 1, Cost((c, x, y) => c.Add(x, y)));
        Assert.Equal(n, Cost((c, x, y) => c.AddWithCarry(x, y)));
        Assert.Equal(n - 1, Cost((c, x, y) => c.Subtract(x, y)));
        Assert.Equal(n, Cost((c, x, y) => c.LessThan(x, y)));
        Assert.Equal(n, Cost((c, x, y) => c.LessThan(x, y, signed: true)));
        Assert.Equal(n - 1, Cost((c, x, y) => c.Equal(x, y)));
        Assert.Equal(n, Cost((c, x, y) => c.Mux(x[0], x, y)));
        Assert.True(Cost((c, x, y) => c.Multiply(x, y)) <= n * n, "a schoolbook multiplier costs at most n^2 ANDs");
    }

    [Fact]
    public void Builder_FoldsConstants_SoConstantOperandsCostNoAndGates()
    {
        var builder = new CircuitBuilder();
        Wire[] x = builder.Input(16);
        Wire[] zero = builder.Multiply(x, builder.Constant(0, 16));
        Wire[] same = builder.Multiply(x, builder.Constant(1, 16));
        Wire[] sum = builder.Add(x, builder.Constant(0, 16));
        Wire self = builder.And(x[3], x[3]);
        Wire cancel = builder.Xor(x[5], x[5]);
        Wire never = builder.And(x[1], builder.Inv(x[1]));
        Assert.Equal(0, builder.AndCount);
        Assert.All(zero, w => Assert.Equal(builder.Zero, w));
        Assert.Equal(x, same);
        Assert.Equal(x, sum);
        Assert.Equal(x[3], self);
        Assert.Equal(builder.Zero, cancel);
        Assert.Equal(builder.Zero, never);
        Assert.Equal(x[2], builder.Inv(builder.Inv(x[2])));
    }

    [Fact]
    public void Builder_LateInputs_AreNumberedFirst_InDeclarationOrder()
    {
        var builder = new CircuitBuilder();
        Wire[] a = builder.Input(2);
        Wire t = builder.And(a[0], a[1]);
        Wire[] b = builder.Input(3);
        builder.Output(builder.Xor(t, b[2]), builder.One, a[1]);
        Circuit circuit = builder.Build();
        Assert.Equal([2, 3], circuit.InputWidths);
        Assert.Equal(5, circuit.InputCount);
        Assert.Equal([3], circuit.OutputWidths);
        // a = (1, 1), b = (0, 0, 1): t = 1, t ⊕ b2 = 0; the constant 1; a1 = 1.
        Assert.Equal([false, true, true], circuit.Evaluate([true, true, false, false, true]));
    }

    [Fact]
    public void Builder_RejectsWiresOfAnotherBuilder_AndMismatchedWidths()
    {
        var builder = new CircuitBuilder();
        Wire[] x = builder.Input(4);
        var other = new CircuitBuilder();
        other.Input(1);
        Assert.Throws<ArgumentException>(() => other.And(x[3], x[0]));
        Assert.Throws<ArgumentException>(() => builder.Add(x, x[..3]));
    }
}

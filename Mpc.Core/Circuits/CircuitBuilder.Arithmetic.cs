namespace Mpc.Core.Circuits;

/// <summary>Building blocks on n-bit values (least significant bit first): adders, comparators, multiplexers, multipliers.</summary>
public sealed partial class CircuitBuilder
{
    /// <summary>a + b mod 2^n: a ripple-carry adder with one AND gate per full adder (n - 1 ANDs).</summary>
    public Wire[] Add(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b) => AddCore(a, b, Zero, carryOut: false);

    /// <summary>a + b as n + 1 bits (the carry out on top): n ANDs.</summary>
    public Wire[] AddWithCarry(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b) => AddCore(a, b, Zero, carryOut: true);

    /// <summary>a - b mod 2^n, as a + ¬b + 1 (n - 1 ANDs).</summary>
    public Wire[] Subtract(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b) => AddCore(a, Inv(b), One, carryOut: false);

    /// <summary>-a mod 2^n.</summary>
    public Wire[] Negate(ReadOnlySpan<Wire> a) => Subtract(Constant(0, a.Length), a);

    /// <summary>
    /// a &lt; b, as unsigned numbers or (when <paramref name="signed"/>) in two's complement: the borrow out of a - b,
    /// n ANDs. Signed comparison flips both sign bits first, which maps two's complement order onto unsigned order.
    /// </summary>
    public Wire LessThan(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b, bool signed = false)
    {
        CheckSameWidth(a, b);
        if (a.IsEmpty) return Zero;
        Wire[] x = a.ToArray(), y = b.ToArray();
        if (signed)
        {
            x[^1] = Inv(x[^1]);
            y[^1] = Inv(y[^1]);
        }
        // Carry chain of x + ¬y + 1: the carry out is 1 exactly when x >= y.
        Wire carry = One;
        for (int i = 0; i < x.Length; i++)
        {
            carry = CarryOut(x[i], Inv(y[i]), carry);
        }
        return Inv(carry);
    }

    /// <summary>a = b: the AND of the bitwise equalities, as a balanced tree (n - 1 ANDs, depth ⌈log2 n⌉).</summary>
    public Wire Equal(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b)
    {
        CheckSameWidth(a, b);
        var level = new Wire[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            level[i] = Inv(Xor(a[i], b[i]));
        }
        return AndAll(level);
    }

    /// <summary>
    /// <paramref name="select"/> ? <paramref name="ifOne"/> : <paramref name="ifZero"/>, as x ⊕ s ∧ (x ⊕ y) (one AND).
    /// </summary>
    public Wire Mux(Wire select, Wire ifZero, Wire ifOne) => Xor(ifZero, And(select, Xor(ifZero, ifOne)));

    /// <summary>Bitwise <see cref="Mux(Wire, Wire, Wire)"/> over n-bit values (n ANDs).</summary>
    public Wire[] Mux(Wire select, ReadOnlySpan<Wire> ifZero, ReadOnlySpan<Wire> ifOne)
    {
        CheckSameWidth(ifZero, ifOne);
        var result = new Wire[ifZero.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Mux(select, ifZero[i], ifOne[i]);
        }
        return result;
    }

    /// <summary>
    /// a · b mod 2^n, schoolbook: row i adds (a_i ∧ b) shifted by i. About n² ANDs; the low bits of each row are
    /// constant zeros, which the builder folds away. For the full 2n-bit product, pass operands extended to 2n bits.
    /// </summary>
    public Wire[] Multiply(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b)
    {
        CheckSameWidth(a, b);
        int n = a.Length;
        Wire[] sum = Constant(0, n);
        var row = new Wire[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                row[j] = j < i ? Zero : And(a[i], b[j - i]);
            }
            sum = Add(sum, row);
        }
        return sum;
    }

    /// <summary>Bitwise a ⊕ b.</summary>
    public Wire[] Xor(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b)
    {
        CheckSameWidth(a, b);
        var result = new Wire[a.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Xor(a[i], b[i]);
        return result;
    }

    /// <summary>Bitwise a ∧ b.</summary>
    public Wire[] And(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b)
    {
        CheckSameWidth(a, b);
        var result = new Wire[a.Length];
        for (int i = 0; i < result.Length; i++) result[i] = And(a[i], b[i]);
        return result;
    }

    /// <summary>Bitwise ¬a.</summary>
    public Wire[] Inv(ReadOnlySpan<Wire> a)
    {
        var result = new Wire[a.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Inv(a[i]);
        return result;
    }

    private Wire[] AddCore(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b, Wire carry, bool carryOut)
    {
        CheckSameWidth(a, b);
        var sum = new Wire[a.Length + (carryOut ? 1 : 0)];
        for (int i = 0; i < a.Length; i++)
        {
            sum[i] = Xor(Xor(a[i], b[i]), carry);
            if (i + 1 < a.Length || carryOut) carry = CarryOut(a[i], b[i], carry);
        }
        if (carryOut) sum[^1] = carry;
        return sum;
    }

    /// <summary>The carry out of a full adder with one AND: c ⊕ ((a ⊕ c) ∧ (b ⊕ c)).</summary>
    private Wire CarryOut(Wire a, Wire b, Wire carry) => Xor(carry, And(Xor(a, carry), Xor(b, carry)));

    private Wire AndAll(Wire[] level)
    {
        if (level.Length == 0) return One;
        int n = level.Length;
        while (n > 1)
        {
            int half = n / 2;
            for (int i = 0; i < half; i++)
            {
                level[i] = And(level[2 * i], level[2 * i + 1]);
            }
            if ((n & 1) != 0) level[half] = level[n - 1];
            n = half + (n & 1);
        }
        return level[0];
    }
}

namespace Mpc.Protocols;

/// <summary>How a suite computes secure comparisons (<see cref="IArithmeticSuite{T}.LessThanZeroAsync"/>).</summary>
public enum ComparisonMethod
{
    /// <summary>
    /// Bit decomposition on shares: open a masked value and compare it bitwise with the shared mask bits
    /// (any N; a logarithmic number of rounds in the bit width).
    /// </summary>
    BitDecomposition = 0,

    /// <summary>
    /// A garbled circuit between the two parties (N = 2 only): party 0 garbles, party 1 evaluates; one circuit adds the
    /// shares, takes the sign bit and returns it as fresh arithmetic shares. Two messages per comparison after setup.
    /// </summary>
    GarbledCircuit = 1,
}

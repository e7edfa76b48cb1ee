namespace Mpc.Ml.Sigmoid;

/// <summary>
/// Odd polynomial approximations of sigmoid(z) - 1/2 on [-B, B] by Chebyshev interpolation (the truncated Chebyshev
/// series at 1000 Chebyshev nodes): within a small factor of the minimax error, with no iteration.
/// </summary>
public static class ChebyshevFit
{
    private const int Nodes = 1000;

    /// <summary>
    /// Coefficients c[k] (k = 0..degree; even ones 0 but c[0] = 1/2) of p(u) = sum c[k] u^k in the scaled variable
    /// u = z / <paramref name="bound"/>, so that p(z / B) approximates sigmoid(z) for |z| &lt;= B.
    /// </summary>
    public static double[] SigmoidInScaledVariable(int degree, double bound)
    {
        if (degree < 1 || degree % 2 == 0 || degree > 15)
            throw new ArgumentOutOfRangeException(nameof(degree), degree, "The sigmoid fit takes an odd degree from 1 to 15.");
        if (!(bound > 0)) throw new ArgumentOutOfRangeException(nameof(bound), bound, "The interval bound must be positive.");

        // Chebyshev coefficients a_k = (2 / N) sum f(u_i) T_k(u_i) at the nodes u_i = cos(pi (i + 1/2) / N).
        var a = new double[degree + 1];
        for (int i = 0; i < Nodes; i++)
        {
            double theta = Math.PI * (i + 0.5) / Nodes, u = Math.Cos(theta);
            double value = 1 / (1 + Math.Exp(-bound * u)) - 0.5;
            for (int k = 1; k <= degree; k += 2) a[k] += 2.0 / Nodes * value * Math.Cos(k * theta);
        }

        // T_k as monomials by T_(k+1) = 2u T_k - T_(k-1), accumulated into the monomial coefficients.
        var coefficients = new double[degree + 1];
        var previous = new double[degree + 1];
        var current = new double[degree + 1];
        previous[0] = 1; // T_0
        current[1] = 1;  // T_1
        for (int k = 1; k <= degree; k++)
        {
            if (k % 2 == 1)
                for (int j = 0; j <= degree; j++) coefficients[j] += a[k] * current[j];
            var next = new double[degree + 1];
            for (int j = 0; j < degree; j++) next[j + 1] += 2 * current[j];
            for (int j = 0; j <= degree; j++) next[j] -= previous[j];
            previous = current;
            current = next;
        }
        coefficients[0] = 0.5;
        return coefficients;
    }

    /// <summary>p(u) for the coefficients of <see cref="SigmoidInScaledVariable"/>, by Horner's rule.</summary>
    public static double Evaluate(double[] coefficients, double u)
    {
        double sum = 0;
        for (int k = coefficients.Length - 1; k >= 0; k--) sum = sum * u + coefficients[k];
        return sum;
    }
}

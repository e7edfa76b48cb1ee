namespace Mpc.Core.FixedPoint;

/// <summary>
/// Least-squares polynomial approximations on [-1, 1], fitted at Chebyshev nodes (close to the minimax polynomial for
/// smooth functions): the public coefficients secret elementary functions evaluate.
/// </summary>
public static class PolynomialFit
{
    /// <summary>
    /// Coefficients c0..c<paramref name="degree"/> (of s^0..s^degree) of the polynomial closest to
    /// <paramref name="f"/> on [-1, 1] in least squares over 8 (degree + 1) Chebyshev nodes.
    /// </summary>
    public static double[] OnUnitInterval(Func<double, double> f, int degree)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(degree);
        int nodes = 8 * (degree + 1), m = degree + 1;
        // Normal equations A^T A c = A^T y, solved by Gaussian elimination with partial pivoting (m is at most a dozen).
        var normal = new double[m, m + 1];
        for (int k = 0; k < nodes; k++)
        {
            double s = Math.Cos(Math.PI * (k + 0.5) / nodes), y = f(s);
            var powers = new double[m];
            powers[0] = 1;
            for (int i = 1; i < m; i++) powers[i] = powers[i - 1] * s;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++) normal[i, j] += powers[i] * powers[j];
                normal[i, m] += powers[i] * y;
            }
        }
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++) if (Math.Abs(normal[r, col]) > Math.Abs(normal[pivot, col])) pivot = r;
            for (int c = 0; c <= m; c++) (normal[col, c], normal[pivot, c]) = (normal[pivot, c], normal[col, c]);
            for (int r = 0; r < m; r++)
            {
                if (r == col) continue;
                double factor = normal[r, col] / normal[col, col];
                for (int c = col; c <= m; c++) normal[r, c] -= factor * normal[col, c];
            }
        }
        return [.. Enumerable.Range(0, m).Select(i => normal[i, m] / normal[i, i])];
    }

    /// <summary>The largest |f(s) - p(s)| over 10,000 points of [-1, 1].</summary>
    public static double MaxError(Func<double, double> f, IReadOnlyList<double> coefficients)
    {
        double worst = 0;
        for (int k = 0; k <= 10_000; k++)
        {
            double s = -1 + 2.0 * k / 10_000, p = 0;
            for (int i = coefficients.Count - 1; i >= 0; i--) p = p * s + coefficients[i];
            worst = Math.Max(worst, Math.Abs(f(s) - p));
        }
        return worst;
    }
}

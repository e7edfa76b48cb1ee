using Mpc.Ml.Data;

namespace Mpc.Ml.Training;

/// <summary>
/// Fully converged logistic regression (Newton's method on the mean log-loss with the exact sigmoid) in double
/// precision: the best-possible reference. The L2 penalty is max(l2, 1e-4) on the weights (not the
/// bias), because on separable data, as the breast cancer set nearly is, the unpenalised optimum lies at infinity.
/// </summary>
public static class NewtonLogisticRegression
{
    /// <summary>The minimiser of mean log-loss + (L2 / 2) |w|^2, bias last.</summary>
    public static double[] Train(PlainDataset data, double l2 = 0, int maxIterations = 100)
    {
        int d = data.Columns, n = data.Rows;
        double penalty = Math.Max(l2, 1e-4);
        var w = new double[d];
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            var gradient = new double[d];
            var hessian = new double[d, d];
            for (int i = 0; i < n; i++)
            {
                var x = data.Row(i);
                double p = 1 / (1 + Math.Exp(-PlaintextLogisticRegression.Dot(x, w)));
                double weight = p * (1 - p);
                for (int j = 0; j < d; j++)
                {
                    gradient[j] += (p - data.Labels[i]) * x[j] / n;
                    for (int k = 0; k <= j; k++) hessian[j, k] += weight * x[j] * x[k] / n;
                }
            }
            for (int j = 0; j < d; j++)
            {
                for (int k = 0; k < j; k++) hessian[k, j] = hessian[j, k];
                if (j < d - 1)
                {
                    gradient[j] += penalty * w[j];
                    hessian[j, j] += penalty;
                }
                else hessian[j, j] += 1e-12;
            }
            var delta = Solve(hessian, gradient);
            double change = 0;
            for (int j = 0; j < d; j++)
            {
                w[j] -= delta[j];
                change = Math.Max(change, Math.Abs(delta[j]));
            }
            if (change < 1e-10) break;
        }
        return w;
    }

    // Cholesky solve of the symmetric positive definite system A x = b.
    private static double[] Solve(double[,] a, double[] b)
    {
        int d = b.Length;
        var l = new double[d, d];
        for (int j = 0; j < d; j++)
        {
            double sum = a[j, j];
            for (int k = 0; k < j; k++) sum -= l[j, k] * l[j, k];
            l[j, j] = Math.Sqrt(Math.Max(sum, 1e-300));
            for (int i = j + 1; i < d; i++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                l[i, j] = s / l[j, j];
            }
        }
        var y = new double[d];
        for (int i = 0; i < d; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i, k] * y[k];
            y[i] = s / l[i, i];
        }
        var x = new double[d];
        for (int i = d - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < d; k++) s -= l[k, i] * x[k];
            x[i] = s / l[i, i];
        }
        return x;
    }
}

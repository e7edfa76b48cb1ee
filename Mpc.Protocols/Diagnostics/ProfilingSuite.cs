using System.Diagnostics;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Diagnostics;

/// <summary>
/// A suite that forwards every operation to another and records its wall time in an <see cref="OperationProfile"/>:
/// where training spends its time (products, truncations, comparisons). Adds no rounds and changes no result.
/// </summary>
public sealed class ProfilingSuite<T>(IArithmeticSuite<T> inner, OperationProfile profile) : SuiteDecorator<T>(inner)
    where T : unmanaged, IRing<T>
{
    /// <summary>What has been recorded.</summary>
    public OperationProfile Profile => profile;

    // The start is read before the operation is called, so its synchronous part counts too; the operation still
    // takes its tags when called, so timing never reorders operations.
    /// <inheritdoc />
    protected override async ValueTask<TResult> AroundAsync<TResult>(SuiteOperation operation, long elements, Func<ValueTask<TResult>> call)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            profile.Add(operation, elements, start);
        }
    }
}

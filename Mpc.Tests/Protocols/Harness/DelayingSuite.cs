using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Diagnostics;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>
/// A suite that stalls its caller's thread for a random moment before it hands an operation on, as the scheduler does
/// to a thread it preempts: whatever the caller started before runs on meanwhile (its later steps on other threads),
/// so an operation that takes a tag or a preprocessing request late, beside one started after it, takes it in another
/// order than at the other parties. Paired with <see cref="DelayingNetwork"/> in the stress tests.
/// </summary>
public sealed class DelayingSuite<T>(IArithmeticSuite<T> inner, int seed) : SuiteDecorator<T>(inner) where T : unmanaged, IRing<T>
{
    private readonly Random _random = new(seed);   // test timing only, not a protocol's randomness
    private readonly Lock _gate = new();

    protected override ValueTask<TResult> AroundAsync<TResult>(SuiteOperation operation, long elements, Func<ValueTask<TResult>> call)
    {
        int pause;
        // Mostly nothing or a millisecond or two; now and then as long as a loaded machine keeps a thread waiting.
        lock (_gate) pause = _random.Next(20) switch { 0 => _random.Next(10, 40), < 7 => _random.Next(1, 3), _ => 0 };
        if (pause > 0) Thread.Sleep(pause);
        return call();
    }
}

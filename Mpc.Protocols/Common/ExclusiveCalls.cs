using System.Runtime.ExceptionServices;

namespace Mpc.Protocols.Common;

/// <summary>
/// The call discipline of a stateful two-party protocol object (OT extension ends, garbler, evaluator) whose message
/// stream must stay in step with its peer's: one call at a time, and none after a call that failed, since a failed
/// call leaves the stream at an unknown point. A call after a failed one fails with the first failure itself (a peer
/// that aborted, a broken link), which is what its caller should report, not the broken state it left behind.
/// </summary>
/// <param name="owner">The type's name, for the overlap message.</param>
/// <param name="brokenMessage">What a call after a failed one is told when the first failure was a cancellation.</param>
internal sealed class ExclusiveCalls(string owner, string brokenMessage)
{
    private int _busy;
    private volatile Exception? _failure;

    /// <summary>Rethrows the first failure of an earlier call, if there was one.</summary>
    /// <exception cref="InvalidOperationException">An earlier call was cancelled.</exception>
    public void ThrowIfBroken()
    {
        if (_failure is not { } failure) return;
        if (failure is OperationCanceledException) throw new InvalidOperationException(brokenMessage, failure);
        ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Claims the object for one call, synchronously; <see cref="RunAsync{T}"/> or <see cref="RunAsync"/> releases it.</summary>
    /// <exception cref="InvalidOperationException">An earlier call failed, or another call is running.</exception>
    public void Enter()
    {
        ThrowIfBroken();
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException($"Calls on one {owner} must not overlap: await each before starting the next.");
    }

    /// <summary>Runs the claimed call; if it fails (or is cancelled) the object is broken for good. Releases the claim.</summary>
    public async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            throw;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public async ValueTask RunAsync(Func<ValueTask> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            throw;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }
}

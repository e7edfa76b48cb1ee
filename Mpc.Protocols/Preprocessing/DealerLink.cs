using System.Security.Cryptography;
using System.Threading.Channels;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// A computing party's link to the cluster's external dealer (<see cref="DealerService"/>): the seed the two share,
/// from which this party derives its shares of every dealing, and at party 0 the stream of requests (shapes only) that
/// the dealer answers, in order, with party 0's corrections. The dealer is the mesh's last member; the computing
/// parties compute over a view without it (<see cref="FirstPartiesNetwork"/>).
/// </summary>
/// <remarks>
/// Party 0 asks for the next dealings of a small shape in one request along with the current one, so that when the
/// computation comes back to that shape (the next epoch, the next mini-batch) the answer has already arrived and no
/// dealing waits for a round trip, and the dealer wakes once for many dealings. A dealing asked for ahead and never used
/// is dropped; nothing is dealt twice.
/// </remarks>
public sealed class DealerLink : IAsyncDisposable
{
    internal static readonly StreamTag SeedTag = new(Session.ComposeTag(ProtocolChannel.Dealer, 0));
    internal static readonly StreamTag RequestTag = new(Session.ComposeTag(ProtocolChannel.Dealer, 1));
    internal static readonly StreamTag AnswerTag = new(Session.ComposeTag(ProtocolChannel.Dealer, 2));

    /// <summary>
    /// Dealings of at most this many words (both kinds of vector, 512 KiB) are asked for ahead, as many at a time as fit
    /// in it (at most <see cref="DealRequest.MaxCount"/>).
    /// </summary>
    internal const long AheadWords = 1 << 16;

    private readonly byte[] _seed;
    private readonly IPartyNetwork _mesh;
    private readonly Lock _gate = new();
    private readonly Channel<byte[]> _requests = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Answer> _answers = Channel.CreateUnbounded<Answer>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Dictionary<DealRequest, Task<Z2k[]>> _ahead = [];
    private readonly Dictionary<DealRequest, ulong> _askedUntil = []; // by shape (ordinal 0): the first ordinal not asked for yet
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sender, _receiver, _keepAlive;
    private Exception? _failure;
    private long _requestCount;
    private int _finished;

    private DealerLink(IPartyNetwork mesh, int dealerId, byte[] seed, TimeSpan keepAliveEvery)
    {
        _mesh = mesh;
        DealerId = dealerId;
        _seed = seed;
        bool asks = mesh.PartyId == 0;
        _sender = asks ? SendAsync() : Task.CompletedTask;
        _receiver = asks ? ReceiveAsync() : Task.CompletedTask;
        _keepAlive = asks ? KeepAliveAsync(keepAliveEvery) : Task.CompletedTask;
    }

    /// <summary>The dealer's id in the mesh (the last).</summary>
    public int DealerId { get; }

    /// <summary>My id (a computing party's).</summary>
    public int PartyId => _mesh.PartyId;

    /// <summary>Dealings party 0 has asked for, those asked for ahead included (none at other parties).</summary>
    public long Requests => Interlocked.Read(ref _requestCount);

    /// <summary>
    /// Agrees a fresh seed with the dealer: this party draws it and sends it over the authenticated, encrypted link.
    /// Party 0 then tells the dealer it is alive every <paramref name="keepAliveEvery"/> (a third of the receive deadline
    /// suits), so a computation that needs no dealing for a long while does not time the dealer out.
    /// </summary>
    /// <param name="mesh">The whole mesh, the dealer its last member.</param>
    /// <param name="dealerId">The dealer's id.</param>
    /// <param name="keepAliveEvery">How often party 0 tells an idle dealer it is alive.</param>
    /// <param name="seed">Fixes the seed for reproducible tests; null draws it from the OS CSPRNG.</param>
    /// <param name="ct">Cancels the set-up.</param>
    public static async ValueTask<DealerLink> ConnectAsync(IPartyNetwork mesh, int dealerId, TimeSpan keepAliveEvery, byte[]? seed = null,
        CancellationToken ct = default)
    {
        if (dealerId != mesh.PartyCount - 1 || mesh.PartyId == dealerId)
            throw new ArgumentException(
                $"The dealer is the mesh's last member ({mesh.PartyCount - 1}), and not this party ({mesh.PartyId}).", nameof(dealerId));
        if (seed is not null && seed.Length != AesCtrPrg.SeedSize)
            throw new ArgumentException($"A seed is {AesCtrPrg.SeedSize} bytes.", nameof(seed));
        seed ??= RandomNumberGenerator.GetBytes(AesCtrPrg.SeedSize);
        await mesh.SendAsync(dealerId, SeedTag, seed, ct).ConfigureAwait(false);
        return new DealerLink(mesh, dealerId, seed, keepAliveEvery);
    }

    /// <summary>The PRG this party and the dealer both compute for <paramref name="dealing"/>.</summary>
    internal AesCtrPrg Prg(DealRequest dealing) => PrgFor(_seed, dealing);

    /// <summary>HKDF-SHA256 (RFC 5869) over a party's seed with the dealer, separated by the whole dealing (shape and ordinal).</summary>
    internal static AesCtrPrg PrgFor(byte[] seed, DealRequest dealing)
    {
        Span<byte> info = stackalloc byte[DealRequest.Size];
        dealing.WriteTo(info);
        return AesCtrPrg.Derive(seed, "mpc-dealer-prg"u8, info);
    }

    /// <summary>
    /// Party 0: the dealer's answer to <paramref name="dealing"/> (party 0's dependent shares end to end), asked for now
    /// unless it was asked for ahead; and, for a small shape, the next dealings of the same shape asked for ahead in one
    /// request, so that at least half a batch is always on its way. Synchronous up to the returned task, so requests
    /// leave in program order.
    /// </summary>
    internal Task<Z2k[]> Ask(DealRequest dealing, DealRecipe recipe)
    {
        long words = recipe.DependentWords;
        lock (_gate)
        {
            if (!_ahead.Remove(dealing, out var answer)) answer = Enqueue(dealing, 1, words)[0];
            if (dealing.Kind == DealKind.MatrixMask || recipe.TotalWords > AheadWords) return answer;
            var shape = dealing.WithOrdinal(0);
            _askedUntil.TryGetValue(shape, out ulong until);
            until = Math.Max(until, dealing.Ordinal + 1);
            int batch = (int)Math.Clamp(AheadWords / Math.Max(recipe.TotalWords, 1), 1, DealRequest.MaxCount);
            if (until <= dealing.Ordinal + (ulong)Math.Max(1, batch / 2))
            {
                var next = Enqueue(dealing.WithOrdinal(until), batch, words);
                for (int i = 0; i < batch; i++) _ahead[dealing.WithOrdinal(until + (ulong)i)] = next[i];
                until += (ulong)batch;
            }
            _askedUntil[shape] = until;
            return answer;
        }
    }

    // Under _gate: the request and the answers it expects are queued in the same order.
    private Task<Z2k[]>[] Enqueue(DealRequest first, int count, long words)
    {
        if (_failure is { } failure) return Enumerable.Repeat(Task.FromException<Z2k[]>(failure), count).ToArray();
        if (Volatile.Read(ref _finished) != 0) throw new InvalidOperationException("The computation told the dealer it was over.");
        Interlocked.Add(ref _requestCount, count);
        _requests.Writer.TryWrite(first.ToBytes(count));
        if (words == 0) return Enumerable.Repeat(Task.FromResult(Array.Empty<Z2k>()), count).ToArray();
        var answer = new Answer(words, count);
        _answers.Writer.TryWrite(answer);
        return answer.Dealings.Select(d => d.Task).ToArray();
    }

    /// <summary>
    /// Party 0 tells the dealer the computation is over and collects the answers still under way; other parties have nothing to say.
    /// </summary>
    public async ValueTask FinishAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        await StopKeepAliveAsync().ConfigureAwait(false);
        if (PartyId != 0) return;
        lock (_gate)
        {
            _requests.Writer.TryWrite(new DealRequest(DealKind.End, 0).ToBytes());
            _requests.Writer.TryComplete();
            _answers.Writer.TryComplete();
        }
        await _sender.WaitAsync(ct).ConfigureAwait(false);
        await _receiver.WaitAsync(ct).ConfigureAwait(false);
        if (_failure is { } failure) throw failure;
    }

    /// <summary>Stops the pumps without telling the dealer anything (a failed run's abort tells it).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _requests.Writer.TryComplete();
            _answers.Writer.TryComplete();
        }
        try
        {
            await Task.WhenAll(_sender, _receiver).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // An answer the dealer never sent: the network's own deadline fails the receive.
        }
        _stop.Dispose();
    }

    private async Task StopKeepAliveAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(false);
    }

    // The only writer of requests, so they leave in the order they were queued. A send is never cancelled: a frame cut
    // short would fail the network.
    private async Task SendAsync()
    {
        try
        {
            await foreach (var request in _requests.Reader.ReadAllAsync().ConfigureAwait(false))
                await _mesh.SendAsync(DealerId, RequestTag, request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PeerException or ObjectDisposedException)
        {
            Fail(ex);
        }
    }

    // The only reader of answers: the dealer answers in the order it was asked.
    private async Task ReceiveAsync()
    {
        await foreach (var answer in _answers.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var all = GC.AllocateUninitializedArray<Z2k>(checked((int)(answer.Words * answer.Dealings.Length)));
                await _mesh.ReceiveAsync<Z2k>(DealerId, AnswerTag, all).ConfigureAwait(false);
                for (int i = 0; i < answer.Dealings.Length; i++)
                    answer.Dealings[i].TrySetResult(all.AsSpan((int)(i * answer.Words), (int)answer.Words).ToArray());
            }
            catch (Exception ex)
            {
                answer.Fail(ex);
                Fail(ex);
            }
        }
    }

    private void Fail(Exception ex)
    {
        lock (_gate)
        {
            _failure ??= ex;
            _requests.Writer.TryComplete();
            _answers.Writer.TryComplete();
        }
        while (_answers.Reader.TryRead(out var waiting)) waiting.Fail(ex);
    }

    private async Task KeepAliveAsync(TimeSpan every)
    {
        var ping = new DealRequest(DealKind.KeepAlive, 0).ToBytes();
        try
        {
            using var timer = new PeriodicTimer(every);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                lock (_gate) _requests.Writer.TryWrite(ping);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <summary>The answer to one request: <see cref="Dealings"/> dealings of <see cref="Words"/> words each, in one frame.</summary>
    private sealed class Answer(long words, int count)
    {
        public long Words { get; } = words;

        public TaskCompletionSource<Z2k[]>[] Dealings { get; } =
            Enumerable.Range(0, count)
                .Select(_ => new TaskCompletionSource<Z2k[]>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

        public void Fail(Exception ex)
        {
            foreach (var dealing in Dealings) dealing.TrySetException(ex);
        }
    }
}

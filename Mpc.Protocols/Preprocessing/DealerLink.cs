using System.Security.Cryptography;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// A computing party's link to the cluster's external dealer (<see cref="DealerService"/>): the seed the two share,
/// from which this party derives its shares of every dealing, and at party 0 the stream of requests (shapes only) the
/// dealer answers with party 0's corrections. The dealer is a member of the mesh outside the computing parties, which
/// compute over a view without it (<see cref="FirstPartiesNetwork"/>).
/// </summary>
public sealed class DealerLink : IAsyncDisposable
{
    internal static readonly StreamTag SeedTag = new(Session.ComposeTag(ProtocolChannel.Dealer, 0));
    internal static readonly StreamTag RequestTag = new(Session.ComposeTag(ProtocolChannel.Dealer, 1));

    private readonly byte[] _seed;
    private readonly IPartyNetwork _mesh;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _keepAlive;
    private int _finished;

    private DealerLink(IPartyNetwork mesh, int dealerId, byte[] seed, TimeSpan keepAliveEvery)
    {
        _mesh = mesh;
        DealerId = dealerId;
        _seed = seed;
        _keepAlive = mesh.PartyId == 0 ? KeepAliveAsync(keepAliveEvery) : Task.CompletedTask;
    }

    /// <summary>The dealer's id in the mesh (the last).</summary>
    public int DealerId { get; }

    /// <summary>My id (a computing party's).</summary>
    public int PartyId => _mesh.PartyId;

    /// <summary>Requests party 0 has sent (none at other parties).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    private long _requests;

    /// <summary>
    /// Agrees a fresh seed with the dealer: this party draws it from the OS CSPRNG and sends it over the authenticated,
    /// encrypted link. Party 0 then tells the dealer it is alive every <paramref name="keepAliveEvery"/> (a third of the
    /// receive deadline suits), so a computation that needs no dealing for a long while does not time the dealer out.
    /// </summary>
    /// <param name="mesh">The whole mesh, the dealer its last member.</param>
    /// <param name="dealerId">The dealer's id.</param>
    /// <param name="keepAliveEvery">How often party 0 tells an idle dealer it is alive.</param>
    /// <param name="seed">Fixes the seed for reproducible tests; null draws it from the OS CSPRNG.</param>
    /// <param name="ct">Cancels the set-up.</param>
    public static async ValueTask<DealerLink> ConnectAsync(IPartyNetwork mesh, int dealerId, TimeSpan keepAliveEvery, byte[]? seed = null, CancellationToken ct = default)
    {
        if (dealerId != mesh.PartyCount - 1 || mesh.PartyId == dealerId)
            throw new ArgumentException($"The dealer is the mesh's last member ({mesh.PartyCount - 1}), and not this party ({mesh.PartyId}).", nameof(dealerId));
        if (seed is not null && seed.Length != AesCtrPrg.SeedSize) throw new ArgumentException($"A seed is {AesCtrPrg.SeedSize} bytes.", nameof(seed));
        seed ??= RandomNumberGenerator.GetBytes(AesCtrPrg.SeedSize);
        await mesh.SendAsync(dealerId, SeedTag, seed, ct).ConfigureAwait(false);
        return new DealerLink(mesh, dealerId, seed, keepAliveEvery);
    }

    /// <summary>The PRG this party and the dealer both compute for the dealing under <paramref name="tag"/>.</summary>
    internal AesCtrPrg Prg(uint tag) => PrgFor(_seed, tag);

    /// <summary>HKDF-SHA256 (RFC 5869) over a party's seed with the dealer, separated by the dealing's tag.</summary>
    internal static AesCtrPrg PrgFor(byte[] seed, uint tag)
    {
        Span<byte> info = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(info, tag);
        Span<byte> key = stackalloc byte[AesCtrPrg.SeedSize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, key, salt: "mpc-dealer-prg"u8, info: info);
        return new AesCtrPrg(key);
    }

    /// <summary>
    /// Party 0: sends <paramref name="request"/> (synchronously started, so requests leave in program order) and returns
    /// the dealer's answer, party 0's dependent shares end to end.
    /// </summary>
    internal async Task<Z2k[]> RequestAsync(DealRequest request, DealRecipe recipe, CancellationToken ct)
    {
        Interlocked.Increment(ref _requests);
        var sent = _mesh.SendAsync(DealerId, RequestTag, request.ToBytes(), ct);
        long words = recipe.Dependent.Sum(v => (long)v.Length);
        var corrections = new Z2k[words];
        await sent.ConfigureAwait(false);
        if (words > 0) await _mesh.ReceiveAsync<Z2k>(DealerId, new StreamTag(request.Tag), corrections, ct).ConfigureAwait(false);
        return corrections;
    }

    /// <summary>Party 0 tells the dealer the computation is over, so it stops; other parties have nothing to say.</summary>
    public async ValueTask FinishAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        await StopKeepAliveAsync().ConfigureAwait(false);
        if (PartyId == 0) await _mesh.SendAsync(DealerId, RequestTag, new DealRequest(DealKind.End, 0).ToBytes(), ct).ConfigureAwait(false);
    }

    /// <summary>Stops the keep-alives (without telling the dealer anything: a failed run's abort tells it).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task StopKeepAliveAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(false);
    }

    private async Task KeepAliveAsync(TimeSpan every)
    {
        var ping = new DealRequest(DealKind.KeepAlive, 0).ToBytes();
        try
        {
            using var timer = new PeriodicTimer(every);
            // The send itself is never cancelled: a frame cut short would fail the network.
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                await _mesh.SendAsync(DealerId, RequestTag, ping, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        catch (PeerException)
        {
            // The network failed; the run reports that itself.
        }
        catch (ObjectDisposedException)
        {
            // The mesh closed.
        }
    }
}

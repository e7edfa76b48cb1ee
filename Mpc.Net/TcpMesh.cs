using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Net.Configuration;
using Mpc.Net.Internal;

namespace Mpc.Net;

/// <summary>
/// Connects a party to every other party of a cluster over TCP: one link per pair (lower id listens on the host
/// and port its config names, higher id dials with retry and backoff until the connect deadline), mutual TLS 1.3
/// with certificates pinned by the cluster file (unless the cluster is insecure), then a handshake comparing
/// magic, version, session id, party ids and the cluster config hash.
/// </summary>
public static class TcpMesh
{
    /// <summary>Connects party <see cref="PartyIdentity.PartyId"/> of <paramref name="cluster"/> to all its peers.</summary>
    /// <param name="cluster">The cluster, the same for every party (its hash is compared in the handshake).</param>
    /// <param name="me">My id and my certificate with its private key (null only if the cluster is insecure).</param>
    /// <param name="logger">Where to log connection events and the insecure warning.</param>
    /// <param name="ct">Cancels connecting.</param>
    /// <returns>The connected network; receives use <see cref="ClusterConfig.ReceiveTimeout"/>.</returns>
    /// <exception cref="HandshakeException">A peer was refused or refused us; the message says which check failed.</exception>
    /// <exception cref="PeerTimeoutException">A peer did not connect within <see cref="ClusterConfig.ConnectTimeout"/>.</exception>
    /// <exception cref="ConfigException">The cluster config is invalid.</exception>
    public static Task<IPartyNetwork> ConnectAsync(ClusterConfig cluster, PartyIdentity me, ILogger? logger = null,
        CancellationToken ct = default) =>
        ConnectAsync(cluster, me, connectVia: null, logger, ct);

    private static async Task<IPartyNetwork> ConnectAsync(ClusterConfig cluster, PartyIdentity me,
        IReadOnlyDictionary<int, (string Host, int Port)>? connectVia,
        ILogger? logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(me);
        cluster.Validate(requireCertificates: !cluster.Insecure);
        if ((uint)me.PartyId >= (uint)cluster.PartyCount)
            throw new ArgumentOutOfRangeException(nameof(me), me.PartyId, $"Party id must be in 0..{cluster.PartyCount - 1}.");
        logger ??= NullLogger.Instance;
        if (cluster.Insecure)
        {
            logger.LogWarning("Party {PartyId}: TLS is off (insecure cluster): links are plaintext and peers are not authenticated. "
                + "Use only for tests and demos.", me.PartyId);
        }
        else if (me.Certificate is not { HasPrivateKey: true })
        {
            throw new ArgumentException("A TLS cluster needs my certificate with its private key.", nameof(me));
        }
        var connector = new MeshConnector(cluster, me, logger, connectVia);
        return await connector.ConnectAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Connects the party that <paramref name="me"/> describes, loading its certificate and key, and dialing
    /// through its <see cref="PartyConfig.ConnectVia"/> addresses.</summary>
    /// <exception cref="ConfigException">The certificate or key cannot be loaded.</exception>
    public static Task<IPartyNetwork> ConnectAsync(PartyConfig me, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(me);
        return ConnectAsync(me.Cluster, me.LoadIdentity(), me.ConnectVia, logger, ct);
    }
}

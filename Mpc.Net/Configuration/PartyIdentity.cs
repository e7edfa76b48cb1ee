using System.Security.Cryptography.X509Certificates;

namespace Mpc.Net.Configuration;

/// <summary>Who I am on the mesh: my party id, and my certificate with its private key (null only in insecure clusters).</summary>
public sealed class PartyIdentity(int partyId, X509Certificate2? certificate) : IDisposable
{
    /// <summary>My party id.</summary>
    public int PartyId { get; } = partyId;

    /// <summary>The certificate I present, with its private key.</summary>
    public X509Certificate2? Certificate { get; } = certificate;

    /// <inheritdoc />
    public void Dispose() => Certificate?.Dispose();
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Mpc.Party.Launch;

/// <summary>
/// A throwaway cluster of N parties on 127.0.0.1 with free ports, in a temporary folder (configs and, once
/// launched, generated certificates). Deleted on dispose. For benchmarks and demos only.
/// </summary>
internal sealed class TemporaryCluster : IDisposable
{
    private TemporaryCluster(string directory, string clusterPath)
    {
        Directory = directory;
        ClusterPath = clusterPath;
    }

    /// <summary>The folder holding everything.</summary>
    public string Directory { get; }

    /// <summary>The cluster file to launch.</summary>
    public string ClusterPath { get; }

    /// <param name="parties">Number of parties.</param>
    /// <param name="sessionId">The session id (also in the folder's name).</param>
    /// <param name="receiveSeconds">The receive deadline.</param>
    /// <param name="data">Each party's <c>data</c> section of its party file, if the job reads data.</param>
    /// <param name="dealer">Adds a dealer (id <paramref name="parties"/>, named "dealer", no data) after the computing parties.</param>
    public static TemporaryCluster Create(int parties, string sessionId, int receiveSeconds = 120, Func<int, JsonObject>? data = null,
        bool dealer = false)
    {
        if (parties is < 2 or > 64) throw new ArgumentOutOfRangeException(nameof(parties), parties, "A cluster has 2 to 64 parties.");
        var dir = Path.Combine(Path.GetTempPath(), $"mpc-{sessionId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        int members = parties + (dealer ? 1 : 0);
        var ports = FreePorts(members);
        var cluster = new JsonObject
        {
            ["sessionId"] = sessionId,
            ["timeouts"] = new JsonObject { ["connectSeconds"] = 30, ["receiveSeconds"] = receiveSeconds },
            ["parties"] = new JsonArray(Enumerable.Range(0, members).Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i,
                ["name"] = i < parties ? $"p{i}" : "dealer",
                ["host"] = "127.0.0.1",
                ["port"] = ports[i],
                ["certificate"] = $"certs/p{i}.crt.pem",
                ["config"] = $"p{i}.json",
                ["role"] = i < parties ? "compute" : "dealer",
            }).ToArray()),
        };
        var clusterPath = Path.Combine(dir, "cluster.json");
        File.WriteAllText(clusterPath, cluster.ToJsonString());
        for (int i = 0; i < members; i++)
        {
            var party = new JsonObject { ["cluster"] = "cluster.json", ["partyId"] = i, ["privateKey"] = $"certs/p{i}.key.pem" };
            if (data is not null && i < parties) party["data"] = data(i);
            File.WriteAllText(Path.Combine(dir, $"p{i}.json"), party.ToJsonString());
        }
        return new TemporaryCluster(dir, clusterPath);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // Ports the OS hands out now; a tiny race with other programs is acceptable for local runs.
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }
}

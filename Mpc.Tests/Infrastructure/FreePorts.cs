using System.Net;
using System.Net.Sockets;

namespace Mpc.Tests.Infrastructure;

/// <summary>Ephemeral loopback ports that were free a moment ago (all held at once, so they are distinct).</summary>
public static class FreePorts
{
    public static int[] Allocate(int count)
    {
        var sockets = new Socket[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            return sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToArray();
        }
        finally
        {
            foreach (var s in sockets) s?.Dispose();
        }
    }

    /// <summary><paramref name="count"/> consecutive loopback ports that were free a moment ago; returns the first.</summary>
    public static int AllocateConsecutive(int count)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int first = Allocate(1)[0];
            if (first + count > 65535) continue;
            var sockets = new List<Socket>();
            try
            {
                for (int i = 0; i < count; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets.Add(socket);
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, first + i));
                }
                return first;
            }
            catch (SocketException)
            {
                // One of them is taken: try another range.
            }
            finally
            {
                foreach (var s in sockets) s.Dispose();
            }
        }
        throw new InvalidOperationException($"No {count} consecutive free loopback ports found.");
    }
}

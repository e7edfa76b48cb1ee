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
}

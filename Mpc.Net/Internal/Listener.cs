using System.Net;
using System.Net.Sockets;

namespace Mpc.Net.Internal;

/// <summary>The one way a party (or its doctor) listens: on exactly the address and port its cluster file names.</summary>
internal static class Listener
{
    /// <summary>A TCP socket bound to <paramref name="address"/>:<paramref name="port"/> and listening.</summary>
    /// <exception cref="SocketException">It cannot bind or listen there (the socket is disposed).</exception>
    public static Socket Open(IPAddress address, int port)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(128);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }
}

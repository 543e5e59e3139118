using System.Net;
using System.Net.Sockets;

namespace StreamRec.Embedded;

/// <summary>Finds free TCP ports on 127.0.0.1 for servers the project starts itself.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A port that was free a moment ago. Another process may still take it before the caller binds it,
    /// so callers that start a server retry with a new port when the bind fails.
    /// </summary>
    public static int GetFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace StreamRec.Embedded;

/// <summary>
/// One Redis command on a fresh loopback connection, for watching the embedded servers' own state
/// (CLUSTER INFO, CLUSTER NODES, INFO): a client library would route these by itself, and follow
/// redirections, where the caller wants one node's own answer.
/// </summary>
internal static class RespClient
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The reply of a command that answers a simple string, an integer or a bulk string.</summary>
    /// <exception cref="IOException">The node closed the connection, answered an error, or did not answer in time.</exception>
    /// <exception cref="SocketException">The node is not listening.</exception>
    public static async Task<string> QueryAsync(int port, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueryTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Count}\r\n");
            foreach (var part in command)
            {
                request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var header = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false) ?? throw new IOException($"127.0.0.1:{port} closed the connection.");
            switch (header[0])
            {
                case '+' or ':':
                    return header[1..];
                case '$':
                    var length = int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture);
                    var body = new char[length];
                    var read = 0;
                    while (read < length)
                    {
                        var n = await reader.ReadAsync(body.AsMemory(read), timeout.Token).ConfigureAwait(false);
                        read += n > 0 ? n : throw new IOException($"127.0.0.1:{port} closed the connection mid-reply.");
                    }

                    return new string(body);
                default:
                    throw new IOException($"127.0.0.1:{port} answered {string.Join(' ', command)} with {header}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"127.0.0.1:{port} did not answer {string.Join(' ', command)} within {QueryTimeout.TotalSeconds:0} s.");
        }
    }
}

using System.Net;
using StreamRec.Embedded;

namespace StreamRec.IntegrationTests.Hosting;

/// <summary>
/// The receiving end of an OTLP/HTTP metric export on loopback: records each request's path, content
/// type and size and answers 200 as a collector does.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(string Path, string? ContentType, long Bytes)> _requests = [];
    private readonly Task _loop;

    public OtlpReceiver()
    {
        Port = LoopbackPorts.GetFree();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string MetricsEndpoint => $"http://127.0.0.1:{Port}/v1/metrics";

    public IReadOnlyList<(string Path, string? ContentType, long Bytes)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _ = _loop.Exception; // observed: the loop ends with the listener
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            lock (_requests)
            {
                _requests.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.Length));
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Qarion.LocalServer.Endpoints;
using Qarion.LocalServer.State;

namespace Qarion.LocalServer.Hosting;

/// <summary>A running local server on 127.0.0.1. Tests start one in-process; the program runs one until Ctrl+C.</summary>
public sealed class LocalQarionServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalQarionServer(WebApplication app, CatalogState state, Uri url)
    {
        _app = app;
        State = state;
        Url = url;
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    public CatalogState State { get; }

    public static async Task<LocalQarionServer> StartAsync(LocalServerOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Manifests can be gigabytes; the size limit, if any, is ours (413), not Kestrel's.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        var state = new CatalogState(options);
        var app = builder.Build();
        if (options.PathBase is { Length: > 0 } pathBase)
        {
            var prefix = new PathString("/" + pathBase.Trim('/'));
            app.Use(async (context, next) =>
            {
                // As a gateway that routes by path: only what is under the prefix reaches the API.
                if (!context.Request.Path.StartsWithSegments(prefix, out var rest))
                {
                    context.Response.StatusCode = 404;
                    return;
                }

                context.Request.PathBase = prefix;
                context.Request.Path = rest;
                await next(context);
            });
        }

        // Routes are matched here, after the path base is taken off (by default they would be matched first).
        app.UseRouting();
        app.UseMiddleware<RequestPipeline>(state);
        ApiEndpoints.Map(app, state);
        ControlEndpoints.Map(app, state);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Port {options.Port} on 127.0.0.1 is busy. Choose another with --port, or --port 0 for a free one.", ex);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        if (options.UrlFile is { } urlFile)
        {
            await File.WriteAllTextAsync(urlFile, url.ToString().TrimEnd('/') + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        }

        return new LocalQarionServer(app, state, url);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (State.Options.UrlFile is { } urlFile)
        {
            File.Delete(urlFile);
        }
    }
}

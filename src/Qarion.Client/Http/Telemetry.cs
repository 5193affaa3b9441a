using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace Qarion.Client.Http;

/// <summary>
/// Tracing and metrics with no dependency: an <see cref="ActivitySource"/> and a <see cref="Meter"/>, both
/// named <c>Qarion.Client</c>. OpenTelemetry users get them by adding that source and meter name.
/// </summary>
internal static partial class Telemetry
{
    public const string Name = "Qarion.Client";

    public static readonly ActivitySource Source = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString(3));

    private static readonly Meter Meter = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString(3));

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("qarion.client.retries", description: "Attempts of a call that failed transiently and were tried again.");

    public static readonly Histogram<double> Waits = Meter.CreateHistogram<double>("qarion.client.retry.wait", unit: "s", description: "Time waited before a retry (backoff or the server's Retry-After).");

    /// <summary>One activity per API call, named by its route, tagged with the space and connector.</summary>
    public static Activity? StartCall(HttpMethod method, string path)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var route = Route().Match(path);
        var activity = Source.StartActivity($"Qarion {method.Method} {Template(path)}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("http.request.method", method.Method);
            if (route.Success)
            {
                activity.SetTag("qarion.space", Uri.UnescapeDataString(route.Groups["space"].Value));
                if (route.Groups["connector"].Success)
                {
                    activity.SetTag("qarion.connector", Uri.UnescapeDataString(route.Groups["connector"].Value));
                }
            }
        }

        return activity;
    }

    private static string Template(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var bare = query < 0 ? path : path[..query];
        return Route().Replace(bare, m => "catalog/spaces/{space}" + (m.Groups["connector"].Success ? "/connectors/{id}" : ""));
    }

    [GeneratedRegex(@"^catalog/spaces/(?<space>[^/?]+)(/connectors/(?<connector>[^/?]+))?", RegexOptions.CultureInvariant)]
    private static partial Regex Route();
}

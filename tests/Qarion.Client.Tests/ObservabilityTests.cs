using System.Diagnostics;
using System.Diagnostics.Metrics;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>What an OpenTelemetry user sees by adding the source and meter "Qarion.Client"; and the rate-limit headers.</summary>
public sealed class ObservabilityTests
{
    [Fact]
    public async Task Each_call_is_one_activity_tagged_with_space_connector_status_and_attempts_with_retries_as_events()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Qarion.Client",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((activity.GetTagItem("qarion.connector") as string)?.StartsWith(id, StringComparison.Ordinal) == true)
                {
                    lock (activities)
                    {
                        activities.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var client = server.Client();
        server.State.Faults.Add(new Fault { Status = 503, Count = 2, RetryAfter = "1", PathContains = id });

        await client.Connectors.GetAsync(ServerHarness.Space, id);
        await Assert.ThrowsAsync<QarionNotFoundException>(() => client.Connectors.GetAsync(ServerHarness.Space, id + "x"));
        await client.Connectors.SyncAsync(ServerHarness.Space, id);

        Assert.Equal(3, activities.Count);
        var get = activities[0];
        Assert.Equal("Qarion GET catalog/spaces/{space}/connectors/{id}", get.DisplayName);
        Assert.Equal("analytics", get.GetTagItem("qarion.space"));
        Assert.Equal(200, get.GetTagItem("http.response.status_code"));
        Assert.Equal(3, get.GetTagItem("qarion.attempts"));
        Assert.Equal(2, get.Events.Count(e => e.Name == "retry"));
        var retry = get.Events.First(e => e.Name == "retry").Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(1, retry["qarion.attempt"]);
        Assert.Equal("503 Service Unavailable", retry["qarion.retry.reason"]);
        Assert.True(retry["qarion.retry.delay_s"] is double delay && delay >= 1);
        Assert.Equal(true, retry["qarion.retry.after"]);
        Assert.Equal(ActivityStatusCode.Unset, get.Status);
        var failed = activities[1];
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(nameof(QarionNotFoundException), failed.StatusDescription);
        Assert.Equal(404, failed.GetTagItem("http.response.status_code"));
        Assert.Equal(202, activities[2].GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task Retries_and_their_waits_are_counted_on_the_meter()
    {
        await using var server = await ServerHarness.StartAsync();
        long retries = 0;
        var waits = new List<double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Qarion.Client")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref retries, value));
        meters.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (waits) { waits.Add(value); } });
        meters.Start();
        using var client = server.Client();
        server.State.Faults.Add(new Fault { Status = 503, Count = 2, RetryAfter = "7" });

        await client.Connectors.ListAsync(ServerHarness.Space);

        // Other tests may retry at the same time: at least ours are there.
        Assert.True(Interlocked.Read(ref retries) >= 2);
        lock (waits)
        {
            Assert.True(waits.Count(w => w is >= 7 and < 7.8) >= 2);
        }
    }

    [Fact]
    public async Task An_answer_without_rate_limit_headers_leaves_the_last_known_ones()
    {
        await using var server = await ServerHarness.StartAsync(o => o.RateLimit = 100);
        using var client = server.Client(o => o.MaxRetries = 0);
        await client.Connectors.ListAsync(ServerHarness.Space);
        var known = client.RateLimit;
        // A fault answers before the rate limit is applied: as a proxy's answer, it has no X-RateLimit-* headers.
        var id = Guid.NewGuid().ToString();
        server.State.Faults.Add(new Fault { Status = 200, Body = "raw-json", Detail = $"{{\"id\": \"{id}\", \"name\": \"n\", \"connector_type\": \"dbt_manifest\"}}" });

        await client.Connectors.GetAsync(ServerHarness.Space, id);

        Assert.NotNull(known);
        Assert.Equal(known, client.RateLimit);
    }

    [Fact]
    public async Task A_wait_for_the_keys_next_slot_is_measured_on_the_meter_and_a_retry_is_counted_with_its_method()
    {
        await using var server = await ServerHarness.StartAsync(o => { o.RateLimit = 600; o.RateLimitBurst = 1; });
        var retries = new List<string?>();
        var waits = new List<double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Qarion.Client")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var method = tags.ToArray().FirstOrDefault(t => t.Key == "http.request.method").Value as string;
            lock (retries) { retries.Add(method); }
        });
        meters.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (waits) { waits.Add(value); } });
        meters.Start();
        var paced = new List<QarionPacing>();
        // Real waits here (a tenth of a second): the server's bucket refills in real time.
        using (var client = new QarionClient(new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = server.Server.Url, OnPacing = paced.Add }))
        {
            // Each spends the budget of one; the next, sent within the tenth of a second, waits for its slot.
            for (var i = 0; i < 50 && paced.Count == 0; i++)
            {
                await client.Connectors.ListAsync(ServerHarness.Space);
            }
        }

        await using var flaky = await ServerHarness.StartAsync();
        using (var client = flaky.Client())
        {
            flaky.State.Faults.Add(new Fault { Status = 503, Method = "DELETE" });
            await client.Connectors.DeleteAsync(ServerHarness.Space, flaky.Seed("gone"));
        }

        Assert.NotEmpty(paced);
        var pacing = paced[0].Delay.TotalSeconds;
        lock (waits)
        {
            Assert.Contains(pacing, waits);
        }

        lock (retries)
        {
            // Other tests may retry at the same time: ours is there, with its method.
            Assert.Contains("DELETE", retries);
        }
    }

    [Fact]
    public async Task Rate_limit_headers_are_readable_after_a_call_and_on_the_exception()
    {
        await using var server = await ServerHarness.StartAsync(o => o.RateLimit = 2);
        using var client = server.Client(o => o.MaxRetries = 0);

        await client.Connectors.ListAsync(ServerHarness.Space);
        var after = client.RateLimit!;
        await client.Connectors.ListAsync(ServerHarness.Space);
        var error = await Assert.ThrowsAsync<QarionRateLimitException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal((2, 1), (after.Limit, after.Remaining));
        Assert.True(after.Reset > DateTimeOffset.UtcNow.AddSeconds(-5));
        Assert.Equal(0, error.RateLimit!.Remaining);
        Assert.Equal(0, client.RateLimit!.Remaining);
    }
}

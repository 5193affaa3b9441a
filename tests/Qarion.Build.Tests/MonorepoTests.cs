using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Many dbt projects in one parallel build, on one API key with a real rate limit: every upload arrives.</summary>
[Collection(ConsumerCollection.Name)]
public sealed class MonorepoTests(PackageFixture package)
{
    [Fact]
    public async Task Twenty_projects_in_one_parallel_build_on_one_key_at_60_a_minute_all_upload()
    {
        // Qarion's lowest tier: 60 requests a minute, 5 at once. The build needs 40 (a lookup and an upload each).
        await using var server = await ServerHarness.StartAsync(o => { o.RateLimit = 60; o.RateLimitBurst = 5; });
        var root = ConsumerProject.NewRoot("monorepo");
        var projects = Enumerable.Range(1, 20).Select(i =>
        {
            var project = ConsumerProject.For(package, server, "monorepo", $"dbt_{i:00}", root);
            project.Properties["QarionConnectorName"] = project.Name;
            server.Seed(project.Name);
            return project;
        }).ToArray();
        ConsumerProject.WriteSolution(projects);

        var result = await DotnetRunner.RunAsync(root, ["build", "dbt.slnx", "-m:2", "-nr:false"], ConsumerProject.Ci(), TimeSpan.FromMinutes(6));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(20, server.State.Uploads.Select(u => u.ConnectorId).Distinct().Count());
        Assert.All(projects, p => Assert.Contains($"Qarion: {p.Name}: uploaded", result.Output));
        Assert.DoesNotContain("QRN2006", result.Output);
        Assert.Null(KeyForms.FoundIn(result.Output));
        // The projects paced themselves on what the answers said, instead of spending the budget on refusals.
        Assert.InRange(server.Requests.Count(r => r.Status == 429), 0, 10);
    }
}

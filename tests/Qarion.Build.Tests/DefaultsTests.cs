using Qarion.Workflow;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Qarion.Build.Upload;
using Qarion.Client;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>
/// A default lives in the targets (where a build log shows it), in the task (for a property left empty),
/// in the client's options (for the SDK's own users) and in the README's table: this holds them equal.
/// </summary>
public sealed class DefaultsTests
{
    /// <summary>The plain defaults the targets set at evaluation: <c>&lt;QarionX Condition="'$(QarionX)' == ''"&gt;value&lt;/QarionX&gt;</c>.</summary>
    private static Dictionary<string, string> TargetsDefaults()
    {
        var targets = XDocument.Load(Path.Combine(TestData.RepositoryRoot, "build", "Qarion.Build.targets"));
        return targets.Root!.Elements("PropertyGroup").Elements()
            .Where(e => e.Name.LocalName.StartsWith("Qarion", StringComparison.Ordinal)
                        && (string?)e.Attribute("Condition") == $"'$({e.Name.LocalName})' == ''")
            .ToDictionary(e => e.Name.LocalName, e => e.Value);
    }

    /// <summary>The README's property table: name, and the default as its second cell shows it in backticks.</summary>
    private static Dictionary<string, string> ReadmeDefaults()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "README.md"));
        return Regex.Matches(readme, @"^\| `(Qarion\w+)` \| `([^`]*)` \|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    }

    public static TheoryData<string, string> TaskDefaults() => new()
    {
        { "QarionTimeoutSeconds", Defaults.TimeoutSeconds.ToString(CultureInfo.InvariantCulture) },
        { "QarionMaxRetries", Defaults.MaxRetries.ToString(CultureInfo.InvariantCulture) },
        { "QarionSyncTimeoutSeconds", Defaults.SyncTimeoutSeconds.ToString(CultureInfo.InvariantCulture) },
        { "QarionSyncPollSeconds", Defaults.SyncPollSeconds.ToString(CultureInfo.InvariantCulture) },
        { "QarionApiKeyEnvironmentVariable", Defaults.ApiKeyEnvironmentVariable },
        { "QarionApiUrl", QarionClientOptions.DefaultBaseUrl },
    };

    [Theory]
    [MemberData(nameof(TaskDefaults))]
    public void The_targets_the_task_and_the_readme_give_each_default_alike(string property, string value)
    {
        Assert.Equal(value, TargetsDefaults()[property]);
        Assert.Equal(value, ReadmeDefaults()[property]);
    }

    [Fact]
    public void Every_plain_default_of_the_targets_is_the_one_the_readme_gives()
    {
        var readme = ReadmeDefaults();
        foreach (var (property, value) in TargetsDefaults())
        {
            Assert.True(readme.TryGetValue(property, out var documented), $"{property} has no default in the README's table");
            Assert.Equal(value, documented);
        }
    }

    [Fact]
    public void The_clients_own_defaults_are_the_tasks()
    {
        var options = new QarionClientOptions();
        var wait = new SyncWaitOptions();

        Assert.Equal(TimeSpan.FromSeconds(Defaults.TimeoutSeconds), options.RequestTimeout);
        Assert.Equal(Defaults.MaxRetries, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(Defaults.SyncTimeoutSeconds), wait.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(Defaults.SyncPollSeconds), wait.PollInterval);
        Assert.Equal(QarionClientOptions.ApiKeyEnvironmentVariable, Defaults.ApiKeyEnvironmentVariable);
    }
}

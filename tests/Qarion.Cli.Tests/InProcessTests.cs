using Qarion.Cli.Output;

namespace Qarion.Cli.Tests;

/// <summary>What a process run cannot show: the progress line a terminal gets, and when a terminal counts as one. qarion's own code, run in this process against the local server.</summary>
public sealed class InProcessTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(bool interactive, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var host = new CliHost
        {
            GetEnvironmentVariable = name => name switch
            {
                "QARION_API_KEY" => ServerHarness.Key,
                "QARION_BASE_URL" => _server.Server.Url.ToString(),
                _ => null,
            },
            Out = stdout,
            Error = stderr,
            Interactive = interactive,
            ConfigureClient = o => o.Delay = _server.RecordDelay,
        };
        var exit = await new CliApp(host).RunAsync(args, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_large_upload_shows_a_progress_line_on_a_terminal_and_clears_it()
    {
        _server.Seed("dbt");
        var path = Path.Combine(TestData.TempDirectory("cli-large"), "manifest.json");
        ManifestGenerator.Write(path, 12L << 20);

        var watched = await RunAsync(true, "connectors", "upload-dbt-manifest", "--space", ServerHarness.Space, "--connector", "dbt", "--file", path);
        var redirected = await RunAsync(false, "connectors", "upload-dbt-manifest", "--space", ServerHarness.Space, "--connector", "dbt", "--file", path);

        Assert.True(watched.ExitCode == 0, watched.Error);
        Assert.Contains($"\rUploading {path}: ", watched.Error, StringComparison.Ordinal);
        Assert.Contains(" of 12.0 MB (", watched.Error, StringComparison.Ordinal);
        Assert.EndsWith("\r" + new string(' ', 79) + "\r", watched.Error, StringComparison.Ordinal);
        Assert.Equal(0, redirected.ExitCode);
        Assert.Equal("", redirected.Error);
        Assert.Equal(2, _server.State.Uploads.Count);
    }

    [Theory]
    [InlineData(false, null, null, null, true)]
    [InlineData(true, null, null, null, false)]
    [InlineData(false, "true", null, null, false)]
    [InlineData(false, null, "True", null, false)]
    [InlineData(false, null, null, "dumb", false)]
    [InlineData(false, null, null, "xterm-256color", true)]
    public void A_progress_line_is_for_a_terminal_a_person_watches(bool redirected, string? ci, string? tfBuild, string? term, bool interactive) =>
        Assert.Equal(interactive, CliHost.IsInteractive(redirected, name => name switch { "CI" => ci, "TF_BUILD" => tfBuild, "TERM" => term, _ => null }));

    [Fact]
    public async Task A_sync_that_outlasts_the_wait_timeout_exits_7_with_QRN2102()
    {
        await using var slow = await ServerHarness.StartAsync(o => o.SyncDuration = TimeSpan.FromMinutes(10));
        _server = slow;
        slow.Seed("dbt");

        var result = await RunAsync(false, "connectors", "sync", "--space", ServerHarness.Space, "--connector", "dbt", "--wait", "--wait-timeout", "0.5", "-o", "json");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("error QRN2102:", result.Error, StringComparison.Ordinal);
        Assert.Contains("\"exit_code\": 7", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("QRN1003", ExitCodes.BadManifest)]
    [InlineData("QRN1106", ExitCodes.Usage)]
    [InlineData("QRN5002", ExitCodes.Usage)]
    [InlineData("QRN2005", ExitCodes.NotFound)]
    [InlineData("QRN2013", ExitCodes.Unavailable)]
    [InlineData("QRN2102", ExitCodes.SyncFailed)]
    [InlineData("QRN2012", ExitCodes.Refused)]
    [InlineData("QRN2010", ExitCodes.Refused)]
    public void Each_code_s_class_is_its_exit_code(string code, int exitCode) => Assert.Equal(exitCode, ExitCodes.For(code));

    [Fact]
    public async Task Every_exit_code_is_in_docs_cli_md_and_all_but_the_fault_code_in_the_help()
    {
        var codes = typeof(ExitCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (Name: f.Name, Value: (int)f.GetRawConstantValue()!)).ToList();
        var docs = await File.ReadAllTextAsync(Path.Combine(TestData.RepositoryRoot, "docs", "cli.md"));
        var help = (await RunAsync(false, "--help")).Out;

        Assert.Equal(10, codes.Count);
        foreach (var (name, value) in codes)
        {
            Assert.True(docs.Contains($"\n| {value} | ", StringComparison.Ordinal), $"docs/cli.md has no row for exit code {value} ({name})");
            Assert.True(name == nameof(ExitCodes.Internal) || help.Contains($" {value} ", StringComparison.Ordinal), $"the help does not name exit code {value} ({name})");
        }
    }

    [Fact]
    public void Json_output_escapes_the_bracket_of_a_log_command_and_nothing_else()
    {
        Assert.Equal("""{"a": "x ##vso\u005Btask] ##\u005Berror] ##VSO\u005B [ok]"}""", Terminal.InertJson("""{"a": "x ##vso[task] ##[error] ##VSO[ [ok]"}"""));
    }
}

using System.Security.Cryptography;
using System.Text;
using Qarion.Client.Http;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>
/// The pacer's shared state, as other clients (other MSBuild nodes, other builds) read and write it:
/// four numbers in a file, exactly, whatever a damaged or hostile file holds.
/// </summary>
public sealed class PacerStateTests
{
    private static readonly Uri Url = new("https://api.qarion.example/");
    private const string Key = "qk_pacer-1a2b3c";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    private static string StateFile(string directory, Uri? url = null, string key = Key) => Path.Combine(directory,
        $"qarion-ratelimit-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((url ?? Url).AbsoluteUri + "\n" + key)))[..32]}.state");

    private static (RateLimitPacer Pacer, string File) Fresh(string? contents = null)
    {
        var directory = Path.Combine(TestData.TempDirectory("pacer"), "not-yet-made");
        var file = StateFile(directory);
        if (contents is not null)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(file, contents);
        }

        return (new RateLimitPacer(directory, Url, Key), file);
    }

    private static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    [Fact]
    public void What_an_answer_said_is_written_as_four_numbers_in_a_folder_made_for_it()
    {
        var (pacer, file) = Fresh();

        pacer.Observe(new QarionRateLimit(60, 5, Now.AddSeconds(30)), null, Now);

        Assert.Equal($"5 {Ms(Now.AddSeconds(30))} -1 60", File.ReadAllText(file));
    }

    [Fact]
    public void A_spent_budget_gives_the_next_slot_one_minute_over_the_limit_apart_and_says_so_in_the_file()
    {
        var reset = Now.AddSeconds(20);
        var (pacer, file) = Fresh($"0 {Ms(reset)} -1 60");

        var first = pacer.Reserve(Now, Long);
        var second = pacer.Reserve(Now, Long);

        Assert.Equal((TimeSpan.FromSeconds(20), true), first);
        Assert.Equal((TimeSpan.FromSeconds(21), true), second);
        Assert.Equal($"0 {Ms(reset)} {Ms(reset.AddSeconds(2))} 60", File.ReadAllText(file));
    }

    [Fact]
    public void A_slot_just_within_the_longest_wait_is_taken_and_one_beyond_it_is_only_told()
    {
        var reset = Now.AddSeconds(20);
        var (pacer, file) = Fresh($"0 {Ms(reset)} -1 60");

        var beyond = pacer.Reserve(Now, TimeSpan.FromSeconds(19.999));
        var unchanged = File.ReadAllText(file);
        var exactly = pacer.Reserve(Now, TimeSpan.FromSeconds(20));

        Assert.Equal((TimeSpan.FromSeconds(20), false), beyond);
        Assert.Equal($"0 {Ms(reset)} -1 60", unchanged);
        Assert.Equal((TimeSpan.FromSeconds(20), true), exactly);
    }

    [Fact]
    public void A_budget_left_is_spent_one_by_one_and_the_file_keeps_every_other_number()
    {
        var (pacer, file) = Fresh("2 -1 0 7");

        Assert.Equal((TimeSpan.Zero, true), pacer.Reserve(Now, Long));

        // Epoch 0 is a time like any other; -1 says "none".
        Assert.Equal("1 -1 0 7", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("1 2 3")]
    [InlineData("x y z w")]
    [InlineData("-5 -1 -1 -1")]
    [InlineData("2147483648 -1 -1 -1")]
    public void A_file_that_says_nothing_usable_leaves_the_budget_unknown(string contents)
    {
        var (pacer, file) = Fresh(contents);

        Assert.Equal((TimeSpan.Zero, true), pacer.Reserve(Now, Long));
        Assert.Equal("-1 -1 -1 -1", File.ReadAllText(file));
    }

    [Fact]
    public void The_largest_numbers_a_file_may_hold_are_read_and_one_more_is_not()
    {
        var (kept, keptFile) = Fresh("2147483647 253402300799000 -1 2147483647");
        var (dropped, droppedFile) = Fresh("0 253402300799001 -1 0");

        kept.Reserve(Now, Long);
        var free = dropped.Reserve(Now, Long);

        Assert.Equal("2147483646 253402300799000 -1 2147483647", File.ReadAllText(keptFile));
        Assert.Equal((TimeSpan.Zero, true), free);
        Assert.Equal($"0 -1 {Ms(Now)} -1", File.ReadAllText(droppedFile));
    }

    [Fact]
    public void A_shorter_state_replaces_a_longer_one_whole()
    {
        var (pacer, file) = Fresh($"1000000 {Ms(Now.AddSeconds(50))} {Ms(Now.AddSeconds(40))} 1000");

        pacer.Observe(new QarionRateLimit(5, 3, Now.AddSeconds(90)), null, Now);

        Assert.Equal($"3 {Ms(Now.AddSeconds(90))} {Ms(Now.AddSeconds(40))} 5", File.ReadAllText(file));
    }

    [Fact]
    public void A_refusal_never_brings_a_later_reset_closer_and_a_reset_or_refusal_more_than_an_hour_ahead_is_an_hour()
    {
        var (pacer, file) = Fresh($"4 {Ms(Now.AddSeconds(100))} -1 60");
        var (far, farFile) = Fresh();

        var (refused, refusedFile) = Fresh();

        pacer.Observe(null, TimeSpan.FromSeconds(10), Now);
        far.Observe(new QarionRateLimit(60, 0, Now.AddHours(5)), null, Now);
        refused.Observe(null, TimeSpan.FromHours(5), Now);

        Assert.Equal($"0 {Ms(Now.AddSeconds(100))} -1 60", File.ReadAllText(file));
        Assert.Equal($"0 {Ms(Now.AddHours(1))} -1 60", File.ReadAllText(farFile));
        Assert.Equal($"0 {Ms(Now.AddHours(1))} -1 -1", File.ReadAllText(refusedFile));
    }

    [Theory]
    [InlineData(3, 5, 3)]
    [InlineData(5, 3, 3)]
    [InlineData(2, -4, 0)]
    public void Within_one_window_the_lower_count_is_the_truer(int before, int told, int after)
    {
        var reset = Now.AddSeconds(30);
        var (pacer, file) = Fresh($"{before} {Ms(reset)} -1 60");

        pacer.Observe(new QarionRateLimit(60, told, reset), null, Now);

        Assert.Equal($"{after} {Ms(reset)} -1 60", File.ReadAllText(file));
    }

    [Fact]
    public void A_later_reset_is_a_new_window_whose_count_holds()
    {
        var (pacer, file) = Fresh($"1 {Ms(Now.AddSeconds(30))} -1 60");

        pacer.Observe(new QarionRateLimit(60, 40, Now.AddSeconds(90)), null, Now);

        Assert.Equal($"40 {Ms(Now.AddSeconds(90))} -1 60", File.ReadAllText(file));
    }

    [Fact]
    public void The_url_and_the_key_are_told_apart_where_their_concatenation_is_the_same()
    {
        var directory = TestData.TempDirectory("pacer");
        var one = new RateLimitPacer(directory, new Uri("https://a.example/b"), "c");
        var other = new RateLimitPacer(directory, new Uri("https://a.example/bc"), "");

        one.Observe(new QarionRateLimit(60, 0, Now.AddSeconds(30)), null, Now);

        Assert.True(File.Exists(StateFile(directory, new Uri("https://a.example/b"), "c")));
        Assert.Equal((TimeSpan.Zero, true), other.Reserve(Now, Long));
    }
    [Fact]
    public void A_folder_that_cannot_be_made_leaves_the_pacer_pacing_alone_in_memory()
    {
        // A file where the folder should be: CreateDirectory fails, and no request fails with it.
        var blocker = Path.Combine(TestData.TempDirectory("pacer"), "a-file");
        File.WriteAllText(blocker, "not a folder");
        var pacer = new RateLimitPacer(blocker, Url, Key);

        pacer.Observe(new QarionRateLimit(60, 0, Now.AddSeconds(30)), null, Now);

        Assert.Equal((TimeSpan.FromSeconds(30), true), pacer.Reserve(Now, Long));
        Assert.Equal("not a folder", File.ReadAllText(blocker));
    }

    [Fact]
    public async Task A_state_file_that_is_a_named_pipe_is_not_opened_and_the_pacer_paces_alone_in_memory()
    {
        // Opening a FIFO blocks until a writer comes: a pacer that opened it would hang every request.
        var directory = TestData.TempDirectory("pacer");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [StateFile(directory)])!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Assert.NotNull(Qarion.Files.FileKind.NotRegular(StateFile(directory)));
        var pacer = new RateLimitPacer(directory, Url, Key);
        var pacing = Task.Run(() =>
        {
            pacer.Observe(new QarionRateLimit(60, 0, Now.AddSeconds(30)), null, Now);
            return pacer.Reserve(Now, Long);
        });

        Assert.Equal((TimeSpan.FromSeconds(30), true), await pacing.WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_state_file_held_by_another_past_the_patience_is_left_as_it_is_and_the_pacer_paces_alone()
    {
        var (pacer, file) = Fresh($"0 {Ms(Now.AddSeconds(20))} -1 60");
        using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            // What this pacer knows alone: nothing, so the budget is not known to be spent.
            Assert.Equal((TimeSpan.Zero, true), pacer.Reserve(Now, Long));
        }

        Assert.Equal($"0 {Ms(Now.AddSeconds(20))} -1 60", File.ReadAllText(file));
    }

    [Fact]
    public async Task A_state_file_held_by_another_for_a_moment_is_waited_for_and_read()
    {
        var (pacer, file) = Fresh($"0 {Ms(Now.AddSeconds(20))} -1 60");
        var held = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var reserving = Task.Run(() => pacer.Reserve(Now, Long));
        // Released well within the pacer's patience (2 s); a pacer that reserved before it waited for it.
        await Task.Delay(300);
        await held.DisposeAsync();

        Assert.Equal((TimeSpan.FromSeconds(20), true), await reserving.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal($"0 {Ms(Now.AddSeconds(20))} {Ms(Now.AddSeconds(21))} 60", File.ReadAllText(file));
    }
}

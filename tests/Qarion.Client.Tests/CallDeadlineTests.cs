using Qarion.Client.Http;

namespace Qarion.Client.Tests;

/// <summary>A call's deadline counts the waits it asked for even when a test's delay does not sleep, so it holds on any clock.</summary>
public sealed class CallDeadlineTests
{
    private static readonly List<TimeSpan> Slept = [];

    private static Task NoSleep(TimeSpan wait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Slept)
        {
            Slept.Add(wait);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Waits_that_did_not_sleep_still_count_against_the_deadline_and_add_up()
    {
        var deadline = new CallDeadline(TimeSpan.FromMinutes(10));

        await deadline.WaitAsync(NoSleep, TimeSpan.FromMinutes(3), CancellationToken.None);
        await deadline.WaitAsync(NoSleep, TimeSpan.FromMinutes(4), CancellationToken.None);

        Assert.InRange(deadline.Elapsed, TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(7.5));
        Assert.InRange(deadline.Left, TimeSpan.FromMinutes(2.5), TimeSpan.FromMinutes(3));
        Assert.True(deadline.Allows(TimeSpan.FromMinutes(2)));
        Assert.False(deadline.Allows(TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public async Task The_clock_counts_when_it_is_ahead_of_the_waits()
    {
        var deadline = new CallDeadline(TimeSpan.FromMinutes(1));
        await deadline.WaitAsync(NoSleep, TimeSpan.Zero, CancellationToken.None);

        await Task.Delay(50);

        Assert.InRange(deadline.Elapsed, TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(50));
        Assert.True(deadline.Left < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void A_fresh_deadline_allows_a_wait_shorter_than_it_and_never_one_as_long()
    {
        var deadline = new CallDeadline(TimeSpan.FromMinutes(1));

        Assert.True(deadline.Allows(TimeSpan.FromSeconds(30)));
        Assert.False(deadline.Allows(TimeSpan.FromMinutes(1)));
        Assert.False(new CallDeadline(TimeSpan.Zero).Allows(TimeSpan.Zero));
    }

    [Fact]
    public async Task The_delay_gets_the_wait_and_the_callers_token()
    {
        var deadline = new CallDeadline(TimeSpan.FromMinutes(10));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => deadline.WaitAsync(NoSleep, TimeSpan.FromSeconds(1), cancelled.Token));
        await deadline.WaitAsync(NoSleep, TimeSpan.FromSeconds(17), CancellationToken.None);

        lock (Slept)
        {
            Assert.Contains(TimeSpan.FromSeconds(17), Slept);
        }
    }
}

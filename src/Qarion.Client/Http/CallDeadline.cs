using System.Diagnostics;

namespace Qarion.Client.Http;

/// <summary>
/// One call's deadline (TotalTimeout), across its attempts and waits. Time spent is the clock's, or the
/// waits asked for when they are more (a test's delay that does not sleep), so a deadline holds either way.
/// </summary>
internal sealed class CallDeadline(TimeSpan total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _waited;

    public TimeSpan Elapsed => _clock.Elapsed > _waited ? _clock.Elapsed : _waited;

    public TimeSpan Left => total - Elapsed;

    /// <summary>Whether a wait of <paramref name="wait"/> still ends before the deadline.</summary>
    public bool Allows(TimeSpan wait) => wait < Left;

    public async Task WaitAsync(Func<TimeSpan, CancellationToken, Task> delay, TimeSpan wait, CancellationToken cancellationToken)
    {
        _waited = Elapsed + wait;
        await delay(wait, cancellationToken).ConfigureAwait(false);
    }
}

using Qarion.Files;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Qarion.Client.Http;

/// <summary>
/// Paces requests against a key's rate limit, from what the answers said of it (<c>X-RateLimit-*</c>
/// and 429s): while the budget lasts requests go at once; once it is spent each waits for a slot at or
/// after the reset, one slot per share of the limit (<c>60 s / X-RateLimit-Limit</c>, the limit being per
/// minute). Given a directory, every client of the same API URL and key, in any process, shares this in a
/// small file there, under an exclusive lock: the projects of one parallel build take turns instead of
/// drawing 429s together. The file holds numbers only, and its name is a hash, never the key.
/// </summary>
internal sealed class RateLimitPacer
{
    /// <summary>How long to try for the lock before pacing alone for one request.</summary>
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private readonly string? _file;
    private State _local = new();

    public RateLimitPacer(string? directory, Uri baseUrl, string key)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            return;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(baseUrl.AbsoluteUri + "\n" + key)))[..32].ToLowerInvariant();
        _file = Path.Combine(directory, $"qarion-ratelimit-{hash}.state");
    }

    /// <summary>
    /// Takes the next place: zero while the budget lasts, else the wait until the next slot. A slot more
    /// than <paramref name="longest"/> away is not taken (the caller will not wait that long): only the wait is told.
    /// </summary>
    public (TimeSpan Wait, bool Taken) Reserve(DateTimeOffset now, TimeSpan longest) => Update(state =>
    {
        if (state.Remaining is not { } remaining || remaining > 0)
        {
            state.Remaining = state.Remaining - 1;
            return (TimeSpan.Zero, true);
        }

        var slot = Max(Max(now, state.NextSlot), state.Reset ?? now);
        if (slot - now > longest)
        {
            return (slot - now, false);
        }

        state.NextSlot = slot + (state.Limit is > 0 and var limit ? TimeSpan.FromMinutes(1) / limit : TimeSpan.Zero);
        return (slot - now, true);
    });

    /// <summary>
    /// No reset further ahead than this is believed: a broken or hostile server must not stop every build
    /// on this machine for days through the shared file.
    /// </summary>
    private static readonly TimeSpan FurthestReset = TimeSpan.FromHours(1);

    /// <summary>What an answer said: its rate-limit headers, and for a 429 how long it asked to wait.</summary>
    public void Observe(QarionRateLimit? headers, TimeSpan? refusedFor, DateTimeOffset now) => Update(state =>
    {
        if (headers?.Reset is { } announced && announced - now > FurthestReset)
        {
            headers = headers with { Reset = now + FurthestReset };
        }

        if (refusedFor > FurthestReset)
        {
            refusedFor = FurthestReset;
        }

        if (headers?.Limit is > 0 and var limit)
        {
            state.Limit = limit;
        }

        if (refusedFor is { } wait)
        {
            state.Remaining = 0;
            state.Reset = Max(state.Reset ?? now, now + wait);
        }
        else if (headers?.Remaining is { } remaining)
        {
            // A later reset is news of a new window: its count holds. Else the lower count is the truer.
            if (headers.Reset is { } reset && (state.Reset is null || reset > state.Reset))
            {
                (state.Remaining, state.Reset) = (Math.Max(0, remaining), reset);
            }
            else
            {
                state.Remaining = Math.Max(0, Math.Min(state.Remaining ?? remaining, remaining));
            }
        }

        return 0;
    });

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private T Update<T>(Func<State, T> change)
    {
        lock (_gate)
        {
            if (_file is null || OpenLocked(_file) is not { } stream)
            {
                return change(_local);
            }

            try
            {
                using (stream)
                {
                    var state = State.Parse(Read(stream)) ?? _local;
                    var result = change(state);
                    var text = Encoding.ASCII.GetBytes(state.ToString());
                    stream.SetLength(0);
                    stream.Write(text);
                    _local = state;
                    return result;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return change(_local);
            }
        }
    }

    private static string Read(FileStream stream)
    {
        // The state is one short line: read at most a little of whatever is there.
        var buffer = new byte[256];
        var read = stream.Read(buffer);
        stream.Position = 0;
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    /// <summary>The file opened alone (FileShare.None is an exclusive lock across processes), or null to pace alone.</summary>
    private static FileStream? OpenLocked(string path)
    {
        var deadline = DateTime.UtcNow + LockPatience;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (FileKind.NotRegular(path) is not null)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            catch (IOException ex) when (FileLocks.IsHeldByAnother(ex) && DateTime.UtcNow < deadline)
            {
                // Another client holds it for a moment. Any other error (a read-only or full temp
                // folder) does not pass by waiting: this request paces alone.
                Thread.Sleep(5);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>What is known of the key's budget. Times are Unix milliseconds in the file.</summary>
    private sealed class State
    {
        public int? Remaining { get; set; }

        public DateTimeOffset? Reset { get; set; }

        public DateTimeOffset NextSlot { get; set; } = DateTimeOffset.MinValue;

        public int? Limit { get; set; }

        public static State? Parse(string text)
        {
            var parts = text.Trim().Split(' ');
            if (parts.Length != 4)
            {
                return null;
            }

            static long? Number(string part) => long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
            static DateTimeOffset? Time(long? ms) => ms is >= 0 and <= 253_402_300_799_000 ? DateTimeOffset.FromUnixTimeMilliseconds(ms.Value) : null;
            var remaining = Number(parts[0]);
            var limit = Number(parts[3]);
            return new State
            {
                Remaining = remaining is >= 0 and <= int.MaxValue ? (int)remaining : null,
                Reset = Time(Number(parts[1])),
                NextSlot = Time(Number(parts[2])) ?? DateTimeOffset.MinValue,
                Limit = limit is > 0 and <= int.MaxValue ? (int)limit : null,
            };
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Remaining ?? -1} {Reset?.ToUnixTimeMilliseconds() ?? -1} {(NextSlot == DateTimeOffset.MinValue ? -1 : NextSlot.ToUnixTimeMilliseconds())} {Limit ?? -1}");
    }
}

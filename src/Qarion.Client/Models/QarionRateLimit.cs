using System.Globalization;

namespace Qarion.Client;

/// <summary>The rate-limit headers of an answer (<c>X-RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Reset</c>); each null when not sent.</summary>
/// <param name="Limit">Requests allowed in the window.</param>
/// <param name="Remaining">Requests left in the window.</param>
/// <param name="Reset">When the window starts again.</param>
public sealed record QarionRateLimit(int? Limit, int? Remaining, DateTimeOffset? Reset)
{
    /// <summary>The headers of <paramref name="response"/>, or null when it has none of them.</summary>
    internal static QarionRateLimit? From(HttpResponseMessage response)
    {
        int? Int(string name) => response.Headers.NonValidated.TryGetValues(name, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

        var limit = Int("X-RateLimit-Limit");
        var remaining = Int("X-RateLimit-Remaining");
        // Unix seconds, possibly fractional; a value outside the calendar is no reset.
        var reset = response.Headers.NonValidated.TryGetValues("X-RateLimit-Reset", out var resets)
            && double.TryParse(resets.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var unix)
            && unix is >= 0 and < 253_402_300_799
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000))
                : (DateTimeOffset?)null;
        return limit is null && remaining is null && reset is null ? null : new QarionRateLimit(limit, remaining, reset);
    }
}

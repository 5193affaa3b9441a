namespace Qarion.Client.Http;

/// <summary>
/// What makes a key unusable in an Authorization header. No key format is documented, so only what
/// cannot travel in a header is refused; the problem is described by position, never by value.
/// </summary>
internal static class ApiKeyFormat
{
    /// <summary>Null when the (trimmed) key can be sent; otherwise what is wrong with it, without quoting it.</summary>
    public static string? Problem(string key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c is '\r' or '\n')
            {
                return $"contains a line break (character {i + 1} of {key.Length}): a key is one line; store the secret without the line break";
            }

            if (c < 0x20 || c == 0x7F)
            {
                return $"contains a control character (character {i + 1} of {key.Length})";
            }

            if (c > 0x7E)
            {
                return $"contains a non-ASCII character (character {i + 1} of {key.Length}), which an HTTP header cannot carry: look for a typographic quote, dash or space copied with it";
            }
        }

        return null;
    }
}

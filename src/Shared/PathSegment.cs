namespace Qarion.Client.Http;

/// <summary>
/// One segment of a request path made from a value (a space slug, a connector id). A value that is, or
/// decodes to, <c>.</c> or <c>..</c> would be a dot segment, which URL resolution removes: the request
/// would leave <c>/catalog/spaces/{space}/</c>. Such a value is refused, never sent.
/// </summary>
internal static class PathSegment
{
    public static bool IsDotSegment(string value)
    {
        var decoded = value.Trim();
        try
        {
            decoded = Uri.UnescapeDataString(decoded);
        }
        catch (UriFormatException)
        {
            // Not decodable: then it is no dot segment either.
        }

        return decoded is "." or "..";
    }

    /// <summary>The value escaped as one path segment; <see cref="ArgumentException"/> for a blank or dot-segment value.</summary>
    public static string Escape(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (IsDotSegment(value))
        {
            throw new ArgumentException($"'{value}' cannot be a segment of a request path (it is a dot segment, which would address another resource).", parameterName);
        }

        return Uri.EscapeDataString(value.Trim());
    }
}

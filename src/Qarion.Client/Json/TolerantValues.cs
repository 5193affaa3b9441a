using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Qarion.Client.Json;

/// <summary>
/// Reads one JSON value as the type a model expects, accepting the legal variants real servers send
/// (a date with a space, a Unix time, 12.0 for 12, a number for an id). <c>false</c> means "another
/// type": the caller keeps the value raw instead, and the typed property stays null.
/// </summary>
internal static class TolerantValues
{
    public static bool String(JsonElement value, out string? result)
    {
        result = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Null;
    }

    /// <summary>An id: a string, or a number, which is still that id (as its text).</summary>
    public static bool Id(JsonElement value, out string? result)
    {
        result = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null;
    }

    public static bool Int(JsonElement value, out int? result)
    {
        result = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.Number when value.TryGetInt32(out var whole):
                result = whole;
                return true;
            case JsonValueKind.Number when value.TryGetDouble(out var number) && number == Math.Floor(number) && Math.Abs(number) <= int.MaxValue:
                result = (int)number;
                return true;
            case JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                result = parsed;
                return true;
            default:
                return false;
        }
    }

    public static bool Bool(JsonElement value, out bool? result)
    {
        result = value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => null,
        };
        return result is not null || value.ValueKind == JsonValueKind.Null;
    }

    public static bool Time(JsonElement value, out DateTimeOffset? result)
    {
        result = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String when DateTimeOffset.TryParse(
                value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed):
                result = parsed;
                return true;
            case JsonValueKind.Number when value.TryGetDouble(out var unix):
                // Seconds, or milliseconds where the number is too large to be seconds (after the year 5000).
                var milliseconds = Math.Abs(unix) >= 1e11 ? unix : unix * 1000;
                if (Math.Abs(milliseconds) > 253_402_300_799_000)
                {
                    return false;
                }

                result = DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
                return true;
            default:
                return false;
        }
    }

    public static bool Object(JsonElement value, out JsonObject? result)
    {
        result = value.ValueKind == JsonValueKind.Object ? JsonObject.Create(value.Clone()) : null;
        return value.ValueKind is JsonValueKind.Object or JsonValueKind.Null;
    }

    public static bool Any(JsonElement value, out JsonElement? result)
    {
        result = value.ValueKind == JsonValueKind.Null ? null : value.Clone();
        return true;
    }
}

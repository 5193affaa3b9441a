using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qarion.Client.Json;

/// <summary>How one known field of a model is read tolerantly and written back.</summary>
internal sealed record TolerantField<T>(string Name, TolerantField<T>.Reader Read, Action<Utf8JsonWriter, T> Write, Func<T, bool> HasValue)
{
    /// <summary>False when the value has another type than the field's: it is then kept raw in the extension data.</summary>
    public delegate bool Reader(JsonElement value, T model);
}

/// <summary>
/// Reads a model from any object a server sends: known fields of the expected type are typed, every
/// other field (unknown, or of an unexpected type) is kept raw in the extension data, so nothing is
/// lost and the object is written back as it came. A value that is not an object reads as null, so
/// lists can skip entries that cannot be models.
/// </summary>
internal abstract class TolerantConverter<T> : JsonConverter<T>
    where T : class, new()
{
    private readonly Dictionary<string, TolerantField<T>> _fields;
    private readonly TolerantField<T>[] _ordered;

    protected TolerantConverter(params TolerantField<T>[] fields)
    {
        _ordered = fields;
        _fields = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    protected abstract Dictionary<string, JsonElement>? GetExtensionData(T model);

    protected abstract void SetExtensionData(T model, Dictionary<string, JsonElement> data);

    public override bool HandleNull => true;

    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var model = new T();
        Dictionary<string, JsonElement>? extra = null;
        foreach (var property in root.EnumerateObject())
        {
            if (_fields.TryGetValue(property.Name, out var field) && field.Read(property.Value, model))
            {
                continue;
            }

            extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            extra[property.Name] = property.Value.Clone();
        }

        if (extra is not null)
        {
            SetExtensionData(model, extra);
        }

        return model;
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var field in _ordered)
        {
            field.Write(writer, value);
        }

        foreach (var (name, element) in GetExtensionData(value) ?? [])
        {
            // A typed value wins over a raw copy of the same field; without one, the raw copy is what the server sent.
            if (!_fields.TryGetValue(name, out var known) || !known.HasValue(value))
            {
                writer.WritePropertyName(name);
                element.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}

/// <summary>Field factories: each writes only when it has a value, as the rest of the client does.</summary>
internal static class Field
{
    public static TolerantField<T> String<T>(string name, Func<T, string?> get, Action<T, string?> set) => new(
        name,
        (v, m) => { var ok = TolerantValues.String(v, out var r); if (ok) set(m, r); return ok; },
        (w, m) => { if (get(m) is { } s) w.WriteString(name, s); },
        m => get(m) is not null);

    public static TolerantField<T> Id<T>(string name, Func<T, string?> get, Action<T, string?> set) => new(
        name,
        (v, m) => { var ok = TolerantValues.Id(v, out var r); if (ok) set(m, r); return ok; },
        (w, m) => { if (get(m) is { } s) w.WriteString(name, s); },
        m => get(m) is not null);

    public static TolerantField<T> Int<T>(string name, Func<T, int?> get, Action<T, int?> set) => new(
        name,
        (v, m) => { var ok = TolerantValues.Int(v, out var r); if (ok) set(m, r); return ok; },
        (w, m) => { if (get(m) is { } n) w.WriteNumber(name, n); },
        m => get(m) is not null);

    public static TolerantField<T> Bool<T>(string name, Func<T, bool?> get, Action<T, bool?> set) => new(
        name,
        (v, m) => { var ok = TolerantValues.Bool(v, out var r); if (ok) set(m, r); return ok; },
        (w, m) => { if (get(m) is { } b) w.WriteBoolean(name, b); },
        m => get(m) is not null);

    public static TolerantField<T> Time<T>(string name, Func<T, DateTimeOffset?> get, Action<T, DateTimeOffset?> set) => new(
        name,
        (v, m) => { var ok = TolerantValues.Time(v, out var r); if (ok) set(m, r); return ok; },
        (w, m) => { if (get(m) is { } t) w.WriteString(name, t); },
        m => get(m) is not null);

    public static TolerantField<T> Object<T>(string name, Func<T, System.Text.Json.Nodes.JsonObject?> get, Action<T, System.Text.Json.Nodes.JsonObject?> set) => new(
        name,
        (v, m) => { var ok = TolerantValues.Object(v, out var r); if (ok) set(m, r); return ok; },
        (w, m) => { if (get(m) is { } o) { w.WritePropertyName(name); o.WriteTo(w); } },
        m => get(m) is not null);

    public static TolerantField<T> Any<T>(string name, Func<T, JsonElement?> get, Action<T, JsonElement?> set) => new(
        name,
        (v, m) => { TolerantValues.Any(v, out var r); set(m, r); return true; },
        (w, m) => { if (get(m) is { } e) { w.WritePropertyName(name); e.WriteTo(w); } },
        m => get(m) is not null);
}

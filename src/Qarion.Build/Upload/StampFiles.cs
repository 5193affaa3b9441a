using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Qarion.Build.Upload;

/// <summary>The records a build keeps under obj/ (the upload stamp, the check stamp): read leniently, written whole.</summary>
internal static class StampFiles
{
    /// <summary>The record, or null when there is none or it is damaged: either only costs the next build one upload or one read.</summary>
    public static T? Read<T>(string? path, JsonTypeInfo<T> type) where T : class
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Written whole or not at all (a temporary file moved over the old one), so a record is never half a record.</summary>
    public static void Write<T>(string path, T value, JsonTypeInfo<T> type)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(value, type));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}

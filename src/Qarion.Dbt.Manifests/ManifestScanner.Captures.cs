using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static Qarion.Dbt.Manifests.Scanning.Grammar;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// What the check reads besides validity: the top-level key names the section, keys one level below are
/// counted as its entries, and in the metadata the schema URL and dbt version are kept. A string to read
/// is captured from its opening quote to the closing one, which may lie blocks later.
/// </summary>
internal sealed partial class ManifestScanner
{
    private enum Capture : byte { None, SectionKey, MetadataKey, MetadataValue }

    /// <summary>Which field a <see cref="Capture.MetadataValue"/> is the value of.</summary>
    private ManifestFacts.MetadataField _valueOf;

    private void Key(ref byte block, int at, ulong closing)
    {
        if (_depth == 1)
        {
            StartCapture(ref block, at, closing, Capture.SectionKey);
        }
        else if (_depth == 2)
        {
            Facts.CountEntry(_section);
            if (_section == ManifestFacts.Section.Metadata)
            {
                StartCapture(ref block, at, closing, Capture.MetadataKey);
            }
        }

        _state = State.Colon;
    }

    private void StartCapture(ref byte block, int at, ulong closing, Capture capture)
    {
        _capture = capture;
        _capturedLength = 0;
        var after = closing & (~0UL << at << 1);
        if (after != 0)
        {
            var end = BitOperations.TrailingZeroCount(after);
            Keep(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref block, at + 1), end - at - 1));
            EndCapture();
        }
        else
        {
            Keep(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref block, at + 1), Block - at - 1));
            _captureOpen = true;
        }
    }

    private void ContinueCapture(ref byte block, ulong closing)
    {
        if (closing == 0)
        {
            Keep(MemoryMarshal.CreateReadOnlySpan(ref block, Block));
            return;
        }

        Keep(MemoryMarshal.CreateReadOnlySpan(ref block, BitOperations.TrailingZeroCount(closing)));
        _captureOpen = false;
        EndCapture();
    }

    /// <summary>Keeps the bytes of a string being captured; a capture only ever needs a short string, so it is bounded.</summary>
    private void Keep(ReadOnlySpan<byte> bytes)
    {
        var room = Math.Min(bytes.Length, MaxCapture - _capturedLength);
        bytes[..room].CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += room;
    }

    private void EndCapture()
    {
        var text = Decode(_captured.AsSpan(0, _capturedLength));
        switch (_capture)
        {
            case Capture.SectionKey:
                _section = ManifestFacts.SectionOf(text);
                break;
            case Capture.MetadataKey:
                _metadataField = ManifestFacts.MetadataFieldOf(text);
                break;
            case Capture.MetadataValue:
                Facts.Keep(_valueOf, text);
                if (_valueOf == ManifestFacts.MetadataField.SchemaVersion)
                {
                    OnSchemaVersion?.Invoke(text);
                }

                break;
        }

        _capture = Capture.None;
    }

    /// <summary>
    /// A captured string's text; escapes are rare here and decoded by the reader itself. A capture cut at
    /// its bound is no name the check looks for, so it stays raw.
    /// </summary>
    private string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0 || _capturedLength == MaxCapture)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var quoted = new byte[raw.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        try
        {
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            return reader.GetString() ?? "";
        }
        catch (JsonException)
        {
            // Stage 1 has found the bad escape too, but only reports it after the walk reached it.
            throw Invalid(0, "an invalid escape");
        }
    }
}

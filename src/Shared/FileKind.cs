using System.Runtime.InteropServices;

namespace Qarion.Files;

/// <summary>
/// What a path is, after following links: a FIFO or a device reads forever or never, so only a regular
/// file is ever read. .NET has no public call for the file type; on Unix it comes from the runtime's
/// own native library (System.Native, shipped with every .NET runtime), whose status structure starts
/// with two 32-bit fields, flags and mode, in every version since .NET Core 3.
/// </summary>
internal static partial class FileKind
{
    private const int TypeMask = 0xF000;

    /// <summary>Null for a regular file, a directory or nothing at all; else what the path is, for a message ("a FIFO (named pipe)").</summary>
    public static string? NotRegular(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // No FIFOs or devices at ordinary paths; a device name (NUL, CON) has this attribute.
            try
            {
                return File.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.Device) ? "a device" : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return null;
            }
        }

        int mode;
        try
        {
            // 256 bytes: more than the structure has ever needed, so a larger future one cannot overrun.
            Span<byte> status = stackalloc byte[256];
            if (Stat(path, ref MemoryMarshal.GetReference(status)) != 0)
            {
                return null;
            }

            mode = BitConverter.ToInt32(status[4..8]) & TypeMask;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A runtime without it: the type is unknown, and the read goes on as before.
            return null;
        }

        return mode switch
        {
            0x8000 or 0x4000 => null,
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte status);
}

using System.Runtime.InteropServices;

namespace Mpc.Party.Output;

/// <summary>
/// fsync(2) on a folder, so that a rename into it is on disk: without it a crash just after the rename can bring the old
/// name back (or lose a new file) even though the file's own bytes were flushed. Unix only; Windows has no equivalent
/// and needs none for <see cref="File.Move(string, string, bool)"/>'s replace.
/// </summary>
internal static partial class DirectorySync
{
    private const int OpenReadOnly = 0;
    private const int InvalidArgument = 22, NotSupported = 95; // Linux errno: file systems that cannot sync a folder

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk.</summary>
    /// <exception cref="IOException">The folder could not be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, OpenReadOnly);
        if (fd < 0) throw new IOException($"Cannot open folder {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is not (InvalidArgument or NotSupported))
                    throw new IOException($"Cannot flush folder {directory} to disk (errno {errno}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

using System.Text;

namespace Mpc.Party.Output;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content, never a part, even across a
/// crash or power loss: the bytes go to a temporary file in the same folder, are flushed to disk (fsync), the temporary
/// file is renamed over the target (an atomic replace on one file system), and the folder is flushed so the rename
/// itself is on disk.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>, creating the folder if needed.</summary>
    public static void WriteAllBytes(string path, byte[] content) => Write(path, stream => stream.Write(content));

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given. With
    /// <paramref name="ownerOnly"/> the file is created readable and writable by its owner alone (mode 0600 on Unix) from
    /// the start, for files that hold secrets.
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool ownerOnly = false)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true); // fsync: the rename must not overtake the data
            }
            File.Move(temporary, full, overwrite: true);
            DirectorySync.Flush(directory); // the rename itself must reach the disk
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

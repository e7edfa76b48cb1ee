using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Mpc.Party.Output;

namespace Mpc.Tests.Party;

/// <summary>The job's output files: atomic replacement, the PNG encoder and the loss curve, model files.</summary>
public sealed class OutputTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void AtomicWrite_ReplacesTheWholeFile_AndLeavesNoTemporaryFile()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpc-atomic-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string path = Path.Combine(directory, "nested", "model.json");
            AtomicFile.WriteAllText(path, "first, and longer than the second");
            AtomicFile.WriteAllText(path, "second");
            Assert.Equal("second", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AtomicWrite_ThatFailsMidway_KeepsTheOldContent()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpc-atomic-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string path = Path.Combine(directory, "metrics.json");
            AtomicFile.WriteAllText(path, "old");
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write("half of the new"u8);
                throw new InvalidOperationException("the writer failed");
            }));
            Assert.Equal("old", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Png_HasSignatureHeaderAndValidChunks_AndDecodesToThePixels()
    {
        var image = new RgbImage(13, 7);
        image.Set(3, 2, (200, 10, 20));
        image.Line(0, 6, 12, 0, (0, 0, 255));
        var png = PngEncoder.Encode(image);
        Assert.True(IsValidPng(png));
        var (width, height, pixels) = Decode(png);
        Assert.Equal((13, 7), (width, height));
        Assert.Equal(image.Pixels, pixels);
    }

    [Fact]
    public void LossCurve_DrawsAPngOfTheCurve_EvenWithoutPoints()
    {
        var points = Enumerable.Range(1, 50).Select(e => (e, 0.25 / e + 0.02)).ToList();
        var curve = LossCurveImage.Draw(points, "training loss", "mean squared residual");
        Assert.True(IsValidPng(PngEncoder.Encode(curve)));
        Assert.Contains(Enumerable.Range(0, curve.Width), x => curve.Get(x, curve.Height / 2) == (31, 119, 180)); // the curve crosses the middle
        Assert.True(IsValidPng(PngEncoder.Encode(LossCurveImage.Draw([], "training loss", "loss"))));
    }

    /// <summary>Signature, IHDR first (8-bit RGB), every chunk's CRC right, IEND last, and the image data inflates to the scanlines.</summary>
    public static bool IsValidPng(byte[] png)
    {
        if (!png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return false;
        try
        {
            var (width, height, pixels) = Decode(png);
            return width > 0 && height > 0 && pixels.Length == width * height * 3;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static (int Width, int Height, byte[] Pixels) Decode(byte[] png)
    {
        int offset = 8, width = 0, height = 0;
        var data = new MemoryStream();
        var types = new List<string>();
        while (offset < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = png.AsSpan(offset + 4, 4);
            var body = png.AsSpan(offset + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            var typeAndBody = png.AsSpan(offset + 4, 4 + length);
            if (Crc32.Compute(typeAndBody) != crc) throw new InvalidDataException($"bad CRC in chunk {Encoding.ASCII.GetString(type)}");
            string name = Encoding.ASCII.GetString(type);
            types.Add(name);
            if (name == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                if (body[8] != 8 || body[9] != 2 || body[12] != 0) throw new InvalidDataException("not 8-bit RGB, non-interlaced");
            }
            if (name == "IDAT") data.Write(body);
            offset += 12 + length;
        }
        if (types.Count < 3 || types[0] != "IHDR" || types[^1] != "IEND") throw new InvalidDataException("chunks out of order");
        data.Position = 0;
        using var zlib = new ZLibStream(data, CompressionMode.Decompress);
        var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var scanlines = raw.ToArray();
        if (scanlines.Length != height * (1 + 3 * width)) throw new InvalidDataException("image data of the wrong size");
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            if (scanlines[y * (1 + 3 * width)] != 0) throw new InvalidDataException("unexpected filter");
            Array.Copy(scanlines, y * (1 + 3 * width) + 1, pixels, y * 3 * width, 3 * width);
        }
        return (width, height, pixels);
    }
}

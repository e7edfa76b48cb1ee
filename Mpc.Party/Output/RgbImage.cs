namespace Mpc.Party.Output;

/// <summary>An 8-bit RGB raster with the few drawing operations a plot needs: pixels, rectangles, lines, text.</summary>
internal sealed class RgbImage
{
    /// <summary>A white image.</summary>
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        Array.Fill(Pixels, (byte)255);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Row-major RGB bytes, top row first.</summary>
    public byte[] Pixels { get; }

    /// <summary>Colours one pixel; outside the image, nothing.</summary>
    public void Set(int x, int y, (byte R, byte G, byte B) colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = (y * Width + x) * 3;
        Pixels[i] = colour.R;
        Pixels[i + 1] = colour.G;
        Pixels[i + 2] = colour.B;
    }

    /// <summary>The colour of one pixel.</summary>
    public (byte R, byte G, byte B) Get(int x, int y)
    {
        int i = (y * Width + x) * 3;
        return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    /// <summary>Fills the rectangle [x0, x1] x [y0, y1].</summary>
    public void Fill(int x0, int y0, int x1, int y1, (byte R, byte G, byte B) colour)
    {
        for (int y = Math.Min(y0, y1); y <= Math.Max(y0, y1); y++)
            for (int x = Math.Min(x0, x1); x <= Math.Max(x0, x1); x++) Set(x, y, colour);
    }

    /// <summary>A line from (x0, y0) to (x1, y1) (Bresenham), <paramref name="thickness"/> pixels wide.</summary>
    public void Line(int x0, int y0, int x1, int y1, (byte R, byte G, byte B) colour, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        int low = -(thickness - 1) / 2, high = thickness / 2;
        while (true)
        {
            Fill(x0 + low, y0 + low, x0 + high, y0 + high, colour);
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * error;
            if (e2 >= dy) { error += dy; x0 += sx; }
            if (e2 <= dx) { error += dx; y0 += sy; }
        }
    }

    /// <summary>Text in the 5x7 pixel font, top-left at (x, y), each font pixel <paramref name="scale"/> pixels square.</summary>
    public void Text(int x, int y, string text, (byte R, byte G, byte B) colour, int scale = 1)
    {
        foreach (char c in text)
        {
            var rows = PixelFont.Glyph(c);
            for (int row = 0; row < PixelFont.Height; row++)
                for (int column = 0; column < PixelFont.Width; column++)
                    if ((rows[row] >> (PixelFont.Width - 1 - column) & 1) != 0)
                        Fill(x + column * scale, y + row * scale, x + (column + 1) * scale - 1, y + (row + 1) * scale - 1, colour);
            x += (PixelFont.Width + 1) * scale;
        }
    }

    /// <summary>The width <see cref="Text"/> takes for <paramref name="text"/>.</summary>
    public static int TextWidth(string text, int scale = 1) => Math.Max(0, text.Length * (PixelFont.Width + 1) - 1) * scale;
}

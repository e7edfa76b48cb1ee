using System.Globalization;

namespace Mpc.Party.Output;

/// <summary>Draws a training loss curve (loss against epoch) with axes, ticks and labels, as an RGB image.</summary>
internal static class LossCurveImage
{
    private const int Width = 720, Height = 440, Left = 78, Right = 24, Top = 44, Bottom = 56;
    private static readonly (byte, byte, byte) Black = (0, 0, 0), Grid = (225, 225, 225), Curve = (31, 119, 180), Grey = (90, 90, 90);

    /// <summary>The curve of <paramref name="points"/> (epoch, loss), titled <paramref name="title"/>.</summary>
    public static RgbImage Draw(IReadOnlyList<(int Epoch, double Loss)> points, string title, string yLabel)
    {
        var image = new RgbImage(Width, Height);
        int x0 = Left, x1 = Width - Right, y0 = Height - Bottom, y1 = Top;
        image.Text((Width - RgbImage.TextWidth(title, 2)) / 2, 12, title, Black, 2);

        var finite = points.Where(p => double.IsFinite(p.Loss)).ToList();
        if (finite.Count == 0)
        {
            const string none = "no loss recorded";
            image.Text((Width - RgbImage.TextWidth(none, 2)) / 2, Height / 2, none, Grey, 2);
            return image;
        }

        double xMin = 0, xMax = Math.Max(finite.Max(p => p.Epoch), 1);
        double yMax = finite.Max(p => p.Loss), yMin = Math.Min(0, finite.Min(p => p.Loss));
        if (yMax <= yMin) yMax = yMin + 1;
        var xTicks = Ticks(xMin, xMax);
        var yTicks = Ticks(yMin, yMax * 1.05);
        xMax = Math.Max(xMax, xTicks[^1]);
        yMax = Math.Max(yMax * 1.05, yTicks[^1]);
        int X(double v) => x0 + (int)Math.Round((v - xMin) / (xMax - xMin) * (x1 - x0));
        int Y(double v) => y0 - (int)Math.Round((v - yMin) / (yMax - yMin) * (y0 - y1));

        foreach (double t in yTicks)
        {
            int y = Y(t);
            image.Line(x0, y, x1, y, Grid);
            image.Line(x0 - 5, y, x0, y, Black);
            string label = Format(t);
            image.Text(x0 - 9 - RgbImage.TextWidth(label), y - PixelFont.Height / 2, label, Black);
        }
        foreach (double t in xTicks)
        {
            int x = X(t);
            image.Line(x, y0, x, y1, Grid);
            image.Line(x, y0, x, y0 + 5, Black);
            string label = Format(t);
            image.Text(x - RgbImage.TextWidth(label) / 2, y0 + 10, label, Black);
        }
        image.Line(x0, y0, x1, y0, Black);
        image.Line(x0, y0, x0, y1, Black);
        image.Text((x0 + x1 - RgbImage.TextWidth("epoch", 2)) / 2, Height - 24, "epoch", Black, 2);
        image.Text(8, Top - 20, yLabel, Black);

        for (int i = 1; i < finite.Count; i++)
            image.Line(X(finite[i - 1].Epoch), Y(finite[i - 1].Loss), X(finite[i].Epoch), Y(finite[i].Loss), Curve, thickness: 2);
        if (finite.Count <= 60)
            foreach (var (epoch, loss) in finite) image.Fill(X(epoch) - 2, Y(loss) - 2, X(epoch) + 2, Y(loss) + 2, Curve);
        return image;
    }

    // About five round ticks (1, 2 or 5 times a power of ten) covering [low, high].
    private static double[] Ticks(double low, double high)
    {
        double raw = (high - low) / 5, power = Math.Pow(10, Math.Floor(Math.Log10(raw))), step = power;
        foreach (double m in new[] { 1.0, 2, 5, 10 })
            if (m * power >= raw) { step = m * power; break; }
        var ticks = new List<double>();
        for (double t = Math.Floor(low / step) * step; t <= high + step * 0.999; t += step) ticks.Add(Math.Round(t / step) * step);
        return [.. ticks];
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Xml.Linq;
using ScottPlot;

namespace Mpc.Party.Output;

/// <summary>A chart's points, title and axis labels, drawn by ScottPlot into a PNG and an SVG file.</summary>
/// <param name="Title">The title: what the curve is, and the run (suite, partition, parties, data set).</param>
/// <param name="XLabel">The horizontal axis.</param>
/// <param name="YLabel">The vertical axis.</param>
/// <param name="Points">The curve, in order.</param>
/// <param name="Diagonal">Also draw y = x (the chance line of a ROC curve).</param>
internal sealed record Chart(string Title, string XLabel, string YLabel, IReadOnlyList<(double X, double Y)> Points, bool Diagonal = false)
{
    private const int Width = 800, Height = 500;

    /// <summary>The training loss (what <paramref name="measure"/> says it is) against the epoch.</summary>
    public static Chart Loss(IReadOnlyList<(int Epoch, double Loss)> losses, string measure, string run) =>
        new($"training loss over the pooled training rows\n{run}", "epoch", measure,
            losses.Where(l => double.IsFinite(l.Loss)).Select(l => ((double)l.Epoch, l.Loss)).ToList());

    /// <summary>The ROC curve: true against false positive rate.</summary>
    public static Chart Roc(IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> roc, double auc, string run) =>
        new(string.Create(CultureInfo.InvariantCulture, $"ROC on the pooled test set, AUC {auc:0.0000}\n{run}"),
            "false positive rate", "true positive rate",
            roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)).ToList(), Diagonal: true);

    /// <summary>
    /// Writes <paramref name="name"/>.png and .svg into <paramref name="directory"/>, each atomically. Where SkiaSharp's
    /// native library cannot load, it writes an SVG of the same curve without it and returns why there is no PNG;
    /// otherwise null.
    /// </summary>
    public string? Write(string directory, string name)
    {
        string png = Path.Combine(directory, name + ".png"), svg = Path.Combine(directory, name + ".svg");
        Plot plot;
        try
        {
            plot = Draw();
            AtomicFile.WriteAllBytes(png, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException
            or EntryPointNotFoundException)
        {
            AtomicFile.WriteAllText(svg, PlainSvg());
            return $"{Path.GetFileName(png)} not drawn: the plotting library's native part (SkiaSharp) did not load " +
                $"({e.GetBaseException().Message}); {Path.GetFileName(svg)} has the same curve";
        }
        AtomicFile.WriteAllText(svg, plot.GetSvgXml(Width, Height));
        return null;
    }

    private Plot Draw()
    {
        var plot = new Plot();
        plot.Title(Title);
        plot.XLabel(XLabel);
        plot.YLabel(YLabel);
        if (Points.Count > 0)
        {
            var line = plot.Add.ScatterLine(Points.Select(p => p.X).ToArray(), Points.Select(p => p.Y).ToArray());
            line.LineWidth = 2;
        }
        else
        {
            plot.Add.Annotation("no points recorded");
        }
        if (Diagonal)
        {
            var chance = plot.Add.Line(0, 0, 1, 1);
            chance.LinePattern = LinePattern.Dashed;
            chance.LineColor = Colors.Gray;
            plot.Axes.SetLimits(0, 1, 0, 1);
        }
        return plot;
    }

    /// <summary>The curve as a plain SVG polyline with its title and axis range, for when the native renderer is missing.</summary>
    internal string PlainSvg()
    {
        const int left = 60, right = 20, top = 50, bottom = 40;
        XNamespace ns = "http://www.w3.org/2000/svg";
        double xMin = Points.Count == 0 ? 0 : Points.Min(p => p.X), xMax = Points.Count == 0 ? 1 : Points.Max(p => p.X);
        double yMin = Diagonal ? 0 : Math.Min(0, Points.Count == 0 ? 0 : Points.Min(p => p.Y)),
            yMax = Points.Count == 0 ? 1 : Math.Max(Points.Max(p => p.Y), Diagonal ? 1 : 0);
        if (xMax <= xMin) xMax = xMin + 1;
        if (yMax <= yMin) yMax = yMin + 1;
        string X(double x) => (left + (x - xMin) / (xMax - xMin) * (Width - left - right)).ToString("0.##", CultureInfo.InvariantCulture);
        string Y(double y) =>
            (Height - bottom - (y - yMin) / (yMax - yMin) * (Height - top - bottom)).ToString("0.##", CultureInfo.InvariantCulture);
        var svg = new XElement(ns + "svg", new XAttribute("width", Width), new XAttribute("height", Height),
            new XElement(ns + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "white")),
            Title.Split('\n').Select((line, i) => new XElement(ns + "text",
                new XAttribute("x", Width / 2), new XAttribute("y", 20 + 16 * i), new XAttribute("text-anchor", "middle"),
                new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 14), line)),
            new XElement(ns + "polyline", new XAttribute("fill", "none"), new XAttribute("stroke", "black"),
                new XAttribute("points", $"{X(xMin)},{Y(yMax)} {X(xMin)},{Y(yMin)} {X(xMax)},{Y(yMin)}")),
            new XElement(ns + "polyline", new XAttribute("fill", "none"), new XAttribute("stroke", "#1f77b4"),
                new XAttribute("stroke-width", 2),
                new XAttribute("points", string.Join(' ', Points.Select(p => $"{X(p.X)},{Y(p.Y)}")))),
            Label(XLabel, Width / 2, Height - 8, xMin, xMax, "x"), Label(YLabel, 16, Height / 2, yMin, yMax, "y"));
        return new XDocument(svg).ToString();

        XElement Label(string text, int x, int y, double from, double to, string axis) =>
            new(ns + "text", new XAttribute("x", x), new XAttribute("y", y), new XAttribute("font-family", "sans-serif"),
                new XAttribute("font-size", 12),
                new XAttribute("text-anchor", "middle"), axis == "y" ? new XAttribute("transform", $"rotate(-90 {x} {y})") : null,
                string.Create(CultureInfo.InvariantCulture, $"{text} ({from:G4} to {to:G4})"));
    }
}

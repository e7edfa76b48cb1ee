using System.Xml.Linq;
using Mpc.Ml.Metrics;
using Mpc.Party.Output;

namespace Mpc.Tests.Party;

/// <summary>The job's output files: atomic replacement, the charts (loss and ROC), model files.</summary>
public sealed class OutputTests
{
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
    public void Chart_WritesAPngAndAnSvgOfTheCurve_EvenWithoutPoints()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpc-chart-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var losses = Enumerable.Range(1, 50).Select(e => (e, 0.25 / e + 0.02)).ToList();
            Assert.Null(Chart.Loss(losses, "mean squared residual", "replicated, horizontal, 3 parties").Write(directory, "loss"));
            Assert.Null(Chart.Roc([(0, 0), (0.1, 0.8), (1, 1)], 0.95, "run").Write(directory, "roc"));
            Assert.Null(Chart.Loss([], "loss", "run").Write(directory, "empty"));
            foreach (string name in new[] { "loss", "roc", "empty" })
            {
                Assert.Equal((800, 500), PngSize(File.ReadAllBytes(Path.Combine(directory, name + ".png"))));
                Assert.Equal("svg", XDocument.Load(Path.Combine(directory, name + ".svg")).Root!.Name.LocalName);
            }
            Assert.Contains("training loss over the pooled training rows", File.ReadAllText(Path.Combine(directory, "loss.svg")));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void PlainSvg_WithoutTheRenderer_HoldsTheWholeCurveAndTitle()
    {
        var chart = Chart.Loss([(2, 0.5), (4, 0.25), (6, 0.125)], "mean squared residual", "shamir, vertical, 5 parties");
        var svg = XDocument.Parse(chart.PlainSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var curve = svg.Descendants(ns + "polyline").Last().Attribute("points")!.Value.Split(' ');
        Assert.Equal(3, curve.Length);
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "shamir, vertical, 5 parties");
    }

    [Fact]
    public void RocCurve_RisesFromZeroToOne_AndItsAreaIsTheAuc()
    {
        // Scores in 6 bins: positives mostly high, negatives mostly low, one tie bin.
        long[] positives = [0, 1, 0, 2, 3, 4], negatives = [4, 2, 1, 2, 0, 0];
        var roc = PooledEvaluation.RocCurve(positives, negatives);
        Assert.Equal((0.0, 0.0), roc[0]);
        Assert.Equal((1.0, 1.0), roc[^1]);
        for (int i = 1; i < roc.Length; i++) Assert.True(roc[i].Item1 >= roc[i - 1].Item1 && roc[i].Item2 >= roc[i - 1].Item2);
        double area = 0;
        for (int i = 1; i < roc.Length; i++) area += (roc[i].Item1 - roc[i - 1].Item1) * (roc[i].Item2 + roc[i - 1].Item2) / 2;
        // Mann-Whitney: a positive beats every negative in a lower bin and half of those in its own.
        double wins = 0, below = 0;
        for (int b = 0; b < positives.Length; b++)
            (wins, below) = (wins + positives[b] * (below + 0.5 * negatives[b]), below + negatives[b]);
        Assert.Equal(wins / (10.0 * 9.0), area, 12);
        Assert.Empty(PooledEvaluation.RocCurve([0, 3], [0, 0])); // no negatives: no curve
    }

    /// <summary>The size a PNG says it has, after checking its signature (SkiaSharp decodes it fully).</summary>
    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG signature");
        using var bitmap = SkiaSharp.SKBitmap.Decode(png) ?? throw new InvalidDataException("the PNG does not decode");
        return (bitmap.Width, bitmap.Height);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Mpc.Party.Output;

/// <summary>
/// A training progress line, <c>epoch 10/100: loss 0.02675, 0.792 s</c>: what a party prints when its output is not a
/// terminal, and what the launcher reads back to show each party's progress in place.
/// </summary>
internal readonly partial record struct EpochLine(int Epoch, int Epochs, double? Loss, double Seconds)
{
    /// <summary>The line's text.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch}/{Epochs}: loss {(Loss is double l ? FormatLoss(l) : "-")}, {Seconds:0.000} s");

    /// <summary>A loss as every progress display shows it: five decimals.</summary>
    public static string FormatLoss(double loss) => loss.ToString("0.00000", CultureInfo.InvariantCulture);

    /// <summary>The training time still to go at this epoch's pace; null before the first epoch.</summary>
    public double? RemainingSeconds => Epoch > 0 ? Seconds / Epoch * (Epochs - Epoch) : null;

    /// <summary>Reads a line written by <see cref="ToString"/>; false for any other line.</summary>
    public static bool TryParse(string line, out EpochLine parsed)
    {
        parsed = default;
        var match = Pattern().Match(line);
        if (!match.Success) return false;
        double? loss = match.Groups["loss"].Value == "-" ? null : double.Parse(match.Groups["loss"].Value, CultureInfo.InvariantCulture);
        parsed = new EpochLine(int.Parse(match.Groups["epoch"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["epochs"].Value, CultureInfo.InvariantCulture),
            loss, double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture));
        return parsed.Epochs > 0 && parsed.Epoch <= parsed.Epochs;
    }

    [GeneratedRegex(@"^epoch (?<epoch>\d{1,9})/(?<epochs>\d{1,9}): loss (?<loss>-|[0-9.]+(E[-+]?\d+)?), (?<seconds>[0-9.]+) s$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

using Mpc.Core.Arithmetic;
using Mpc.Ml.Internal;
using Mpc.Protocols;

namespace Mpc.Ml.Training;

/// <summary>
/// Checks, before any data is touched, that every party runs with the same public settings: parties started by
/// hand with different options would otherwise run different programs and stall until their receive deadline.
/// </summary>
/// <remarks>
/// One exchange of a 63-bit hash per setting. On a mismatch the parties exchange the differing setting's values
/// (settings are public) so that every party fails with the same message naming the setting, the party and both values.
/// </remarks>
public static class SettingsAgreement
{
    /// <summary>Returns when every party passed the same names and values, in the same order; otherwise throws.</summary>
    /// <exception cref="SettingsMismatchException">A setting differs; names it and a party that differs from the majority.</exception>
    public static async ValueTask VerifyAsync<T>(IArithmeticSuite<T> suite, IReadOnlyList<(string Name, string Value)> settings,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        var hashes = settings.Select(s => Hashing.OfStrings([s.Name, s.Value]).Item1).Prepend(settings.Count).ToArray();
        var all = await PublicValues.ExchangeAsync(suite, hashes, ct).ConfigureAwait(false);
        if (PublicValues.Dissenters(all.Select(h => h[0]).ToArray()) is { Length: > 0 } counts)
            throw new SettingsMismatchException("settings", counts[0],
                $"party {counts[0]} has {all[counts[0]][0]} training settings where the others have a different number; " +
                "run every party with the same version of mpc.");
        for (int i = 0; i < settings.Count; i++)
        {
            var dissenters = PublicValues.Dissenters(all.Select(h => h[i + 1]).ToArray());
            if (dissenters.Length == 0) continue;
            var values = await PublicValues.ExchangeLinesAsync(suite, [settings[i].Value], ct).ConfigureAwait(false);
            int party = dissenters[0], other = Enumerable.Range(0, all.Length).First(p => !dissenters.Contains(p));
            throw new SettingsMismatchException(settings[i].Name, party,
                $"party {party} runs with {settings[i].Name} = {string.Join(' ', values[party])} " +
                $"where party {other} has {string.Join(' ', values[other])}; every party must use the same training settings.");
        }
    }
}

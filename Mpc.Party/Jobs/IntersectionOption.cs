using System.CommandLine;
using Mpc.Ml.Data;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>--intersection public|private</c>, for the jobs that align vertical data over parties whose ids differ: public (the
/// common rows are found by PSI and known to every party) or private (no party learns which rows are common; see
/// <see cref="Mpc.Protocols.SetIntersection.PrivateMembership{T}"/>).
/// </summary>
internal static class IntersectionOption
{
    /// <summary>The option's name.</summary>
    public const string Name = "--intersection";

    /// <summary>The option, its description ending with what the private mode opens in the job (<paramref name="privateGives"/>).</summary>
    public static Option<string> Create(string privateGives) => new Option<string>(Name)
    {
        Description = "Vertical data whose ids differ: public (the common rows are found by PSI and known to every party) or " +
            $"private (no party learns which of its rows are common; {privateGives}).",
        DefaultValueFactory = _ => "public",
    }.AcceptOnlyFromAmong("public", "private");

    /// <summary>Whether <paramref name="value"/> asks for the private mode, which only vertical data has.</summary>
    /// <exception cref="ArgumentException">The private mode over horizontal data.</exception>
    public static bool IsPrivate(string? value, DataPartition partition)
    {
        if (value != "private") return false;
        if (partition.Kind != Partitioning.Vertical)
            throw new ArgumentException("--intersection private aligns vertical data; this cluster's data is horizontal.");
        return true;
    }
}

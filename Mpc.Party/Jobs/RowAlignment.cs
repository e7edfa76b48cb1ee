using System.Diagnostics;
using Mpc.Ml.Data;
using Mpc.Protocols;

namespace Mpc.Party.Jobs;

/// <summary>Vertical rows aligned by private set intersection (<see cref="IdAlignment"/>), said on a job's output.</summary>
internal static class RowAlignment
{
    /// <summary>
    /// <paramref name="table"/> cut to the ids every party holds, with a line on <paramref name="output"/> saying how many
    /// are common and how long it took.
    /// </summary>
    public static async Task<PartyTable> AlignAsync(Session session, PartyTable table, DataPartition partition, string? idColumn,
        TextWriter output, string job, CancellationToken ct, PsiProtocol protocol = PsiProtocol.Auto)
    {
        var clock = Stopwatch.StartNew();
        var aligned = await IdAlignment.AlignAsync(session, table, partition, idColumn, ct, protocol).ConfigureAwait(false);
        output.WriteLine(FormattableString.Invariant(
            $"{job}: rows aligned by private set intersection: {aligned.Describe()}; {clock.Elapsed.TotalSeconds:0.000} s"));
        // ECDH over more than two parties trusts its leader with more than the intersection: say so whenever it runs.
        if (session.PartyCount > 2 && protocol != PsiProtocol.ObliviousTransfer)
            output.WriteLine(FormattableString.Invariant(
                $"{job}: the leader, party {partition.LabelOwner}, also learned which parties hold each of its own ids (SECURITY.md)"));
        return aligned.Table;
    }
}

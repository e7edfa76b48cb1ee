using System.CommandLine;
using System.Globalization;
using System.Text;
using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Party.Output;
using Mpc.Protocols;
using Mpc.Protocols.SetIntersection;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>psi</c>: the private set intersection of every party's id column (<see cref="IdAlignment"/>: KKRT for two
/// parties, ECDH over Curve25519 for more, either by choice; the label owner receives or leads): each party writes the
/// ids all parties hold, with their lines in its own file, sorted by id (the same list at every party), and learns
/// nothing else of the others' ids but their counts.
/// </summary>
public sealed class PsiJob : IJob, ILaunchHooks
{
    /// <inheritdoc />
    public string Name => "psi";

    /// <inheritdoc />
    public string Description => "Private set intersection of the parties' id columns: each learns the common ids only.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<string>("--protocol")
        {
            Description = "auto (OT-based for two parties, ECDH for more), ecdh, or ot (KKRT, two parties).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "ecdh", "ot"),
        IntersectionOption.Create("only how many are common is opened"),
        new Option<string?>("--out") { Description = "Output folder (default: a new out/<cluster>/psi-<time>/<party>)." },
    ];

    /// <inheritdoc />
    public ILaunchPlan Plan(ParseResult parse, Mpc.Net.Configuration.ClusterConfig cluster,
        IReadOnlyList<Mpc.Net.Configuration.PartyConfig> parties, TextWriter stdout) =>
        new PerPartyOutput(Name, parse.GetValue<string?>("--out"), cluster, stdout);

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        var data = TrainingDataConfig.From(context.Party, labelNeeded: false);
        if (data.Partition.Kind != Partitioning.Vertical || data.Columns.Id is null)
            throw new ArgumentException($"psi needs vertical data with an id column (\"partition\": \"vertical\", \"id\": ...) in " +
                $"{context.Party.SourceFile}.");
        var table = CsvTableReader.Read(data.File, new CsvColumns(null, data.Columns.Id, Features: []));
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        var protocol = context.GetOption<string>("--protocol") switch
        {
            "ecdh" => PsiProtocol.Ecdh,
            "ot" => PsiProtocol.ObliviousTransfer,
            _ => PsiProtocol.Auto,
        };
        if (protocol == PsiProtocol.ObliviousTransfer && session.PartyCount != 2)
            throw new ArgumentException($"psi --protocol ot has two parties; this cluster has {session.PartyCount} (use ecdh).");
        string folder = context.GetOption<string?>("--out") ?? Path.Combine(
            RunFolders.CreateRun(TrainLrJob.SessionFolder(context.Party.Cluster.SessionId), Name, DateTime.Now), context.Party.Me.Name);
        if (IntersectionOption.IsPrivate(context.GetOption<string>(IntersectionOption.Name), data.Partition))
            return await CountPrivatelyAsync(context, session, table, data, folder, ct);
        var common = await RowAlignment.AlignAsync(session, table, data.Partition, data.Columns.Id, context.Out, Name, ct, protocol);

        Directory.CreateDirectory(folder);
        var text = new StringBuilder($"{CsvText.Cell(data.Columns.Id)},line\n");
        for (int i = 0; i < common.RowCount; i++)
            text.Append(CultureInfo.InvariantCulture, $"{CsvText.Cell(common.Ids![i])},{common.LineNumbers[i]}\n");
        string file = Path.Combine(folder, "intersection.csv");
        AtomicFile.WriteAllText(file, text.ToString());
        context.Out.WriteLine($"psi: wrote {file}");
        return 0;
    }

    // The intersection's size alone: membership shares over the label owner's bins on the trust-free suite, their sum opened.
    private static async Task<int> CountPrivatelyAsync(JobContext context, Session session, PartyTable table, TrainingDataConfig data,
        string folder, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (count, sizes, bins) = await TrustFreeSuite.RunAsync(session,
            new PrivateCount(table, data.Partition.LabelOwner, data.Columns.Id, ct));
        double seconds = clock.Elapsed.TotalSeconds;
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"psi: {count} ids held by every party (the parties' counts: {string.Join(", ", sizes)}; party " +
            $"{data.Partition.LabelOwner}'s ids in {bins} bins); which ones stays secret; {seconds:0.000} s"));
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "intersection-size.json");
        AtomicFile.WriteAllText(file, string.Create(CultureInfo.InvariantCulture,
            $"{{\"size\": {count}, \"set_sizes\": [{string.Join(", ", sizes)}], \"seconds\": {seconds:0.000}}}\n"));
        context.Out.WriteLine($"psi: wrote {file}");
        return 0;
    }

    private sealed class PrivateCount(PartyTable table, int leader, string? idColumn, CancellationToken ct)
        : ISuiteWork<(long, long[], int)>
    {
        public async Task<(long, long[], int)> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            MembershipShares<T> shares;
            try
            {
                shares = await new PrivateMembership<T>(suite, leader).AlignAsync(table.Ids!, ReadOnlyMemory<T>.Empty, 0, ct);
            }
            catch (InvalidIdException e)
            {
                throw IdAlignment.Unusable(e, suite.Session.PartyId, table, idColumn);
            }
            var total = await suite.OpenAsync(shares.Indicator.Sum(), ct);
            return ((long)T.ToSignedInt128(total[0]), shares.SetSizes, shares.Bins);
        }
    }
}

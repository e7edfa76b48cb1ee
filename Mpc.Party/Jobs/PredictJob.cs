using System.CommandLine;
using System.Globalization;
using System.Text;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Net.Configuration;
using Mpc.Party.Output;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>predict</c>: scores rows with a model that stays secret-shared (<c>train-lr --reveal none</c>), revealing each
/// score to the party that asked and nothing else: not the weights, not the rows. Horizontal model: the asking party
/// holds the rows, standardises them with the pooled statistics the model file records and inputs them. Vertical model:
/// every party inputs its own columns of the rows (aligned by id, as in training) and the scores go to the asking party.
/// </summary>
/// <remarks>
/// Revealed: the number of rows (and in vertical mode the hashes that align the ids, as in training); to the asking
/// party, each row's scores (what a revealed model would give it). Rounds: the consistency exchange, the inputs, one
/// matrix product, one opening to the asker.
/// </remarks>
public sealed class PredictJob : IJob, ILaunchHooks
{
    /// <inheritdoc />
    public string Name => "predict";

    /// <inheritdoc />
    public string Description => "Score rows with a secret-shared model (train-lr --reveal none): only the asking party " +
        "learns the scores.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<string>("--model-shares")
        {
            Description = "The run folder of train-lr --reveal none (each party reads its own <party>/model-shares.mpcshares), " +
                "or this party's file.",
            Required = true,
        },
        new Option<string>("--data")
        {
            Description = "The CSV file of rows to score; {party} is replaced by each party's name, {index} by its id. " +
                "Horizontal: read by " +
                "the asking party only. Vertical: every party's own columns, with the id column.",
            Required = true,
        },
        new Option<string?>("--for")
        {
            Description = "The party (id or name) that learns the scores (default: party 0, or the label owner of a " +
                "vertical model).",
        },
        new Option<string>("--id") { Description = "Vertical: the column that aligns rows.", DefaultValueFactory = _ => "id" },
        new Option<string?>("--out") { Description = "Output folder: the asking party writes <party>/predictions.csv in it." },
    ];

    /// <inheritdoc />
    public ILaunchPlan Plan(ParseResult parse, ClusterConfig cluster, IReadOnlyList<PartyConfig> parties, TextWriter stdout) =>
        new PerPartyOutput(Name, parse.GetValue<string?>("--out"), cluster, stdout);

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        var party = context.Party;
        string path = ModelSharesFile.Resolve(context.GetOption<string>("--model-shares")!, party);
        var model = ModelSharesFile.Read(path, party);
        if (model.Parties != party.Cluster.ComputingPartyCount)
            throw new InvalidDataException($"{path}: the model was trained by {model.Parties} parties, this cluster has " +
                $"{party.Cluster.ComputingPartyCount}.");
        int asker = Asker(context.GetOption<string?>("--for"), party.Cluster, model);
        string data = context.GetOption<string>("--data")!.Replace("{party}", party.Me.Name, StringComparison.Ordinal)
            .Replace("{index}", party.PartyId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        string folder = context.GetOption<string?>("--out") ?? Path.Combine(
            RunFolders.CreateRun(TrainLrJob.SessionFolder(party.Cluster.SessionId), Name, DateTime.Now), party.Me.Name);

        // Horizontal: only the asker reads rows. Vertical: every party reads its own columns.
        PartyTable? table = null;
        if (model.Vertical || party.PartyId == asker)
        {
            int offset = model.Vertical ? model.ColumnsByParty!.Take(party.PartyId).Sum() : 0;
            int width = model.Vertical ? model.ColumnsByParty![party.PartyId] : model.Features.Count;
            var features = model.Features.Skip(offset).Take(width).ToArray();
            try
            {
                string? id = model.Vertical ? context.GetOption<string>("--id") : null;
                table = CsvTableReader.Read(data, new CsvColumns(null, id, features));
            }
            catch (DataException ex)
            {
                throw ex.WithParty(party.PartyId);
            }
        }

        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        if (model.Vertical)
        {
            // The rows every party holds, by private set intersection; the asker leads (it learns the common rows anyway).
            table = await RowAlignment.AlignAsync(session, table!, DataPartition.ByColumns(asker), context.GetOption<string>("--id"),
                context.Out, Name, ct);
        }
        var scores = await TrustFreeSuite.RunAsync(session, new Scoring(model, table, asker, ct));
        if (scores is null)
        {
            context.Out.WriteLine($"predict: scores went to party {asker} only");
            return 0;
        }
        Directory.CreateDirectory(folder);
        string output = Path.Combine(folder, "predictions.csv");
        AtomicFile.WriteAllText(output, Csv(model, table!, scores));
        context.Out.WriteLine($"predict: {table!.RowCount} rows of {data} scored with the secret-shared model " +
            $"{Convert.ToHexString(model.ModelId)}; predictions in {output}");
        return 0;
    }

    private static int Asker(string? given, ClusterConfig cluster, ModelSharesFile model)
    {
        if (given is null) return model.Vertical ? model.LabelOwner : 0;
        for (int p = 0; p < cluster.ComputingPartyCount; p++)
            if (cluster.Parties[p].Name == given || p.ToString(CultureInfo.InvariantCulture) == given) return p;
        throw new ArgumentException($"--for {given}: not a computing party's id or name.");
    }

    // row, (id,) then per class its probability (binary: p of 1), then the predicted class.
    private static string Csv(ModelSharesFile model, PartyTable table, double[] scores)
    {
        int k = model.Outputs;
        var order = model.Vertical ? SortedById(table) : [.. Enumerable.Range(0, table.RowCount)];
        var csv = new StringBuilder(model.Vertical ? "row,id" : "row");
        csv.Append(model.Classes is { } classes ? string.Concat(classes.Select(c => $",p{c}")) : ",probability").Append(",prediction\n");
        var mode = model.Multiclass == "softmax" ? MulticlassMode.Softmax : MulticlassMode.OneVsRest;
        for (int i = 0; i < order.Length; i++)
        {
            int r = order[i];
            csv.Append(table.LineNumbers[r].ToString(CultureInfo.InvariantCulture));
            if (model.Vertical) csv.Append(',').Append(CsvText.Cell(table.Ids![r]));
            if (model.Classes is { } labels)
            {
                var p = MulticlassEvaluation.Probabilities(scores.AsSpan(i * k, k), k, mode);
                foreach (double v in p) csv.Append(CultureInfo.InvariantCulture, $",{v:0.######}");
                csv.Append(',').Append(labels[MulticlassMetrics.ArgMax(p)].ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            else
            {
                double p = ModelFile.Logistic(scores[i]);
                csv.Append(CultureInfo.InvariantCulture, $",{p:0.######},{(p >= 0.5 ? 1 : 0)}\n");
            }
        }
        return csv.ToString();
    }

    private static int[] SortedById(PartyTable table) =>
        [.. Enumerable.Range(0, table.RowCount).OrderBy(i => table.Ids![i], StringComparer.Ordinal)];

    private sealed class Scoring(ModelSharesFile model, PartyTable? table, int asker, CancellationToken ct) : ISuiteWork<double[]?>
    {
        private static readonly FixedPointFormat Format = FixedPointFormat.Default;

        public async Task<double[]?> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            if (suite.Name != model.Suite)
                throw new InvalidDataException($"the model was trained in the {model.Suite} suite; predict runs in the trust-free " +
                    $"default for {suite.Session.PartyCount} parties, {suite.Name}: train with the default suite to keep a model shared.");
            var weights = SharedVector<T>.FromShares(model.SharesAs<T>());
            var fixedPoint = new FixedPointArithmetic<T>(suite, Format);
            await SettingsAgreement.VerifyAsync(suite, [("model", Convert.ToHexString(model.ModelId)),
                ("asker", asker.ToString(CultureInfo.InvariantCulture))], ct);
            int me = suite.Session.PartyId, parties = suite.Session.PartyCount, d = model.Features.Count, k = model.Outputs;
            int columns = d + 1;

            SharedVector<T> x;
            int rows;
            if (!model.Vertical)
            {
                // The asker's row count, made public.
                var mineCount = me == asker ? new[] { T.FromInt64(table!.RowCount) } : ReadOnlyMemory<T>.Empty;
                var count = await suite.InputAsync(asker, mineCount, 1, ct);
                rows = (int)T.ToSignedInt128((await suite.OpenAsync(count, ct))[0]);
                var mine = me == asker ? Standardised(table!, 0) : [];
                var values = await fixedPoint.InputAsync(asker, mine, rows * d, ct);
                x = WithBias(fixedPoint, [values], [d], rows);
            }
            else
            {
                var partition = DataPartition.ByColumns(model.LabelOwner);
                var counts = await DataConsistency.VerifyAsync(suite, table!, partition, ct, labelled: false);
                rows = counts[0];
                int offset = model.ColumnsByParty!.Take(me).Sum();
                var inputs = new ValueTask<SharedVector<T>>[parties];
                for (int p = 0; p < parties; p++)
                    inputs[p] = fixedPoint.InputAsync(p, p == me ? Standardised(table!, offset) : ReadOnlyMemory<double>.Empty,
                        rows * model.ColumnsByParty![p], ct);
                var blocks = new SharedVector<T>[parties];
                for (int p = 0; p < parties; p++) blocks[p] = await inputs[p];
                x = WithBias(fixedPoint, blocks, [.. model.ColumnsByParty!], rows);
            }
            var scores = await fixedPoint.MatrixMultiplyAsync(x, weights, rows, columns, k, ct);
            return await fixedPoint.OpenToAsync(asker, scores, ct);
        }

        // This party's rows (vertical: sorted by id) standardised with what the model file records.
        private double[] Standardised(PartyTable mine, int offset)
        {
            int w = mine.FeatureCount;
            var order = model.Vertical ? SortedById(mine) : [.. Enumerable.Range(0, mine.RowCount)];
            var values = new double[order.Length * w];
            for (int i = 0; i < order.Length; i++)
                for (int j = 0; j < w; j++)
                {
                    double mean = model.Means[offset + j]
                        ?? throw new InvalidDataException($"the model lacks feature {offset + j}'s mean.");
                    double sd = model.StandardDeviations[offset + j]
                        ?? throw new InvalidDataException($"the model lacks feature {offset + j}'s deviation.");
                    values[i * w + j] = (mine[order[i], j] - mean) / sd;
                }
            return values;
        }

        // The design matrix [blocks..., 1]: block p holds rows x widths[p] values (row-major).
        private static SharedVector<T> WithBias<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T>[] blocks, int[] widths, int rows)
            where T : unmanaged, IRing<T> =>
            ColumnBlocks.SideBySide(blocks, widths, rows, fixedPoint.Constant(Enumerable.Repeat(1.0, rows).ToArray()));
    }
}

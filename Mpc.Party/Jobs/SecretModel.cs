using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Party.Output;
using Mpc.Protocols;

namespace Mpc.Party.Jobs;

/// <summary>
/// What a party keeps of a model it did not learn: with <c>--reveal none</c>, its sealed shares
/// (<see cref="ModelSharesFile"/>, under an id the parties draw together); with <c>--reveal PARTY</c>, nothing here
/// but a line saying who learned it.
/// </summary>
internal static class SecretModel
{
    /// <summary>Called by every party after training with a model this party did not learn.</summary>
    public static async Task KeepAsync<T>(JobContext context, IArithmeticSuite<T> suite, string suiteName, TrainingResult<T> result,
        ModelOutput output, SecureTrainingData<T> data, DataPartition partition, DataLoadOptions loadOptions,
        string multiclass, string folder, CancellationToken ct) where T : unmanaged, IRing<T>
    {
        int me = context.Party.PartyId;
        if (!output.Shared)
        {
            context.Out.WriteLine($"train-lr: the model was revealed to party {output.Receiver} only; this party keeps nothing of it");
            return;
        }
        var id = await DrawIdAsync(suite, ct);
        var standardisation = TrainLrJob.Standardisation(data, me);
        var file = new ModelSharesFile
        {
            ModelId = id,
            Ring = typeof(T).Name,
            Suite = suiteName,
            Parties = suite.Session.PartyCount,
            Party = me,
            Vertical = partition.Kind == Partitioning.Vertical,
            LabelOwner = partition.LabelOwner,
            Features = [.. data.ColumnNames.Take(data.ColumnNames.Count - 1)],
            ColumnsByParty = data.ColumnsByParty?.ToArray(),
            Means = standardisation.Means,
            StandardDeviations = standardisation.StandardDeviations,
            Multiclass = multiclass,
            Classes = loadOptions.Classes?.ToArray(),
            WeightShares = MemoryMarshal.AsBytes(result.SharedWeights.LocalShares).ToArray(),
        };
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, ModelSharesFile.FileName);
        file.Write(path, context.Party);
        context.Out.WriteLine($"train-lr: the model stays secret-shared: this party's shares sealed in {path} " +
            $"(model {Convert.ToHexString(id)}); score rows with mpc launch ... predict --model-shares");
    }

    /// <summary>16 random bytes every party learns: party 0 draws them, inputs them and they are opened.</summary>
    public static async Task<byte[]> DrawIdAsync<T>(IArithmeticSuite<T> suite, CancellationToken ct) where T : unmanaged, IRing<T>
    {
        var draw = new T[2];
        if (suite.Session.PartyId == 0)
            for (int i = 0; i < draw.Length; i++)
                draw[i] = T.FromInt128((Int128)BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8), 0));
        var shared = await suite.InputAsync(0, suite.Session.PartyId == 0 ? draw : ReadOnlyMemory<T>.Empty, 2, ct);
        var opened = await suite.OpenAsync(shared, ct);
        return [.. opened.SelectMany(v => BitConverter.GetBytes((ulong)T.ToSignedInt128(v)))];
    }
}

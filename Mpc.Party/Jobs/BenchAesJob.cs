using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core.Circuits;
using Mpc.Protocols;
using Mpc.Protocols.Garbling;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-aes</c> (2 parties): secure AES-128 through the Bristol Fashion circuit, the key from party 0 (the garbler),
/// the block from party 1 (the evaluator, by OT), the ciphertext to the evaluator. Times --count evaluations one after
/// another on one garbler/evaluator pair (base OTs once, before the clock) and prints one JSON line per party; the
/// evaluator checks the FIPS-197 known answer.
/// </summary>
public sealed class BenchAesJob : IJob
{
    private static readonly byte[] Key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Plaintext = Convert.FromHexString("00112233445566778899aabbccddeeff");
    private const string Ciphertext = "69c4e0d86a7b0430d8cdb78070b4c55a";

    /// <inheritdoc />
    public string Name => "bench-aes";

    /// <inheritdoc />
    public string Description => "Benchmark secure AES-128 evaluations through the Bristol circuit (2 parties); prints a JSON line.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<int>("--count") { Description = "AES evaluations to time.", DefaultValueFactory = _ => 1000 },
        new Option<string?>("--circuit")
        {
            Description = "Bristol Fashion aes_128.txt " +
                "(default: data/circuits/bristol_fashion/aes_128.txt above the working directory or the executable).",
        },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int count = context.GetOption<int>("--count");
        if (count < 1) throw new ArgumentException("--count must be positive.");
        if (context.Network.PartyCount != 2) throw new ArgumentException("bench-aes runs on exactly 2 parties.");
        Circuit aes = GarblingOptions.ReadAes128(context.GetOption<string?>("--circuit"));
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        // Bristol Fashion AES: key first; a 128-bit value is its bytes read big-endian, wire i its bit i.
        bool[] key = Bits.FromBigEndian(Key), plaintext = Bits.FromBigEndian(Plaintext);
        OutputMode[] outputs = [OutputMode.RevealToEvaluator];
        int warmUp = Math.Min(count, 100);

        var setup = Stopwatch.StartNew();
        double setupSeconds, seconds;
        bool? knownAnswer = null;
        long before;
        if (session.PartyId == 0)
        {
            using var garbler = await Garbler.CreateAsync(session, evaluator: 1, ct);
            setupSeconds = setup.Elapsed.TotalSeconds;
            GarblerInput[] inputs = [GarblerInput.Own(key), GarblerInput.FromEvaluator];
            for (int i = 0; i < warmUp; i++) await garbler.GarbleAsync(aes, inputs, outputs, ct);
            before = context.Network.Stats.Snapshot().TotalBytesSent;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < count; i++) await garbler.GarbleAsync(aes, inputs, outputs, ct);
            seconds = clock.Elapsed.TotalSeconds;
        }
        else
        {
            using var evaluator = await Evaluator.CreateAsync(session, garbler: 0, ct);
            setupSeconds = setup.Elapsed.TotalSeconds;
            EvaluatorInput[] inputs = [EvaluatorInput.FromGarbler, EvaluatorInput.Own(plaintext)];
            for (int i = 0; i < warmUp; i++) await evaluator.EvaluateAsync(aes, inputs, outputs, ct);
            before = context.Network.Stats.Snapshot().TotalBytesSent;
            var clock = Stopwatch.StartNew();
            EvaluatorResult? last = null;
            for (int i = 0; i < count; i++) last = await evaluator.EvaluateAsync(aes, inputs, outputs, ct);
            seconds = clock.Elapsed.TotalSeconds;
            byte[] ciphertext = Bits.ToBigEndian(last!.Bits(0));
            knownAnswer = Convert.ToHexStringLower(ciphertext) == Ciphertext;
        }
        long sent = context.Network.Stats.Snapshot().TotalBytesSent - before;
        string role = session.PartyId == 0 ? "garbler" : "evaluator";
        string check = knownAnswer is { } ok ? $",\"fips197_ok\":{(ok ? "true" : "false")}" : "";
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"aes\",\"party\":{session.PartyId},\"role\":\"{role}\",\"evaluations\":{count},\"seconds\":{seconds:0.######}," +
            $"\"ms_per_evaluation\":{1000 * seconds / count:0.###},\"evaluations_per_second\":{count / seconds:0.#}," +
            $"\"bytes_sent_per_evaluation\":{sent / count},\"setup_seconds\":{setupSeconds:0.###}{check}}}"));
        return knownAnswer == false ? 1 : 0;
    }
}

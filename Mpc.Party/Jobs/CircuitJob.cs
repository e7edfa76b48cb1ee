using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core.Circuits;
using Mpc.Net.Configuration;
using Mpc.Party.Launch;
using Mpc.Protocols;
using Mpc.Protocols.Garbling;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>circuit</c> (2 parties): any Bristol circuit, garbled by party 0 and evaluated by party 1 (Yao with free-XOR and
/// half-gates; the evaluator's inputs by OT). Each party gives only the input values it holds; the outputs go to the
/// parties <c>--reveal</c> names. The circuit and the inputs are checked before connecting.
/// </summary>
public sealed class CircuitJob : IJob, ILaunchHooks, ICheckedBeforeConnecting
{
    /// <inheritdoc />
    public string Name => "circuit";

    /// <inheritdoc />
    public string Description => "Run a Bristol circuit between 2 parties with Yao's garbled circuits.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<string>("--file") { Description = "The circuit file (Bristol Fashion or the old Bristol format).", Required = true },
        new Option<string>("--format")
        {
            Description = "fashion (Bristol Fashion) or old (the original Bristol format).", DefaultValueFactory = _ => "fashion",
        }.AcceptOnlyFromAmong("fashion", "old"),
        new Option<string[]>("--input")
        {
            Description = "VALUE:ENCODING:TEXT, one input value of the circuit this party holds. Encodings: hex (a number, " +
                "wire i its bit i: the Bristol Fashion order), bytes (a byte string, each byte's top bit first: the old " +
                "AES order), bits (0/1 per wire, wire 0 first), int (decimal, two's complement).",
            AllowMultipleArgumentsPerToken = false,
        },
        new Option<int[]>("--owners")
        {
            Description = "The party (0, the garbler, or 1, the evaluator) that holds each input value, in order " +
                "(default: value 0 party 0, the others party 1).",
            AllowMultipleArgumentsPerToken = true,
        },
        new Option<string>("--reveal")
        {
            Description = "Who learns the outputs: both, garbler (party 0) or evaluator (party 1).", DefaultValueFactory = _ => "both",
        }.AcceptOnlyFromAmong("both", "garbler", "evaluator"),
        new Option<string>("--output-encoding")
        {
            Description = "How outputs are printed: hex, bytes, bits or int (as for --input).", DefaultValueFactory = _ => "hex",
        }.AcceptOnlyFromAmong("hex", "bytes", "bits", "int"),
    ];

    /// <inheritdoc />
    public void CheckBeforeConnecting(ParseResult parse, PartyConfig party)
    {
        RequireTwoParties(party.Cluster);
        var (circuit, file) = ReadCircuit(parse, TextWriter.Null);
        InputsOf(parse, circuit, file).RequireOwnValues(party.PartyId, file);
    }

    /// <inheritdoc />
    public ILaunchPlan Plan(ParseResult parse, ClusterConfig cluster, IReadOnlyList<PartyConfig> parties, TextWriter stdout)
    {
        RequireTwoParties(cluster);
        var (circuit, file) = ReadCircuit(parse, stdout);
        var inputs = InputsOf(parse, circuit, file);
        inputs.RequireOwnValues(0, file);
        inputs.RequireOwnValues(1, file);
        return new OwnInputsOnly(inputs);
    }

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        var (circuit, file) = ReadCircuit(context.ParseResult, TextWriter.Null);
        var inputs = InputsOf(context.ParseResult, circuit, file);
        int me = context.Network.PartyId;
        inputs.RequireOwnValues(me, file);
        var mode = context.GetOption<string>("--reveal") switch
        {
            "garbler" => OutputMode.RevealToGarbler,
            "evaluator" => OutputMode.RevealToEvaluator,
            _ => OutputMode.RevealToBoth,
        };
        var outputs = Enumerable.Repeat(mode, circuit.OutputWidths.Count).ToArray();
        var encoding = CircuitValues.ParseEncoding(context.GetOption<string>("--output-encoding")!)!.Value;

        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        var clock = Stopwatch.StartNew();
        CircuitResult<GarblerLabels>? garbled = null;
        CircuitResult<EvaluatorLabels>? evaluated = null;
        if (me == 0)
        {
            using var garbler = await Garbler.CreateAsync(session, evaluator: 1, ct);
            var given = Enumerable.Range(0, circuit.InputWidths.Count)
                .Select(v => inputs.Owners[v] == 0 ? GarblerInput.Own(inputs.Bits(v)) : GarblerInput.FromEvaluator).ToArray();
            garbled = await garbler.GarbleAsync(circuit, given, outputs, ct);
        }
        else
        {
            using var evaluator = await Evaluator.CreateAsync(session, garbler: 0, ct);
            var given = Enumerable.Range(0, circuit.InputWidths.Count)
                .Select(v => inputs.Owners[v] == 1 ? EvaluatorInput.Own(inputs.Bits(v)) : EvaluatorInput.FromGarbler).ToArray();
            evaluated = await evaluator.EvaluateAsync(circuit, given, outputs, ct);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        bool learns = mode == OutputMode.RevealToBoth || (mode == OutputMode.RevealToGarbler) == (me == 0);
        for (int o = 0; o < circuit.OutputWidths.Count; o++)
        {
            string text = learns
                ? CircuitValues.Prefix(encoding) + ":" + CircuitValues.Format(encoding, me == 0 ? garbled!.Bits(o) : evaluated!.Bits(o))
                : "(revealed to the other party only)";
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"circuit: output {o} ({circuit.OutputWidths[o]} bits): {text}"));
        }
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"circuit: {Path.GetFileName(file)}, {circuit.AndCount} AND gates, AND depth {circuit.AndDepth}, " +
            $"{(me == 0 ? "garbled" : "evaluated")} in {seconds:0.###} s (base OTs included)"));
        return 0;
    }

    private static void RequireTwoParties(ClusterConfig cluster)
    {
        if (cluster.ComputingPartyCount != 2)
            throw new CircuitInputException($"circuit runs on exactly 2 parties; {cluster.ComputingPartyCount} compute in this cluster");
    }

    private static (Circuit Circuit, string File) ReadCircuit(ParseResult parse, TextWriter stdout)
    {
        string given = parse.GetValue<string>("--file")!;
        string file = BundledFiles.ResolveOrSame(given, stdout);
        if (!File.Exists(file)) throw new CircuitInputException($"--file {given}: no such file");
        var format = parse.GetValue<string>("--format") == "old" ? BristolFormat.Old : BristolFormat.Fashion;
        return (BristolReader.ReadFile(file, format), file);
    }

    private static CircuitInputs InputsOf(ParseResult parse, Circuit circuit, string file) =>
        CircuitInputs.Parse(circuit, file, parse.GetValue<string[]>("--input") ?? [], parse.GetValue<int[]>("--owners"));

    /// <summary>In a launch, each party is given only the <c>--input</c> values it holds.</summary>
    private sealed class OwnInputsOnly(CircuitInputs inputs) : ILaunchPlan
    {
        public IReadOnlyList<string> ArgumentsFor(int party, IReadOnlyList<string> jobArguments)
        {
            var args = new List<string>();
            for (int i = 0; i < jobArguments.Count; i++)
            {
                if (jobArguments[i] == "--input" && i + 1 < jobArguments.Count)
                {
                    string spec = jobArguments[++i];
                    if (int.TryParse(spec.Split(':')[0], out int value) && inputs.Owners[value] != party) continue;
                    args.Add("--input");
                    args.Add(spec);
                    continue;
                }
                args.Add(jobArguments[i]);
            }
            return args;
        }

        public Task<int> FinishAsync(int exitCode, CancellationToken ct) => Task.FromResult(exitCode);
    }
}

using Mpc.Core;
using Mpc.Core.Circuits;

namespace Mpc.Party.Jobs;

/// <summary>
/// The <c>circuit</c> job's inputs: each <c>--input V:ENCODING:VALUE</c> gives circuit input value V, held by the party
/// <c>--owners</c> names for it (value 0 by party 0, the garbler, every later value by party 1, unless said otherwise).
/// </summary>
internal sealed class CircuitInputs
{
    private readonly Dictionary<int, (string Spec, bool[] Bits)> _given = [];

    private CircuitInputs(IReadOnlyList<int> owners) => Owners = owners;

    /// <summary>The party that holds each input value.</summary>
    public IReadOnlyList<int> Owners { get; }

    /// <summary>Whether value <paramref name="value"/> was given.</summary>
    public bool Has(int value) => _given.ContainsKey(value);

    /// <summary>The wires of value <paramref name="value"/> (it must have been given).</summary>
    public bool[] Bits(int value) => _given[value].Bits;

    /// <summary>The <c>--input</c> option text that gave <paramref name="value"/>, to pass on to its owner.</summary>
    public string Spec(int value) => _given[value].Spec;

    /// <summary>
    /// Parses and checks the options against the circuit: every value exists and fits its width, no value is given
    /// twice, every owner is party 0 or 1.
    /// </summary>
    /// <exception cref="CircuitInputException">What is wrong, naming the option and the value.</exception>
    public static CircuitInputs Parse(Circuit circuit, string file, IReadOnlyList<string> specs, IReadOnlyList<int>? owners)
    {
        int count = circuit.InputWidths.Count;
        if (owners is { Count: > 0 } && owners.Count != count)
            throw new CircuitInputException($"--owners names {owners.Count} parties; {file} has {count} input values " +
                $"({Widths(circuit)}): name one party, 0 or 1, per value");
        if (owners is { Count: > 0 } && owners.FirstOrDefault(o => o is not (0 or 1), -1) is var bad and not -1)
            throw new CircuitInputException($"--owners: party {bad} is not a party of a garbled circuit (0, the garbler, or 1)");
        var inputs = new CircuitInputs(owners is { Count: > 0 } ? owners : [.. Enumerable.Range(0, count).Select(v => v == 0 ? 0 : 1)]);
        foreach (string spec in specs)
        {
            string[] parts = spec.Split(':', 3);
            if (parts.Length != 3 || !int.TryParse(parts[0], out int value) || CircuitValues.ParseEncoding(parts[1]) is not { } encoding)
                throw new CircuitInputException($"--input #{inputs._given.Count + 1}: write VALUE:ENCODING:TEXT, for instance " +
                    "0:hex:00ff or 1:int:42 (encodings: hex, bytes, bits, int)");
            if ((uint)value >= (uint)count)
                throw new CircuitInputException($"--input {value}: {file} has input values 0 to {count - 1} ({Widths(circuit)})");
            if (inputs._given.ContainsKey(value))
                throw new CircuitInputException($"--input {value}: given twice");
            try
            {
                inputs._given[value] = (spec, CircuitValues.Parse(encoding, parts[2], circuit.InputWidths[value]));
            }
            catch (FormatException ex)
            {
                throw new CircuitInputException($"--input {value}: {ex.Message} (input value {value} of {file} is " +
                    $"{circuit.InputWidths[value]} bits)");
            }
        }
        return inputs;
    }

    /// <summary>Checks that party <paramref name="party"/> has every value it holds.</summary>
    public void RequireOwnValues(int party, string file)
    {
        for (int value = 0; value < Owners.Count; value++)
        {
            if (Owners[value] == party && !Has(value))
                throw new CircuitInputException($"party {party} holds input value {value} of {file} and no --input {value}:... " +
                    "gives it (see --owners)");
        }
    }

    private static string Widths(Circuit circuit) => string.Join(", ", circuit.InputWidths.Select((w, i) => $"{i}: {w} bits"));
}

/// <summary>A <c>circuit</c> job option that does not fit the circuit.</summary>
internal sealed class CircuitInputException(string message) : MpcException(message);

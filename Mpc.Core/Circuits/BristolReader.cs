using System.Globalization;

namespace Mpc.Core.Circuits;

/// <summary>
/// Reads circuits in the Bristol Fashion and old Bristol formats (<see cref="BristolFormat"/>). Every problem is a
/// <see cref="CircuitFormatException"/> naming the file, the line and what is wrong: a bad header or count, an
/// unknown gate, a gate with the wrong number of wires, a wire out of range, a wire read before it is assigned or
/// assigned twice, an output wire never assigned.
/// </summary>
/// <remarks>
/// Wires keep the file's numbering and bit order: input value j is the file's j-th input, bit i its i-th wire; the
/// outputs are the file's last wires. EQW (wire copy) gates are resolved by aliasing and MAND gates expand to one
/// AND per output. Blank lines are skipped.
/// A header may claim anything, so the reader allocates for what the file describes, not for what it claims: the wire
/// tables grow as gates assign wires (up to <see cref="MaxWires"/>), and every wire that is not an input must be
/// assigned by a gate, so a circuit never holds wires its file does not describe.
/// </remarks>
public static class BristolReader
{
    /// <summary>
    /// The most wires a circuit file may declare: 2^24, 450 times AES-128 (a circuit this size takes 256 MB of labels to
    /// garble). Larger headers are refused on line 1.
    /// </summary>
    public const int MaxWires = 1 << 24;

    /// <summary>Reads the circuit in <paramref name="path"/>.</summary>
    public static Circuit ReadFile(string path, BristolFormat format)
    {
        using var reader = new StreamReader(path);
        return Read(reader, format, Path.GetFileName(path));
    }

    /// <summary>Reads a circuit from <paramref name="reader"/>; errors name <paramref name="sourceName"/>.</summary>
    public static Circuit Read(TextReader reader, BristolFormat format, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new Parser(reader, format, sourceName).Parse();
    }

    private sealed class Parser(TextReader reader, BristolFormat format, string source)
    {
        private readonly List<Range> _tokens = [];
        private string _line = "";
        private int _lineNumber;

        public Circuit Parse()
        {
            // Header: "gates wires", then the input and output widths.
            ReadLine("the header line 'gates wires'");
            Expect(2, "the header 'gates wires'");
            int gateCount = Number(0, "gate count");
            int wireCount = Number(1, "wire count");
            if (wireCount > MaxWires) Fail($"the header declares {wireCount} wires, more than the {MaxWires} this reader accepts");

            int[] inputWidths, outputWidths;
            if (format == BristolFormat.Fashion)
            {
                inputWidths = WidthList("inputs");
                outputWidths = WidthList("outputs");
            }
            else
            {
                ReadLine("the widths line 'input1 input2 output'");
                Expect(3, "the widths line 'input1 input2 output'");
                inputWidths = [Number(0, "first input width"), Number(1, "second input width")];
                outputWidths = [Number(2, "output width")];
            }
            long inputTotal = inputWidths.Sum(w => (long)w), outputTotal = outputWidths.Sum(w => (long)w);
            if (inputTotal > wireCount) Fail($"the inputs need {inputTotal} wires but the header declares {wireCount}");
            if (outputTotal > wireCount) Fail($"the outputs need {outputTotal} wires but the header declares {wireCount}");

            // Gates. The header's counts only bound what the lines may do; nothing is allocated for them up front.
            var wires = new WireTable((int)inputTotal, wireCount);
            var gates = new List<Gate>(Math.Min(gateCount, 1 << 16));
            int gateLines = 0;
            while (TryReadLine())
            {
                gateLines++;
                if (gateLines > gateCount) Fail($"the header declares {gateCount} gates but this is gate {gateLines}");
                ParseGate(wireCount, wires, gates);
            }
            if (gateLines < gateCount)
            {
                _lineNumber++;
                Fail($"the header declares {gateCount} gates but the file ends after {gateLines}");
            }

            var outputWires = new int[outputTotal];
            for (int o = 0; o < outputWires.Length; o++)
            {
                int wire = wireCount - (int)outputTotal + o;
                if (wires.AssignedOn(wire) == 0)
                {
                    _lineNumber++;
                    Fail($"output wire {wire} (output bit {o}) is never assigned");
                }
                outputWires[o] = wires.Alias(wire);
            }
            if (wires.Assigned < wireCount - inputTotal)
            {
                _lineNumber++;
                Fail($"the header declares {wireCount} wires but the inputs and gates assign only {inputTotal + wires.Assigned} "
                    + $"(wire {wires.FirstUnassigned()} is never assigned)");
            }
            return new Circuit(wireCount, inputWidths, outputWidths, outputWires, gates.ToArray());
        }

        private void ParseGate(int wireCount, WireTable wires, List<Gate> gates)
        {
            if (_tokens.Count < 3) Fail("a gate needs 'inputs outputs wires... NAME'");
            int inputs = Number(0, "number of gate inputs");
            int outputs = Number(1, "number of gate outputs");
            if (_tokens.Count != 3 + inputs + outputs)
                Fail($"the gate declares {inputs} inputs and {outputs} outputs, "
                    + $"so it needs {3 + inputs + outputs} fields, not {_tokens.Count}");
            string name = Token(_tokens.Count - 1).ToString();
            switch (name)
            {
                case "XOR" or "AND":
                {
                    CheckArity(name, inputs, outputs, 2, 1);
                    int a = ReadWire(2, wireCount, wires), b = ReadWire(3, wireCount, wires);
                    int o = AssignWire(4, wireCount, wires);
                    gates.Add(name == "XOR" ? Gate.Xor(a, b, o) : Gate.And(a, b, o));
                    break;
                }
                case "INV":
                {
                    CheckArity(name, inputs, outputs, 1, 1);
                    int a = ReadWire(2, wireCount, wires);
                    gates.Add(Gate.Inv(a, AssignWire(3, wireCount, wires)));
                    break;
                }
                case "EQ" when format == BristolFormat.Fashion:
                {
                    CheckArity(name, inputs, outputs, 1, 1);
                    int value = Number(2, "EQ constant");
                    if (value > 1) Fail($"EQ assigns the constant 0 or 1, not {value}");
                    gates.Add(Gate.Constant(value == 1, AssignWire(3, wireCount, wires)));
                    break;
                }
                case "EQW" when format == BristolFormat.Fashion:
                {
                    CheckArity(name, inputs, outputs, 1, 1);
                    int a = ReadWire(2, wireCount, wires);
                    wires.SetAlias(AssignWire(3, wireCount, wires), a);
                    break;
                }
                case "MAND" when format == BristolFormat.Fashion:
                {
                    if (outputs < 1 || inputs != 2 * outputs)
                        Fail($"MAND takes 2k inputs and k outputs, not {inputs} inputs and {outputs} outputs");
                    var a = new int[outputs];
                    var b = new int[outputs];
                    for (int k = 0; k < outputs; k++)
                    {
                        a[k] = ReadWire(2 + k, wireCount, wires);
                        b[k] = ReadWire(2 + outputs + k, wireCount, wires);
                    }
                    for (int k = 0; k < outputs; k++)
                    {
                        gates.Add(Gate.And(a[k], b[k], AssignWire(2 + inputs + k, wireCount, wires)));
                    }
                    break;
                }
                default:
                    Fail(format == BristolFormat.Fashion
                        ? $"unknown gate '{name}' (Bristol Fashion has XOR, AND, INV, EQ, EQW, MAND)"
                        : $"unknown gate '{name}' (the old Bristol format has XOR, AND, INV)");
                    break;
            }
        }

        private void CheckArity(string name, int inputs, int outputs, int wantInputs, int wantOutputs)
        {
            if (inputs != wantInputs || outputs != wantOutputs)
                Fail($"{name} takes {wantInputs} input(s) and {wantOutputs} output, not {inputs} and {outputs}");
        }

        private int ReadWire(int token, int wireCount, WireTable wires)
        {
            int wire = WireNumber(token, wireCount);
            if (wires.AssignedOn(wire) == 0) Fail($"the gate reads wire {wire} before any gate assigns it");
            return wires.Alias(wire);
        }

        private int AssignWire(int token, int wireCount, WireTable wires)
        {
            int wire = WireNumber(token, wireCount);
            int line = wires.AssignedOn(wire);
            if (line == -1) Fail($"the gate assigns wire {wire}, which is an input wire");
            if (line > 0) Fail($"the gate assigns wire {wire}, already assigned on line {line}");
            wires.Assign(wire, _lineNumber);
            return wire;
        }

        private int WireNumber(int token, int wireCount)
        {
            int wire = Number(token, "wire number");
            if (wire >= wireCount) Fail($"wire {wire} is out of range: the header declares {wireCount} wires (0..{wireCount - 1})");
            return wire;
        }

        private int[] WidthList(string what)
        {
            ReadLine($"the {what} line");
            if (_tokens.Count < 1) Fail($"the {what} line is empty");
            int count = Number(0, $"number of {what}");
            if (_tokens.Count != 1 + count)
                Fail($"the {what} line declares {count} values but lists {_tokens.Count - 1} widths");
            var widths = new int[count];
            for (int v = 0; v < count; v++)
            {
                widths[v] = Number(1 + v, $"width of {what[..^1]} {v}");
            }
            return widths;
        }

        private void Expect(int count, string what)
        {
            if (_tokens.Count != count) Fail($"expected {what} ({count} numbers), found '{_line.Trim()}'");
        }

        private int Number(int token, string what)
        {
            ReadOnlySpan<char> text = Token(token);
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                Fail($"the {what} '{text}' is not a non-negative integer");
            return value;
        }

        private ReadOnlySpan<char> Token(int index) => _line.AsSpan()[_tokens[index]];

        private void ReadLine(string what)
        {
            if (!TryReadLine())
            {
                _lineNumber++;
                Fail($"the file ends where {what} should be");
            }
        }

        /// <summary>Reads the next non-blank line and splits it into whitespace-separated tokens.</summary>
        private bool TryReadLine()
        {
            while (true)
            {
                string? line = reader.ReadLine();
                if (line is null) return false;
                _lineNumber++;
                _line = line;
                _tokens.Clear();
                int i = 0;
                while (i < line.Length)
                {
                    while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
                    int start = i;
                    while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
                    if (i > start) _tokens.Add(start..i);
                }
                if (_tokens.Count > 0) return true;
            }
        }

        private void Fail(string problem) => throw new CircuitFormatException(source, _lineNumber, problem);
    }
    /// <summary>
    /// Per wire: the line that assigned it (-1 for inputs, 0 for none yet) and the wire it copies (EQW). Inputs need no
    /// entry. Assigned wires live in an array that grows with the number of assignments, and those far beyond it in a
    /// dictionary, so that the memory follows the file's gates, whatever wire numbers the file claims.
    /// </summary>
    private sealed class WireTable(int inputCount, int wireCount)
    {
        private int[] _assignedOn = [];
        private int[] _alias = [];                  // source + 1; 0 means the wire is itself
        private readonly Dictionary<int, (int Line, int Alias)> _far = [];

        /// <summary>How many non-input wires gates have assigned.</summary>
        public int Assigned { get; private set; }

        public int AssignedOn(int wire)
        {
            if (wire < inputCount) return -1;
            int i = wire - inputCount;
            if (i < _assignedOn.Length) return _assignedOn[i];
            return _far.TryGetValue(i, out var entry) ? entry.Line : 0;
        }

        public int Alias(int wire)
        {
            int i = wire - inputCount;
            int alias = i < 0 ? 0 : i < _alias.Length ? _alias[i] : _far.TryGetValue(i, out var entry) ? entry.Alias : 0;
            return alias != 0 ? alias - 1 : wire;
        }

        public void Assign(int wire, int line)
        {
            int i = wire - inputCount;
            if (i >= _assignedOn.Length && i < 2L * Assigned + 1024)
            {
                int size = (int)Math.Min(Math.Max(i + 1L, 2L * _assignedOn.Length), wireCount - inputCount);
                Array.Resize(ref _assignedOn, size);
                Array.Resize(ref _alias, size);
                foreach (var (far, entry) in _far.Where(e => e.Key < size).ToList())
                {
                    (_assignedOn[far], _alias[far]) = entry;
                    _far.Remove(far);
                }
            }
            if (i < _assignedOn.Length) _assignedOn[i] = line;
            else _far[i] = (line, 0);
            Assigned++;
        }

        /// <summary>Makes <paramref name="wire"/> (already assigned) a copy of <paramref name="source"/>.</summary>
        public void SetAlias(int wire, int source)
        {
            int i = wire - inputCount;
            if (i < _alias.Length) _alias[i] = source + 1;
            else _far[i] = (_far[i].Line, source + 1);
        }

        public int FirstUnassigned()
        {
            for (int w = inputCount; w < wireCount; w++)
            {
                if (AssignedOn(w) == 0) return w;
            }
            return -1;
        }
    }
}

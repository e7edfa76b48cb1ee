using System.Buffers.Binary;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Net;

namespace Mpc.Protocols.Garbling.Internal;

/// <summary>
/// One garbled computation as both parties must see it: the circuit, where each input value comes from, what happens
/// to each output value, and the index of its first AND gate. Encodes the evaluator's request header and checks it
/// at the garbler, naming what disagrees.
/// </summary>
internal sealed class RunLayout
{
    private const byte Version = 1;
    private const int FingerprintBytes = 32;

    private RunLayout(Circuit circuit, InputSource[] sources, OutputMode[] modes, ulong firstAndIndex)
    {
        Circuit = circuit;
        Sources = sources;
        Modes = modes;
        FirstAndIndex = firstAndIndex;
        for (int v = 0; v < sources.Length; v++)
        {
            if (sources[v] == InputSource.Garbler) GarblerBits += circuit.InputWidths[v];
            if (sources[v] == InputSource.Evaluator) EvaluatorBits += circuit.InputWidths[v];
        }
        for (int v = 0; v < modes.Length; v++)
        {
            if (RevealsToEvaluator(modes[v])) EvaluatorRevealBits += circuit.OutputWidths[v];
            if (RevealsToGarbler(modes[v])) GarblerRevealBits += circuit.OutputWidths[v];
        }
    }

    public Circuit Circuit { get; }

    public InputSource[] Sources { get; }

    public OutputMode[] Modes { get; }

    public ulong FirstAndIndex { get; }

    /// <summary>Input bits the garbler supplies in the clear (it sends their labels).</summary>
    public int GarblerBits { get; }

    /// <summary>Input bits the evaluator supplies (their labels go by OT).</summary>
    public int EvaluatorBits { get; }

    /// <summary>Output bits the evaluator learns (the garbler sends their decoding bits).</summary>
    public int EvaluatorRevealBits { get; }

    /// <summary>Output bits the garbler learns (the evaluator sends their colour bits).</summary>
    public int GarblerRevealBits { get; }

    public static bool RevealsToEvaluator(OutputMode mode) => mode is OutputMode.RevealToEvaluator or OutputMode.RevealToBoth;

    public static bool RevealsToGarbler(OutputMode mode) => mode is OutputMode.RevealToGarbler or OutputMode.RevealToBoth;

    /// <summary>Checks the arguments of one call (either role) and captures its layout.</summary>
    public static RunLayout Create(Circuit circuit, IReadOnlyList<InputSource> sources, IReadOnlyList<int> labelWidths,
        IReadOnlyList<int> bitCounts, IReadOnlyList<OutputMode> outputs, ulong firstAndIndex)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(outputs);
        if (sources.Count != circuit.InputWidths.Count)
            throw new ArgumentException($"The circuit has {circuit.InputWidths.Count} input values, but {sources.Count} inputs are given.",
                "inputs");
        for (int v = 0; v < sources.Count; v++)
        {
            int width = circuit.InputWidths[v];
            switch (sources[v])
            {
                case InputSource.Labels when labelWidths[v] != width:
                    throw new ArgumentException($"Input value {v} is {width} bits wide but its labels are {labelWidths[v]}.", "inputs");
                case InputSource.Garbler or InputSource.Evaluator when bitCounts[v] >= 0 && bitCounts[v] != width:
                    throw new ArgumentException($"Input value {v} is {width} bits wide but {bitCounts[v]} bits are given.", "inputs");
                case InputSource.Garbler or InputSource.Evaluator or InputSource.Labels:
                    break;
                default:
                    throw new ArgumentException($"Input value {v} has no source (a default input).", "inputs");
            }
        }
        if (outputs.Count != circuit.OutputWidths.Count)
            throw new ArgumentException(
                $"The circuit has {circuit.OutputWidths.Count} output values, but {outputs.Count} output modes are given.",
                nameof(outputs));
        for (int v = 0; v < outputs.Count; v++)
        {
            if (outputs[v] is < OutputMode.RevealToEvaluator or > OutputMode.KeepLabels)
                throw new ArgumentException($"Output value {v} has no valid mode ({(int)outputs[v]}).", nameof(outputs));
        }
        return new RunLayout(circuit, [.. sources], [.. outputs], firstAndIndex);
    }

    /// <summary>
    /// The evaluator's request: version, circuit fingerprint, first AND index, input sources, output modes, then its
    /// input bits masked by its pooled OTs' choice bits (packed, bit j % 8 of byte j / 8).
    /// </summary>
    public byte[] EncodeRequest(ReadOnlySpan<bool> maskedInputs)
    {
        byte[] header = EncodeHeader();
        var bytes = new byte[header.Length + (maskedInputs.Length + 7) / 8];
        header.CopyTo(bytes, 0);
        for (int j = 0; j < maskedInputs.Length; j++)
        {
            if (maskedInputs[j]) bytes[header.Length + j / 8] |= (byte)(1 << (j % 8));
        }
        return bytes;
    }

    /// <summary>Checks the evaluator's request against this (the garbler's) layout and returns its masked input bits.</summary>
    public bool[] CheckRequest(ReadOnlySpan<byte> request, int evaluator)
    {
        byte[] mine = EncodeHeader();
        if (request.Length < 1 + FingerprintBytes + 8 || request[0] != Version)
            throw new GarblingException(evaluator, GarblingCheck.RequestFormat,
                $"a request of {request.Length} bytes that is not a version-{Version} garbling request");
        if (!request.Slice(1, FingerprintBytes).SequenceEqual(mine.AsSpan(1, FingerprintBytes)))
            throw new GarblingException(evaluator, GarblingCheck.CircuitFingerprint,
                $"their circuit is not ours ({Circuit}): the fingerprints differ");
        ulong theirs = BinaryPrimitives.ReadUInt64LittleEndian(request[(1 + FingerprintBytes)..]);
        if (theirs != FirstAndIndex)
            throw new GarblingException(evaluator, GarblingCheck.GateIndex,
                $"we start at AND gate {FirstAndIndex}, they at {theirs} (one side ran a circuit the other did not)");
        if (request.Length < mine.Length)
            throw new GarblingException(evaluator, GarblingCheck.RequestFormat,
                $"a request of {request.Length} bytes, shorter than the {mine.Length}-byte header for this circuit");
        int at = 1 + FingerprintBytes + 8 + 4;
        for (int v = 0; v < Sources.Length; v++, at++)
        {
            if (request[at] != mine[at])
                throw new GarblingException(evaluator, GarblingCheck.InputSources,
                    $"input value {v}: we say {Sources[v]}, they say {Name<InputSource>(request[at])}");
        }
        at += 4;
        for (int v = 0; v < Modes.Length; v++, at++)
        {
            if (request[at] != mine[at])
                throw new GarblingException(evaluator, GarblingCheck.OutputModes,
                    $"output value {v}: we say {Modes[v]}, they say {Name<OutputMode>(request[at])}");
        }
        // The value counts are the last header fields not compared above.
        if (!request[..mine.Length].SequenceEqual(mine))
            throw new GarblingException(evaluator, GarblingCheck.RequestFormat,
                "a request whose header differs from ours in its input or output counts");
        int maskedBytes = (EvaluatorBits + 7) / 8;
        if (request.Length != mine.Length + maskedBytes)
            throw new GarblingException(evaluator, GarblingCheck.RequestFormat,
                $"a request of {request.Length} bytes where one for this circuit has {mine.Length + maskedBytes}");
        var masked = new bool[EvaluatorBits];
        for (int j = 0; j < masked.Length; j++)
        {
            masked[j] = ((request[mine.Length + j / 8] >> (j % 8)) & 1) != 0;
        }
        return masked;
    }

    private byte[] EncodeHeader()
    {
        var bytes = new byte[1 + FingerprintBytes + 8 + 4 + Sources.Length + 4 + Modes.Length];
        int at = 0;
        bytes[at++] = Version;
        Circuit.Fingerprint.CopyTo(bytes.AsSpan(at));
        at += FingerprintBytes;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), FirstAndIndex);
        at += 8;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), Sources.Length);
        at += 4;
        foreach (InputSource s in Sources) bytes[at++] = (byte)s;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), Modes.Length);
        at += 4;
        foreach (OutputMode m in Modes) bytes[at++] = (byte)m;
        return bytes;
    }

    /// <summary>
    /// Copies <paramref name="labels"/> into the input wires of the values from <paramref name="source"/>, value after value.
    /// </summary>
    public void ScatterInputs(InputSource source, ReadOnlySpan<Block128> labels, Span<Block128> wires)
    {
        int k = 0;
        for (int v = 0; v < Sources.Length; v++)
        {
            if (Sources[v] != source) continue;
            int width = Circuit.InputWidths[v];
            labels.Slice(k, width).CopyTo(wires.Slice(Circuit.InputOffset(v), width));
            k += width;
        }
    }

    /// <summary>
    /// The colour bits (one byte each) of the output labels in <paramref name="wires"/> of the values <paramref name="selected"/> picks.
    /// </summary>
    public byte[] OutputColours(ReadOnlySpan<Block128> wires, Func<OutputMode, bool> selected)
    {
        var colours = new List<byte>();
        for (int v = 0; v < Modes.Length; v++)
        {
            if (!selected(Modes[v])) continue;
            int offset = Circuit.OutputOffset(v);
            for (int i = 0; i < Circuit.OutputWidths[v]; i++)
            {
                colours.Add(wires[Circuit.OutputWires[offset + i]].Lsb ? (byte)1 : (byte)0);
            }
        }
        return [.. colours];
    }

    public static void CheckPeer(IPartyNetwork network, int peer, string name)
    {
        if (peer == network.PartyId || (uint)peer >= (uint)network.PartyCount)
            throw new ArgumentOutOfRangeException(name, peer,
                $"The peer must be another party (0..{network.PartyCount - 1}, not {network.PartyId}).");
    }

    private static string Name<T>(byte value) where T : struct, Enum =>
        Enum.IsDefined(typeof(T), value) ? ((T)Enum.ToObject(typeof(T), value)).ToString() : $"unknown ({value})";
}

using System.Runtime.InteropServices;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Garbling;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.Garbling.Internal;
using Mpc.Protocols.ObliviousTransfer;
using Mpc.Protocols.Common;

namespace Mpc.Protocols.Garbling;

/// <summary>
/// The garbler of two-party Yao garbled circuits: garbles each circuit with half gates (<see cref="HalfGates"/>) under
/// its free-XOR offset Δ and streams the tables to the <see cref="Evaluator"/> while it evaluates them.
/// </summary>
/// <remarks>
/// <para>
/// Yao (FOCS 1986) with free XOR, point-and-permute and half gates (Zahur, Rosulek, Evans, EUROCRYPT 2015); fixed-key
/// AES as the hash (Guo et al., S&amp;P 2020); input labels by correlated IKNP OT whose correlation is Δ itself
/// (<see cref="IknpSender"/>), precomputed (Beaver, CRYPTO 1995). Semi-honest security: a corrupt evaluator learns only
/// the outputs revealed to it, a corrupt garbler only the outputs revealed to it. Rounds: creation runs the 128 base
/// OTs of IKNP (Chou-Orlandi, two rounds); one circuit costs three messages, one per direction change, the third only
/// when outputs are revealed to the garbler. Derivation: docs/protocols.md#garbled-circuit-protocol.
/// </para>
/// <para>
/// An evaluator's request that names another circuit, other input sources, output modes or first AND index fails with
/// a <see cref="GarblingException"/> that names what disagrees. Outputs kept as labels (<see cref="OutputMode.KeepLabels"/>)
/// feed later circuits through <see cref="GarblerInput.FromLabels"/>: every circuit of one garbler uses the same Δ, and
/// AND-gate tweaks continue from circuit to circuit so none repeats. Calls on one instance must not overlap and must
/// follow the evaluator's order; after a failed call the instance refuses further calls. Buffers are reused from call
/// to call, so garbling allocates nothing per gate.
/// </para>
/// </remarks>
public sealed class Garbler : IDisposable
{
    private readonly IPartyNetwork _network;
    private readonly int _evaluator;
    private readonly StreamTag _tag;
    private readonly SenderCotPool _ots;
    private readonly AesCtrPrg _random;
    private readonly Block128 _delta;
    private readonly Block128[][] _chunks = [[], []];
    private readonly byte[] _acknowledgement = new byte[1];
    private Block128[] _wires = [];
    private ulong _nextAndIndex;
    private readonly ExclusiveCalls _calls = new(nameof(Garbler), "An earlier call on this garbler failed; create a new one.");
    private bool _disposed;

    private Garbler(IPartyNetwork network, int evaluator, StreamTag tag, IknpSender ot, AesCtrPrg random, Block128 delta)
    {
        _network = network;
        _evaluator = evaluator;
        _tag = tag;
        _ots = new SenderCotPool(ot);
        _random = random;
        _delta = delta;
    }

    /// <summary>
    /// Creates the garbler towards party <paramref name="evaluator"/> on <paramref name="session"/>: takes two tags of
    /// <see cref="ProtocolChannel.Garbling"/> (the evaluator's <see cref="Evaluator.CreateAsync(Session, int, CancellationToken)"/>
    /// takes the same two), forks its randomness from the session's and runs the base OTs (2 rounds).
    /// </summary>
    public static ValueTask<Garbler> CreateAsync(Session session, int evaluator, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        StreamTag tag = session.NextTag(ProtocolChannel.Garbling);
        StreamTag otTag = session.NextTag(ProtocolChannel.Garbling);
        return CreateAsync(session.Network, evaluator, tag, otTag, session.Random, ct);
    }

    /// <summary>
    /// Creates the garbler towards party <paramref name="evaluator"/>: circuits travel on <paramref name="tag"/>, OT on
    /// <paramref name="otTag"/>. Draws Δ and a private generator for labels from <paramref name="random"/> (used only
    /// during this call) and runs the base OTs (2 rounds).
    /// </summary>
    public static async ValueTask<Garbler> CreateAsync(IPartyNetwork network, int evaluator, StreamTag tag, StreamTag otTag,
        AesCtrPrg random, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        RunLayout.CheckPeer(network, evaluator, nameof(evaluator));
        if (tag == otTag) throw new ArgumentException("Circuits and OT need different tags.", nameof(otTag));
        AesCtrPrg labels = random.Fork();
        Block128 delta = DrawOffset(labels);
        try
        {
            // The OT's Δ is the free-XOR offset, so one correlated OT per evaluator input bit hands over its label
            // directly (t = W0 ⊕ x·Δ), as emp-toolkit does.
            IknpSender ot = await IknpSender.CreateWithDeltaAsync(network, evaluator, otTag, delta, random,
                softSpokenBits: 1, ct).ConfigureAwait(false);
            return new Garbler(network, evaluator, tag, ot, labels, delta);
        }
        catch
        {
            labels.Dispose();
            throw;
        }
    }

    /// <summary>The evaluator's party id.</summary>
    public int EvaluatorId => _evaluator;

    /// <summary>AND gates garbled so far: the tweak index where the next circuit starts.</summary>
    public ulong AndGatesGarbled => Volatile.Read(ref _nextAndIndex);

    /// <summary>
    /// Garbles <paramref name="circuit"/> for the evaluator, which must call <see cref="Evaluator.EvaluateAsync"/> with
    /// the same circuit, matching input sources and the same output modes. Three messages at most (see the remarks).
    /// </summary>
    /// <param name="circuit">The circuit.</param>
    /// <param name="inputs">One entry per input value of the circuit: the garbler's bits (read during the call: do not change
    /// them before it completes), the evaluator's, or kept labels.</param>
    /// <param name="outputs">One mode per output value.</param>
    /// <param name="ct">Cancels the call (the network then fails, as a half-sent circuit cannot be taken back).</param>
    /// <returns>The outputs revealed to the garbler and the garbler's labels of every output.</returns>
    public ValueTask<GarblerResult> GarbleAsync(Circuit circuit, IReadOnlyList<GarblerInput> inputs, IReadOnlyList<OutputMode> outputs,
        CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (GarblerInput input in inputs)
        {
            if (input.Source == InputSource.Labels && !ReferenceEquals(input.Labels!.Owner, this))
                throw new ArgumentException("Labels from another garbler (another Δ) cannot be inputs here.", nameof(inputs));
        }
        var layout = RunLayout.Create(circuit,
            inputs.Select(i => i.Source).ToArray(),
            inputs.Select(i => i.Labels?.Width ?? 0).ToArray(),
            inputs.Select(i => i.Source == InputSource.Garbler ? i.Bits.Length : -1).ToArray(),
            outputs, Volatile.Read(ref _nextAndIndex));
        GarblerInput[] copied = [.. inputs];
        _calls.Enter();
        Volatile.Write(ref _nextAndIndex, layout.FirstAndIndex + (ulong)circuit.AndCount);
        return _calls.RunAsync(() => RunAsync(layout, copied, ct));
    }

    /// <summary>Wipes Δ's OT state and the label buffers; the instance cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _ots.Dispose();
        _random.Dispose();
        // After a failure a receive could still be writing; the buffers are then the GC's, cleared or not.
        Array.Clear(_wires);
        foreach (var chunk in _chunks) Array.Clear(chunk);
    }

    private async ValueTask<GarblerResult> RunAsync(RunLayout layout, GarblerInput[] inputs, CancellationToken ct)
    {
        Circuit circuit = layout.Circuit;
        if (_wires.Length < circuit.WireCount) _wires = new Block128[circuit.WireCount];
        Block128[] wires = _wires;

        // Message 1 (from the evaluator): its request, checked before anything else, with its input bits masked by
        // the choice bits of pooled OTs (and, when the pool runs short, an IKNP batch to refill it).
        bool[] masked;
        using (var request = await _network.ReceiveFrameAsync(_evaluator, _tag, ct).ConfigureAwait(false))
        {
            masked = layout.CheckRequest(request.Memory.Span, _evaluator);
        }
        if (layout.EvaluatorBits > 0)
        {
            var q = new Block128[layout.EvaluatorBits];
            await _ots.TakeAsync(q, ct).ConfigureAwait(false);
            // The evaluator holds t = q ⊕ r·Δ and sent d = x ⊕ r: with W0 = q ⊕ d·Δ, its t is W0 ⊕ x·Δ.
            for (int j = 0; j < q.Length; j++) q[j] ^= _delta & Block128.Mask(masked[j]);
            layout.ScatterInputs(InputSource.Evaluator, q, wires);
            Array.Clear(q);
        }
        Block128[] active = SetOwnInputs(circuit, inputs, wires);

        // Message 2 (to the evaluator): our input labels, the tables chunk by chunk, the decoding bits.
        ValueTask pending = active.Length > 0 ? _network.SendAsync<Block128>(_evaluator, _tag, active, ct) : ValueTask.CompletedTask;
        int largest = TableChunks.Largest(circuit.AndCount);
        for (int b = 0; b < 2; b++)
        {
            if (_chunks[b].Length < HalfGates.BlocksPerAnd * largest) _chunks[b] = new Block128[HalfGates.BlocksPerAnd * largest];
        }
        int gate = 0, done = 0;
        for (int k = 0; gate < circuit.Gates.Length; k++)
        {
            Block128[] chunk = _chunks[k & 1];
            int room = HalfGates.BlocksPerAnd * TableChunks.Ands(k, circuit.AndCount - done);
            GateProgress progress = HalfGates.GarbleGates(circuit, gate, _delta, wires, chunk.AsSpan(0, room),
                layout.FirstAndIndex + (ulong)done);
            gate += progress.Gates;
            done += progress.AndGates;
            if (progress.AndGates == 0) continue;
            await pending.ConfigureAwait(false);
            if (k >= TableChunks.AckWindow)
            {
                // Flow control: the evaluator has taken chunk k - AckWindow.
                await _network.ReceiveAsync(_evaluator, _tag, _acknowledgement, ct).ConfigureAwait(false);
            }
            pending = _network.SendAsync<Block128>(_evaluator, _tag, chunk.AsMemory(0, HalfGates.BlocksPerAnd * progress.AndGates), ct);
        }
        await pending.ConfigureAwait(false);
        Array.Clear(active);
        if (layout.EvaluatorRevealBits > 0)
        {
            await _network.SendAsync(_evaluator, _tag, layout.OutputColours(wires, RunLayout.RevealsToEvaluator), ct).ConfigureAwait(false);
        }
        _network.CountRound();

        // Message 3 (from the evaluator): the colour bits of the outputs we learn.
        byte[]? colours = null;
        if (layout.GarblerRevealBits > 0)
        {
            colours = new byte[layout.GarblerRevealBits];
            await _network.ReceiveAsync(_evaluator, _tag, colours, ct).ConfigureAwait(false);
            _network.CountRound();
        }
        return Result(layout, wires, colours);
    }

    /// <summary>Fresh zero-labels for our own input bits (returning their active labels) and copies of kept labels.</summary>
    private Block128[] SetOwnInputs(Circuit circuit, GarblerInput[] inputs, Block128[] wires)
    {
        var active = new Block128[inputs.Where(i => i.Source == InputSource.Garbler).Sum(i => i.Bits.Length)];
        int k = 0;
        for (int v = 0; v < inputs.Length; v++)
        {
            Span<Block128> labels = wires.AsSpan(circuit.InputOffset(v), circuit.InputWidths[v]);
            switch (inputs[v].Source)
            {
                case InputSource.Garbler:
                    _random.Fill(labels);
                    ReadOnlySpan<bool> bits = inputs[v].Bits.Span;
                    for (int i = 0; i < labels.Length; i++)
                    {
                        active[k++] = labels[i] ^ (_delta & Block128.Mask(bits[i]));
                    }
                    break;
                case InputSource.Labels:
                    inputs[v].Labels!.ZeroLabels.CopyTo(labels);
                    break;
            }
        }
        return active;
    }

    private GarblerResult Result(RunLayout layout, ReadOnlySpan<Block128> wires, byte[]? colours)
    {
        Circuit circuit = layout.Circuit;
        int n = layout.Modes.Length, k = 0;
        var bits = new bool[]?[n];
        var labels = new GarblerLabels[n];
        for (int v = 0; v < n; v++)
        {
            int width = circuit.OutputWidths[v], offset = circuit.OutputOffset(v);
            var zero = new Block128[width];
            for (int i = 0; i < width; i++) zero[i] = wires[circuit.OutputWires[offset + i]];
            labels[v] = new GarblerLabels(this, zero);
            if (!RunLayout.RevealsToGarbler(layout.Modes[v])) continue;
            var value = new bool[width];
            for (int i = 0; i < width; i++)
            {
                // The evaluator's colour bit is lsb(W0) ⊕ value.
                value[i] = (colours![k++] != 0) ^ zero[i].Lsb;
            }
            bits[v] = value;
        }
        return new GarblerResult(layout.Modes, bits, labels);
    }

    /// <summary>A uniformly random Δ with its colour bit set.</summary>
    private static Block128 DrawOffset(AesCtrPrg random)
    {
        Span<Block128> delta = stackalloc Block128[1];
        random.Fill(delta);
        return delta[0].WithLsb(true);
    }
}

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
/// The evaluator of two-party Yao garbled circuits: gets the labels of its inputs by OT, evaluates the
/// <see cref="Garbler"/>'s tables chunk by chunk as they arrive, and decodes the outputs revealed to it.
/// </summary>
/// <remarks>
/// The protocol, its security and its three messages are described on <see cref="Garbler"/>. The evaluator receives
/// the next chunk of tables into one buffer while it evaluates the previous one from the other, so transfer and
/// evaluation overlap and a circuit is never held whole. Creation runs the base OTs of IKNP as the OT receiver
/// (<see cref="IknpReceiver"/>); its input labels come from a pool of precomputed random correlated OTs (see
/// <see cref="Garbler"/>). Calls on one instance must not overlap and must follow the garbler's order; after a
/// failed call the instance refuses further calls.
/// </remarks>
public sealed class Evaluator : IDisposable
{
    private readonly IPartyNetwork _network;
    private readonly int _garbler;
    private readonly StreamTag _tag;
    private readonly ReceiverCotPool _ots;
    private readonly Block128[][] _chunks = [[], []];
    private readonly byte[] _acknowledgement = [1];
    private Block128[] _wires = [];
    private ulong _nextAndIndex;
    private readonly ExclusiveCalls _calls = new(nameof(Evaluator), "An earlier call on this evaluator failed; create a new one.");
    private bool _disposed;

    private Evaluator(IPartyNetwork network, int garbler, StreamTag tag, IknpReceiver ot, AesCtrPrg random)
    {
        _network = network;
        _garbler = garbler;
        _tag = tag;
        _ots = new ReceiverCotPool(ot, random);
    }

    /// <summary>
    /// Creates the evaluator for party <paramref name="garbler"/>'s circuits on <paramref name="session"/>: takes the same
    /// two tags as <see cref="Garbler.CreateAsync(Session, int, CancellationToken)"/>, forks its randomness from the
    /// session's and runs the base OTs (2 rounds).
    /// </summary>
    public static ValueTask<Evaluator> CreateAsync(Session session, int garbler, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        StreamTag tag = session.NextTag(ProtocolChannel.Garbling);
        StreamTag otTag = session.NextTag(ProtocolChannel.Garbling);
        return CreateAsync(session.Network, garbler, tag, otTag, session.Random, ct);
    }

    /// <summary>
    /// Creates the evaluator for party <paramref name="garbler"/>'s circuits: circuits on <paramref name="tag"/>, OT on
    /// <paramref name="otTag"/>. Draws a private generator (for the pooled OTs' choice bits) from <paramref name="random"/>,
    /// which is used only during this call, and runs the base OTs (2 rounds).
    /// </summary>
    public static async ValueTask<Evaluator> CreateAsync(IPartyNetwork network, int garbler, StreamTag tag, StreamTag otTag,
        AesCtrPrg random, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        RunLayout.CheckPeer(network, garbler, nameof(garbler));
        if (tag == otTag) throw new ArgumentException("Circuits and OT need different tags.", nameof(otTag));
        AesCtrPrg choices = random.Fork();
        try
        {
            IknpReceiver ot = await IknpReceiver.CreateAsync(network, garbler, otTag, random, ct).ConfigureAwait(false);
            return new Evaluator(network, garbler, tag, ot, choices);
        }
        catch
        {
            choices.Dispose();
            throw;
        }
    }

    /// <summary>The garbler's party id.</summary>
    public int GarblerId => _garbler;

    /// <summary>AND gates evaluated so far: the tweak index where the next circuit starts.</summary>
    public ulong AndGatesEvaluated => Volatile.Read(ref _nextAndIndex);

    /// <summary>
    /// Evaluates the garbler's garbling of <paramref name="circuit"/>, which it produces with
    /// <see cref="Garbler.GarbleAsync"/> on matching inputs and the same output modes.
    /// </summary>
    /// <param name="circuit">The circuit.</param>
    /// <param name="inputs">One entry per input value: the evaluator's bits, the garbler's, or kept labels.</param>
    /// <param name="outputs">One mode per output value.</param>
    /// <param name="ct">Cancels the call (the network then fails).</param>
    /// <returns>The outputs revealed to the evaluator and its labels of every output.</returns>
    public ValueTask<EvaluatorResult> EvaluateAsync(Circuit circuit, IReadOnlyList<EvaluatorInput> inputs,
        IReadOnlyList<OutputMode> outputs, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (EvaluatorInput input in inputs)
        {
            if (input.Source == InputSource.Labels && !ReferenceEquals(input.Labels!.Owner, this))
                throw new ArgumentException("Labels from another evaluator cannot be inputs here.", nameof(inputs));
        }
        var layout = RunLayout.Create(circuit,
            inputs.Select(i => i.Source).ToArray(),
            inputs.Select(i => i.Labels?.Width ?? 0).ToArray(),
            inputs.Select(i => i.Source == InputSource.Evaluator ? i.Bits.Length : -1).ToArray(),
            outputs, Volatile.Read(ref _nextAndIndex));
        EvaluatorInput[] copied = [.. inputs];
        _calls.Enter();
        Volatile.Write(ref _nextAndIndex, layout.FirstAndIndex + (ulong)circuit.AndCount);
        return _calls.RunAsync(() => RunAsync(layout, copied, ct));
    }

    /// <summary>Wipes the OT state and the label buffers; the instance cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _ots.Dispose();
        Array.Clear(_wires);
        foreach (var chunk in _chunks) Array.Clear(chunk);
    }

    private async ValueTask<EvaluatorResult> RunAsync(RunLayout layout, EvaluatorInput[] inputs, CancellationToken ct)
    {
        Circuit circuit = layout.Circuit;
        if (_wires.Length < circuit.WireCount) _wires = new Block128[circuit.WireCount];
        Block128[] wires = _wires;
        int largest = TableChunks.Largest(circuit.AndCount);
        for (int b = 0; b < 2; b++)
        {
            if (_chunks[b].Length < HalfGates.BlocksPerAnd * largest) _chunks[b] = new Block128[HalfGates.BlocksPerAnd * largest];
        }

        // Message 1 (to the garbler): the request with our input bits masked by pooled OTs' choice bits, then the
        // IKNP correction of a pool refill when one is due.
        bool[] masked = _ots.ReserveChoices(layout.EvaluatorBits);
        bool[] own = OwnBits(inputs);
        for (int j = 0; j < masked.Length; j++) masked[j] ^= own[j];
        ValueTask request = _network.SendAsync(_garbler, _tag, layout.EncodeRequest(masked), ct);
        Array.Clear(own);
        // Post the receive of the garbler's labels at once, so the transport can deliver them while the OT runs.
        var theirs = new Block128[layout.GarblerBits];
        ValueTask theirLabels = theirs.Length > 0 ? _network.ReceiveAsync<Block128>(_garbler, _tag, theirs, ct) : ValueTask.CompletedTask;
        if (layout.EvaluatorBits > 0)
        {
            var t = new Block128[layout.EvaluatorBits];
            await _ots.TakeAsync(t, ct).ConfigureAwait(false);
            layout.ScatterInputs(InputSource.Evaluator, t, wires);
            Array.Clear(t);
        }
        await request.ConfigureAwait(false);
        for (int v = 0; v < inputs.Length; v++)
        {
            if (inputs[v].Source == InputSource.Labels)
                inputs[v].Labels!.ActiveLabels.CopyTo(wires.AsSpan(circuit.InputOffset(v)));
        }

        // Message 2 (from the garbler): its input labels, the tables in chunks, the decoding bits.
        await theirLabels.ConfigureAwait(false);
        layout.ScatterInputs(InputSource.Garbler, theirs, wires);
        int gate = 0, done = 0, k = 0, chunks = TableChunks.Count(circuit.AndCount);
        ValueTask next = ReceiveChunk(circuit, 0, 0), acknowledged = ValueTask.CompletedTask;
        while (done < circuit.AndCount)
        {
            int ands = TableChunks.Ands(k, circuit.AndCount - done);
            await next.ConfigureAwait(false);
            if (TableChunks.Acknowledged(k, chunks))
            {
                await acknowledged.ConfigureAwait(false);
                acknowledged = _network.SendAsync(_garbler, _tag, _acknowledgement, ct);
            }
            Block128[] chunk = _chunks[k & 1];
            next = ReceiveChunk(circuit, k + 1, done + ands);
            GateProgress progress = HalfGates.EvaluateGates(circuit, gate, wires, chunk.AsSpan(0, HalfGates.BlocksPerAnd * ands),
                layout.FirstAndIndex + (ulong)done);
            gate += progress.Gates;
            done += progress.AndGates;
            k++;
        }
        await next.ConfigureAwait(false);
        await acknowledged.ConfigureAwait(false);
        // Free gates after the last AND gate (or a circuit without AND gates).
        HalfGates.EvaluateGates(circuit, gate, wires, [], layout.FirstAndIndex + (ulong)done);
        byte[]? decoding = null;
        if (layout.EvaluatorRevealBits > 0)
        {
            decoding = new byte[layout.EvaluatorRevealBits];
            await _network.ReceiveAsync(_garbler, _tag, decoding, ct).ConfigureAwait(false);
        }
        _network.CountRound();

        // Message 3 (to the garbler): the colour bits of the outputs it learns.
        if (layout.GarblerRevealBits > 0)
        {
            await _network.SendAsync(_garbler, _tag, layout.OutputColours(wires, RunLayout.RevealsToGarbler), ct).ConfigureAwait(false);
            _network.CountRound();
        }
        return Result(layout, wires, decoding);

        ValueTask ReceiveChunk(Circuit c, int index, int before) =>
            before < c.AndCount
                ? _network.ReceiveAsync<Block128>(_garbler, _tag,
                    _chunks[index & 1].AsMemory(0, HalfGates.BlocksPerAnd * TableChunks.Ands(index, c.AndCount - before)), ct)
                : ValueTask.CompletedTask;
    }

    /// <summary>Our input bits, value after value.</summary>
    private static bool[] OwnBits(EvaluatorInput[] inputs) =>
        inputs.Where(i => i.Source == InputSource.Evaluator).SelectMany(i => i.Bits.ToArray()).ToArray();

    private EvaluatorResult Result(RunLayout layout, ReadOnlySpan<Block128> wires, byte[]? decoding)
    {
        Circuit circuit = layout.Circuit;
        int n = layout.Modes.Length, k = 0;
        var bits = new bool[]?[n];
        var labels = new EvaluatorLabels[n];
        for (int v = 0; v < n; v++)
        {
            int width = circuit.OutputWidths[v], offset = circuit.OutputOffset(v);
            var held = new Block128[width];
            for (int i = 0; i < width; i++) held[i] = wires[circuit.OutputWires[offset + i]];
            labels[v] = new EvaluatorLabels(this, held);
            if (!RunLayout.RevealsToEvaluator(layout.Modes[v])) continue;
            var value = new bool[width];
            for (int i = 0; i < width; i++)
            {
                // Our colour bit is the value masked by the garbler's permute bit, which it sent.
                value[i] = held[i].Lsb ^ (decoding![k++] != 0);
            }
            bits[v] = value;
        }
        return new EvaluatorResult(layout.Modes, bits, labels);
    }
}

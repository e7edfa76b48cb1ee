using System.Globalization;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Every request for preprocessing material a program will make, in order, with its public shapes: what an offline
/// phase must produce before the program runs (<see cref="PlannedPreprocessing"/>), as MP-SPDZ's compiler counts a
/// program's triples and bits ahead.
/// </summary>
/// <remarks>
/// <see cref="RecordAsync"/> finds the plan by a rehearsal: the program runs once, alone, over a network that carries
/// nothing, against a source that hands out zeros and writes down what it is asked for. That is exact for any program
/// whose requests depend only on public shapes, which every program that keeps its inputs secret satisfies: what it
/// takes may not depend on secret values. The rehearsal costs this party's local work of one run on meaningless
/// values, no communication.
/// </remarks>
public sealed class PreprocessingPlan
{
    internal PreprocessingPlan(IReadOnlyList<DealRequest> requests) => Requests = requests;

    internal IReadOnlyList<DealRequest> Requests { get; }

    /// <summary>The number of requests.</summary>
    public int Count => Requests.Count;

    /// <summary>
    /// Records the plan of <paramref name="program"/>, which takes a session and the source to take material from and
    /// must make every request it would make with this party's <paramref name="session"/> (same party id and count) and
    /// <paramref name="source"/> (the rehearsal's source answers as it does where an answer shapes the requests), with
    /// the same public shapes. Nothing is sent; the session's randomness and tags are untouched.
    /// </summary>
    public static async Task<PreprocessingPlan> RecordAsync(Session session, IAdditivePreprocessing source,
        Func<Session, IAdditivePreprocessing, CancellationToken, Task> program, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(program);
        using var rehearsal = Session.ForRehearsal(new Planning.SilentNetwork(session.PartyId, session.PartyCount));
        var recorder = new Planning.RecordingPreprocessing((source as IBinaryPreprocessing)?.WidestGate ?? 8);
        await program(rehearsal, recorder, ct).ConfigureAwait(false);
        return new PreprocessingPlan(recorder.Requests);
    }

    /// <summary>The requests by kind, with the elements asked for: "12 requests: 400 triples (2 requests), ...".</summary>
    public override string ToString()
    {
        var parts = Requests.GroupBy(r => r.Kind).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Sum(Elements)} {Describe(g.Key)} ({g.Count()} requests)"));
        return $"{Count} requests: {string.Join(", ", parts)}";
    }

    /// <summary>How many elements (words, for AND tuples) one request asks for.</summary>
    private static long Elements(DealRequest r) => r.Kind switch
    {
        DealKind.MatrixTriple => (long)r.P0 * r.P1 + (long)r.P1 * r.P2 + (long)r.P0 * r.P2,
        DealKind.MatrixMask => (long)r.P0 * r.P1,
        DealKind.MatrixTripleForMask => (long)(r.P5 == 1 ? r.P2 + r.P4 : r.P4 + r.P2) * r.P6,
        DealKind.AndTuples => r.P1,
        _ => r.P0,
    };

    private static string Describe(DealKind kind) => kind switch
    {
        DealKind.Triples => "triples",
        DealKind.MatrixTriple => "matrix-triple elements",
        DealKind.MatrixMask => "matrix-mask elements",
        DealKind.MatrixTripleForMask => "elements of triples for masks",
        DealKind.TruncationMasks => "truncation masks",
        DealKind.TruncationPowerMasks => "truncation masks with powers",
        DealKind.BitMasks => "bit masks",
        DealKind.PowerMasks => "power masks",
        DealKind.ComparisonMasks => "comparison masks",
        DealKind.AndTuples => "AND-tuple words",
        _ => kind.ToString(),
    };
}

namespace Mpc.Protocols.Garbling;

/// <summary>The agreement between garbler and evaluator that failed (see <see cref="GarblingException"/>).</summary>
public enum GarblingCheck
{
    /// <summary>The header of the evaluator's request is not a garbling request of this version.</summary>
    RequestFormat,

    /// <summary>The two parties hold different circuits (their <see cref="Mpc.Core.Circuits.Circuit.Fingerprint"/>s differ).</summary>
    CircuitFingerprint,

    /// <summary>
    /// The parties disagree on the index of the first AND gate (one of them garbled or evaluated a circuit the other did not).
    /// </summary>
    GateIndex,

    /// <summary>The parties disagree on where an input value comes from.</summary>
    InputSources,

    /// <summary>The parties disagree on what happens to an output value.</summary>
    OutputModes,
}

namespace Mpc.Protocols.Malicious;

/// <summary>Which check of an actively secure suite caught a deviation.</summary>
public enum IntegrityCheck
{
    /// <summary>The shares of an opening do not lie on one polynomial of the sharing's degree.</summary>
    OpeningConsistency,

    /// <summary>
    /// A value meant for every party alike (an input's masked value, an opened result) did not reach them alike: the
    /// parties' digests of what they received differ.
    /// </summary>
    BroadcastConsistency,

    /// <summary>
    /// The batched degree check: a random combination of the sharings made since the last check is not a sharing of
    /// degree t, so some party holds a share off its polynomial.
    /// </summary>
    SharingConsistency,

    /// <summary>The batched MAC check: some product or input carries an error that its MAC does not.</summary>
    MacCheck,

    /// <summary>A peer sent bytes that are not a field element (no honest party sends them).</summary>
    MalformedElement,

    /// <summary>The square of a random value opened to zero or to a non-square: a product was tampered with.</summary>
    SquareCheck,
}

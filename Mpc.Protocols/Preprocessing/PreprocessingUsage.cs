namespace Mpc.Protocols.Preprocessing;

/// <summary>Counts of preprocessing material produced (and so consumed: material is never reused).</summary>
public sealed class PreprocessingUsage
{
    private long _triples, _matrixTripleElements, _matrixMasks, _matrixMaskElements, _truncationMasks,
        _bitMasks, _binaryTriples, _powerMasks;

    /// <summary>Elementwise triples.</summary>
    public long Triples => Interlocked.Read(ref _triples);

    /// <summary>Elements of A, B and C over all matrix triples.</summary>
    public long MatrixTripleElements => Interlocked.Read(ref _matrixTripleElements);

    /// <summary>Reusable matrix masks (<see cref="MatrixMask"/>): one per matrix that is masked once.</summary>
    public long MatrixMasks => Interlocked.Read(ref _matrixMasks);

    /// <summary>Elements of all reusable matrix masks.</summary>
    public long MatrixMaskElements => Interlocked.Read(ref _matrixMaskElements);

    /// <summary>Truncation masks.</summary>
    public long TruncationMasks => Interlocked.Read(ref _truncationMasks);

    /// <summary>Bit-decomposed masks.</summary>
    public long BitMasks => Interlocked.Read(ref _bitMasks);

    /// <summary>
    /// Products of masks in AND tuples on packed XOR-shared bits (a triple counts one, a fan-in-4 tuple eleven), 64 per word.
    /// </summary>
    public long BinaryTriples => Interlocked.Read(ref _binaryTriples);

    /// <summary>Masks dealt with their powers (<see cref="IPowerPreprocessing"/>).</summary>
    public long PowerMasks => Interlocked.Read(ref _powerMasks);

    internal void AddPowerMasks(long n) => Interlocked.Add(ref _powerMasks, n);
    internal void AddBitMasks(long n) => Interlocked.Add(ref _bitMasks, n);
    internal void AddBinaryTriples(long n) => Interlocked.Add(ref _binaryTriples, n);
    internal void AddTriples(long n) => Interlocked.Add(ref _triples, n);
    internal void AddMatrixTriple(long elements) => Interlocked.Add(ref _matrixTripleElements, elements);
    internal void AddMatrixMask(long elements)
    {
        Interlocked.Increment(ref _matrixMasks);
        Interlocked.Add(ref _matrixMaskElements, elements);
    }

    internal void AddTruncationMasks(long n) => Interlocked.Add(ref _truncationMasks, n);

    /// <summary>Adds every count of <paramref name="other"/> (a source's usage, as it stands) to these.</summary>
    internal void Add(PreprocessingUsage other)
    {
        AddTriples(other.Triples);
        AddMatrixTriple(other.MatrixTripleElements);
        Interlocked.Add(ref _matrixMasks, other.MatrixMasks);
        Interlocked.Add(ref _matrixMaskElements, other.MatrixMaskElements);
        AddTruncationMasks(other.TruncationMasks);
        AddBitMasks(other.BitMasks);
        AddBinaryTriples(other.BinaryTriples);
        AddPowerMasks(other.PowerMasks);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Triples} triples, {MatrixTripleElements} matrix-triple elements, {MatrixMasks} matrix masks, "
        + $"{TruncationMasks} truncation masks, {BitMasks} bit masks, {BinaryTriples} binary triples, {PowerMasks} power masks";
}

namespace Mpc.Core.Circuits;

/// <summary>The two text formats of the Bristol circuit collections.</summary>
public enum BristolFormat
{
    /// <summary>
    /// Bristol Fashion (Archer, Smart et al.): header "gates wires", "inputs w1 w2 ...", "outputs w1 ...", then gates
    /// XOR, AND, INV, EQ (constant), EQW (wire copy) and MAND (several ANDs).
    /// </summary>
    Fashion,

    /// <summary>
    /// The original Bristol format (Tillich and Smart): header "gates wires", then "input1 input2 output" widths;
    /// gates XOR, AND and INV.
    /// </summary>
    Old,
}

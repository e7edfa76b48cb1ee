namespace Mpc.Core.Circuits;

/// <summary>The operation of a <see cref="Gate"/>.</summary>
public enum GateKind : byte
{
    /// <summary>Exclusive or of two wires: free under free-XOR garbling.</summary>
    Xor = 0,

    /// <summary>And of two wires: two ciphertexts under half-gates garbling.</summary>
    And = 1,

    /// <summary>Negation of one wire: free.</summary>
    Inv = 2,

    /// <summary>A constant 0 or 1 (no inputs): free.</summary>
    Constant = 3,
}

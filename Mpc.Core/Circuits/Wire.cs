namespace Mpc.Core.Circuits;

/// <summary>A wire of a circuit under construction by a <see cref="CircuitBuilder"/>; only that builder can use it.</summary>
/// <param name="Id">The builder's number for the wire (the built circuit may renumber it).</param>
public readonly record struct Wire(int Id)
{
    /// <inheritdoc />
    public override string ToString() => $"w{Id}";
}

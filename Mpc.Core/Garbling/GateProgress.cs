namespace Mpc.Core.Garbling;

/// <summary>How far one call of <see cref="HalfGates.GarbleGates"/> or <see cref="HalfGates.EvaluateGates"/> got.</summary>
/// <param name="Gates">Gates processed (the next call starts this many gates later).</param>
/// <param name="AndGates">AND gates among them: tables written or consumed, <see cref="HalfGates.BlocksPerAnd"/> blocks each.</param>
public readonly record struct GateProgress(int Gates, int AndGates);

namespace Mpc.Ml.Training;

/// <summary>The worst-case magnitudes a training run can reach, and what the trainer derived from them.</summary>
/// <param name="WeightBound">No weight exceeds this in magnitude, at any step.</param>
/// <param name="ScoreBound">No score x·w (training or test row) exceeds this in magnitude.</param>
/// <param name="ResidualBound">No residual sigmoid(z) - y exceeds this in magnitude.</param>
/// <param name="StepBits">Extra bits k carrying the step factor learning rate / batch size as an integer round(c 2^k).</param>
/// <param name="LargestBits">The widest value (in bits, as a ring integer) any step produces; below the suite's truncation range.</param>
public sealed record TrainingRanges(double WeightBound, double ScoreBound, double ResidualBound, int StepBits, double LargestBits);

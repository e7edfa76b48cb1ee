namespace Mpc.Core.FixedPoint;

/// <summary>
/// A value or format that does not fit: a real number outside the encodable range, a non-finite number,
/// or a format wider than its ring. The message gives the range and position, never the offending value.
/// </summary>
public sealed class FixedPointOverflowException(string message) : MpcException(message);

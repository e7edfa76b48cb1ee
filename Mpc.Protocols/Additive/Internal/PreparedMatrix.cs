using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Protocols.Additive.Internal;

/// <summary>What the additive suite keeps for a prepared matrix X: the opened E = X - A and my shares of the mask A.</summary>
internal sealed record PreparedMatrix(Z2k[] Masked, MatrixMask Mask);

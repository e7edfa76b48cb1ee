using System.Runtime.Intrinsics.X86;
using FsCheck.Xunit;
using Mpc.Tests.Arbitraries;

namespace Mpc.Tests.Core.Blocks;

/// <summary>A property that needs PCLMULQDQ; skipped without it or with <c>DOTNET_EnableHWIntrinsic=0</c>.</summary>
public sealed class PclmulPropertyAttribute : PropertyAttribute
{
    public PclmulPropertyAttribute()
    {
        Arbitrary = [typeof(BlockArbitraries)];
        if (!Pclmulqdq.IsSupported)
        {
            Skip = "PCLMULQDQ unavailable or hardware intrinsics disabled.";
        }
    }
}

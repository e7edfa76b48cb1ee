using FsCheck.Xunit;
using Mpc.Core.Random;

namespace Mpc.Tests.Core.Random;

/// <summary>A property that needs AES-NI; skipped without it or with <c>DOTNET_EnableHWIntrinsic=0</c>.</summary>
public sealed class AesNiPropertyAttribute : PropertyAttribute
{
    public AesNiPropertyAttribute()
    {
        Arbitrary = [typeof(Mpc.Tests.Arbitraries.BlockArbitraries)];
        if (!Aes128.IsHardwareAccelerated)
        {
            Skip = "AES-NI unavailable or hardware intrinsics disabled.";
        }
    }
}

using Mpc.Core.Random;

namespace Mpc.Tests.Core.Random;

/// <summary>A fact that needs AES-NI; skipped (not passed) without it or with <c>DOTNET_EnableHWIntrinsic=0</c>.</summary>
public sealed class AesNiFactAttribute : FactAttribute
{
    public AesNiFactAttribute()
    {
        if (!Aes128.IsHardwareAccelerated)
        {
            Skip = "AES-NI unavailable or hardware intrinsics disabled.";
        }
    }
}

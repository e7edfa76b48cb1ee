namespace Mpc.Core.Random.Internal;

/// <summary>Which AES implementation an <see cref="Aes128"/> instance runs on.</summary>
internal enum AesBackend
{
    /// <summary>AES-NI when the CPU has it and hardware intrinsics are enabled, otherwise <see cref="Platform"/>.</summary>
    Auto,

    /// <summary>AES-NI through <c>System.Runtime.Intrinsics.X86.Aes</c>; fails if unsupported.</summary>
    Hardware,

    /// <summary>The platform AES (<c>System.Security.Cryptography.Aes</c>, OpenSSL or CNG): constant time, higher per-call cost.</summary>
    Platform,
}

namespace Mpc.Core;

/// <summary>
/// Base of every error this engine raises on purpose. Messages name what failed and who
/// (a party id, a file and field, a check); they never contain a secret, a share or a key.
/// </summary>
public class MpcException : Exception
{
    /// <summary>An error with a message that says what failed.</summary>
    public MpcException(string message) : base(message) { }

    /// <summary>An error with a message and the exception that caused it.</summary>
    public MpcException(string message, Exception? innerException) : base(message, innerException) { }
}

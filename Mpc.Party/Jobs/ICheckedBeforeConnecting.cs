using System.CommandLine;
using Mpc.Net.Configuration;

namespace Mpc.Party.Jobs;

/// <summary>
/// A job whose options can be wrong in ways a party sees alone (a file, an input that does not fit): it checks them
/// once its config is loaded, before it connects, so a mistake is one clear error instead of a run every peer aborts.
/// </summary>
public interface ICheckedBeforeConnecting
{
    /// <summary>Throws a <see cref="Mpc.Core.MpcException"/> naming the option and what is wrong with it.</summary>
    void CheckBeforeConnecting(ParseResult parse, PartyConfig party);
}

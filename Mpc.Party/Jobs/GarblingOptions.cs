using Mpc.Core.Circuits;

namespace Mpc.Party.Jobs;

/// <summary>Where the garbling jobs find the Bristol AES-128 circuit.</summary>
internal static class GarblingOptions
{
    /// <summary>The circuit's path from the repository root (<c>data/circuits</c>, with its attribution).</summary>
    private static readonly string Relative = Path.Combine("data", "circuits", "bristol_fashion", "aes_128.txt");

    /// <summary>
    /// <paramref name="given"/> if set; else the first <c>data/circuits/bristol_fashion/aes_128.txt</c> found walking up
    /// from the working directory, then from the executable's directory.
    /// </summary>
    public static string Aes128Path(string? given)
    {
        if (!string.IsNullOrEmpty(given)) return Path.GetFullPath(given);
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, Relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException(
            $"No {Relative} above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}; pass --circuit.");
    }

    /// <summary>Reads the circuit and checks that it has AES-128's shape: a 128-bit key and block in, 128 bits out.</summary>
    /// <exception cref="InvalidDataException">Another shape, naming the file and its widths.</exception>
    /// <exception cref="CircuitFormatException">Not a Bristol Fashion circuit, naming the file and the line.</exception>
    public static Circuit ReadAes128(string? given)
    {
        string path = Aes128Path(given);
        Circuit circuit = BristolReader.ReadFile(path, BristolFormat.Fashion);
        if (circuit.InputWidths is not [128, 128] || circuit.OutputWidths is not [128])
        {
            throw new InvalidDataException(
                $"{path}: a circuit with inputs of {string.Join(" and ", circuit.InputWidths)} bits and outputs of " +
                $"{string.Join(" and ", circuit.OutputWidths)} bits is not AES-128 (a 128-bit key and a 128-bit block in, " +
                "a 128-bit ciphertext out)");
        }
        return circuit;
    }
}

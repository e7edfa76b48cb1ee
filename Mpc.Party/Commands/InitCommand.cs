using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Net.Configuration;
using Mpc.Party.Output;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc init</c>: a cluster ready for <c>mpc launch</c> in one command: the cluster file, one party file per party,
/// their certificates and keys, and (with <c>--data</c>) each party's share of a CSV file, split by rows or by columns.
/// </summary>
internal static class InitCommand
{
    private const int Ok = 0, BadInput = 2;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var parties = new Option<int>("--parties") { Description = "Number of parties (2 to 64).", Required = true };
        var names = new Option<string?>("--names")
        {
            Description = "Comma-separated party names (default alice, bob, carol, dave, erin, ..., then p<i>).",
        };
        var hosts = new Option<string?>("--hosts")
        {
            Description = "Comma-separated host of each party, or one host for all (default 127.0.0.1).",
        };
        var port = new Option<int>("--port")
        {
            Description = "Port of party 0; party i listens on PORT + i.", DefaultValueFactory = _ => 47500,
        };
        var data = new Option<string?>("--data") { Description = "A CSV file to split among the parties (header row, comma-separated)." };
        var label = new Option<string?>("--label") { Description = "The label column of --data (required with it)." };
        var partition = new Option<string>("--partition")
        {
            Description = "horizontal (each party some rows) or vertical (each party some columns, the label at party 0).",
            DefaultValueFactory = _ => "horizontal",
        }.AcceptOnlyFromAmong("horizontal", "vertical");
        var id = new Option<string>("--id")
        {
            Description = "Vertical: the column that aligns rows (the table's own if it has one of that name, else row numbers).",
            DefaultValueFactory = _ => "id",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the split's shuffle.", DefaultValueFactory = _ => 7UL };
        var overlap = new Option<double>("--overlap")
        {
            Description = "Vertical: each party keeps this share of the rows, its own random choice (aligned by private set " +
                "intersection when run).",
            DefaultValueFactory = _ => 1.0,
        };
        var session = new Option<string?>("--session") { Description = "The cluster's session id (default: the --out folder's name)." };
        var output = new Option<string>("--out")
        {
            Description = "The folder to write (refused if not empty, unless --force).", Required = true,
        };
        var force = new Option<bool>("--force")
        {
            Description = "Write into a folder that is not empty, replacing files of the same names.",
        };
        var command = new Command("init",
            "Write a cluster ready for mpc launch: cluster and party files, certificates and keys, and each party's data split.");
        foreach (var o in new Option[] { parties, names, hosts, port, data, label, partition, id, seed, overlap, session, output, force })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            try
            {
                var spec = new InitSpec(parse.GetValue(parties), parse.GetValue(names), parse.GetValue(hosts), parse.GetValue(port),
                    parse.GetValue(data), parse.GetValue(label), parse.GetValue(partition)!, parse.GetValue(id)!, parse.GetValue(seed),
                    parse.GetValue(session), parse.GetValue(output)!, parse.GetValue(force)) { Overlap = parse.GetValue(overlap) };
                Write(spec, stdout);
                return Ok;
            }
            catch (Exception ex) when (ex is Mpc.Core.MpcException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"mpc init: {ex.Message}");
                return BadInput;
            }
        });
        return command;
    }

    private sealed record InitSpec(int Parties, string? Names, string? Hosts, int Port, string? Data, string? Label, string Partition,
        string Id, ulong Seed, string? Session, string Out, bool Force)
    {
        public double Overlap { get; init; } = 1;
    }

    private static readonly string[] DefaultNames =
        ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy"];

    private static void Write(InitSpec spec, TextWriter stdout)
    {
        if (spec.Parties is < 2 or > 64) throw new ArgumentException("--parties must lie between 2 and 64.");
        string[] names = spec.Names is { } given
            ? [.. given.Split(',', StringSplitOptions.TrimEntries)]
            : [.. Enumerable.Range(0, spec.Parties).Select(i => i < DefaultNames.Length ? DefaultNames[i] : $"p{i}")];
        if (names.Length != spec.Parties) throw new ArgumentException($"--names gives {names.Length} names for {spec.Parties} parties.");
        if (names.FirstOrDefault(n => n.Length == 0 || n.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))) is { } bad)
            throw new ArgumentException($"--names: party name #{Array.IndexOf(names, bad) + 1} must be letters, digits, '-' or '_'.");
        if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Length) throw new ArgumentException("--names: names repeat.");
        string[] hosts = spec.Hosts is { } h ? [.. h.Split(',', StringSplitOptions.TrimEntries)] : ["127.0.0.1"];
        if (hosts.Length == 1) hosts = [.. Enumerable.Repeat(hosts[0], spec.Parties)];
        if (hosts.Length != spec.Parties || hosts.Any(string.IsNullOrEmpty))
            throw new ArgumentException($"--hosts gives {hosts.Length} hosts for {spec.Parties} parties (give one, or one per party).");
        if (spec.Port is < 1 || spec.Port + spec.Parties - 1 > 65535)
            throw new ArgumentException($"--port {spec.Port}: ports {spec.Port} to {spec.Port + spec.Parties - 1} are not all valid.");
        if (spec.Data is not null && spec.Label is null) throw new ArgumentException("--label is required with --data.");
        if (spec.Overlap != 1 && spec.Partition != "vertical") throw new ArgumentException("--overlap is for --partition vertical.");

        string folder = Path.GetFullPath(spec.Out);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any() && !spec.Force)
            throw new IOException($"--out {spec.Out} is not empty; choose another folder or add --force to write into it.");
        string[]? parts = spec.Data is { } file ? Split(spec, file) : null;

        string sessionId = spec.Session ?? Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar));
        var members = new JsonArray();
        for (int i = 0; i < spec.Parties; i++)
        {
            members.Add((JsonNode)new JsonObject
            {
                ["id"] = i, ["name"] = names[i], ["host"] = hosts[i], ["port"] = spec.Port + i,
                ["certificate"] = $"certs/{names[i]}.crt.pem", ["config"] = $"{names[i]}.json",
            });
        }
        var cluster = new JsonObject
        {
            ["sessionId"] = sessionId, ["insecure"] = false,
            ["timeouts"] = new JsonObject { ["connectSeconds"] = 30, ["receiveSeconds"] = 60 },
            ["parties"] = members,
        };
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "cluster.json"), cluster.ToJsonString(Indented) + "\n");
        for (int i = 0; i < spec.Parties; i++)
        {
            var party = new JsonObject { ["cluster"] = "cluster.json", ["partyId"] = i, ["privateKey"] = $"certs/{names[i]}.key.pem" };
            if (parts is not null)
            {
                AtomicFile.WriteAllText(Path.Combine(folder, "data", $"party-{i}.csv"), parts[i]);
                party["data"] = spec.Partition == "vertical"
                    ? new JsonObject { ["file"] = $"data/party-{i}.csv", ["partition"] = "vertical", ["id"] = spec.Id, ["labelOwner"] = 0 }
                    : new JsonObject { ["file"] = $"data/party-{i}.csv", ["partition"] = "horizontal", ["label"] = spec.Label };
                if (spec.Partition == "vertical" && i == 0) party["data"]!["label"] = spec.Label;
            }
            AtomicFile.WriteAllText(Path.Combine(folder, $"{names[i]}.json"), party.ToJsonString(Indented) + "\n");
            Mpc.Net.Tls.CertificateFiles.Generate(names[i], hosts[i],
                Path.Combine(folder, "certs", $"{names[i]}.crt.pem"), Path.Combine(folder, "certs", $"{names[i]}.key.pem"));
        }
        // What mpc launch will read must load: the files are checked as it will check them.
        string clusterFile = Path.Combine(folder, "cluster.json");
        ClusterConfig.Load(clusterFile);
        for (int i = 0; i < spec.Parties; i++) PartyConfig.Load(Path.Combine(folder, $"{names[i]}.json"));

        string relative = Path.GetRelativePath(Environment.CurrentDirectory, clusterFile);
        string split = parts is null ? "" : $", data/party-0.csv .. party-{spec.Parties - 1}.csv ({spec.Partition} split of {spec.Data})";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"init: {spec.Parties} parties ({string.Join(", ", names)}) in {folder}: cluster.json, a party file each, certs/ " +
            $"(private keys mode 0600){split}"));
        stdout.WriteLine($"init: run them here with: mpc launch --cluster {relative} {(parts is null ? "selftest" : "train-lr")}");
        stdout.WriteLine("init: on separate machines, give each party its own party file, its own key, every certificate and its own " +
            "data file only; never copy a private key to another party.");
    }

    private static string[] Split(InitSpec spec, string file)
    {
        if (!File.Exists(file)) throw new DataException("the file does not exist.", file: file);
        var header = CsvTableReader.ReadHeader(file);
        if (!header.Contains(spec.Label!))
            throw new DataException($"the label column '{spec.Label}' is missing from the header.", file: file, row: 1, column: spec.Label);
        string csv = File.ReadAllText(file);
        return spec.Partition == "vertical"
            ? CsvPartitioner.Vertical(csv, spec.Parties, spec.Label!, spec.Seed, spec.Id, spec.Overlap)
            : CsvPartitioner.Horizontal(csv, spec.Parties, spec.Seed);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };
}

using System.CommandLine;
using System.CommandLine.Parsing;
using Mpc.Net.Configuration;
using Mpc.Party.Jobs;
using Mpc.Party.Launch;

namespace Mpc.Party.Commands;

/// <summary>
/// The <c>mpc</c> command line:
/// <c>mpc party --config FILE JOB [options]</c>, <c>mpc launch --cluster FILE JOB [options]</c> and
/// <c>mpc certs --cluster FILE [--out DIR] [--force]</c>. Every registered job is a subcommand of both
/// <c>party</c> and <c>launch</c>.
/// </summary>
internal static class MpcCommandLine
{
    public static RootCommand Build(JobRegistry jobs, TextWriter stdout, TextWriter stderr)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log debug details to standard error.", Recursive = true };
        var root = new RootCommand(
            "mpc: secure multi-party computation engine. Runs one party, or launches a whole cluster on this machine.");
        root.Options.Add(verbose);
        var logFormat = new Option<string>(Logging.FormatOption)
        {
            Description = "Logs on standard error as text lines or as JSON objects, one per line (for a log collector).",
            DefaultValueFactory = _ => "text",
            Recursive = true,
        }.AcceptOnlyFromAmong(Logging.Formats);
        root.Options.Add(logFormat);

        // mpc party --config FILE JOB
        var config = new Option<string>("--config", "-c")
        {
            Description = "This party's config file (party-configs/<party>.json).",
            Required = true,
            Recursive = true,
        };
        var partyInsecure = InsecureOption();
        var party = new Command("party", "Run one party of a cluster: connect to every peer, then run the job.");
        party.Options.Add(config);
        party.Options.Add(partyInsecure);
        foreach (var job in jobs.Jobs)
        {
            var command = JobCommand(job);
            command.SetAction((parse, ct) => PartyRunner.RunAsync(
                parse.GetValue(config)!, parse.GetValue(partyInsecure), parse.GetValue(verbose), job, parse, stdout, stderr, ct,
                Logging.FormatOf(parse)));
            party.Subcommands.Add(command);
        }
        root.Subcommands.Add(party);

        // mpc launch --cluster FILE JOB
        var cluster = new Option<string>("--cluster")
        {
            Description = "The cluster file (party-configs/<cluster>.json); it names each party's config file.",
            Required = true,
            Recursive = true,
        };
        var launchInsecure = InsecureOption();
        var timings = new Option<bool>(TimingsOption)
        {
            Description = "At the end, print where each party's time went: process start, command line, config and keys, "
                + "mesh and TLS, job, teardown, exit.",
            Recursive = true,
        };
        var launch = new Command("launch", "Start every party of a cluster on this machine, stream their output, fail if any party fails.");
        launch.Options.Add(cluster);
        launch.Options.Add(launchInsecure);
        launch.Options.Add(timings);
        foreach (var job in jobs.Jobs)
        {
            var command = JobCommand(job);
            command.SetAction((parse, ct) => new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse), parse.GetValue(timings)).RunAsync(
                parse.GetValue(cluster)!, parse.GetValue(launchInsecure), parse.GetValue(verbose), JobArguments(parse), ct,
                job is ILaunchHooks hooks ? (c, p) => hooks.Plan(parse, c, p, stdout) : null));
            launch.Subcommands.Add(command);
        }
        root.Subcommands.Add(launch);

        // mpc certs --cluster FILE --out DIR
        var certsCluster = new Option<string>("--cluster") { Description = "The cluster file.", Required = true };
        var outDir = new Option<string?>("--out")
        {
            Description = "Write the files into this folder (default: the paths the config files name).",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var certs = new Command("certs",
            "Generate a cluster's self-signed party certificates and private keys (ECDSA P-256, PEM; keys mode 0600). Never commit keys.");
        certs.Options.Add(certsCluster);
        certs.Options.Add(outDir);
        certs.Options.Add(force);
        certs.SetAction(parse => Certs(parse.GetValue(certsCluster)!, parse.GetValue(outDir), parse.GetValue(force), stdout, stderr));
        root.Subcommands.Add(certs);

        root.Subcommands.Add(DoctorCommand.Create(verbose, stdout, stderr));
        root.Subcommands.Add(BenchCommand.Create(verbose, stdout, stderr));
        foreach (var command in DataCommands.Create(stdout, stderr)) root.Subcommands.Add(command);
        root.Subcommands.Add(InitCommand.Create(stdout, stderr));
        return root;
    }

    /// <summary><c>mpc launch --timings</c>: a launcher option, never forwarded to the parties.</summary>
    public const string TimingsOption = "--timings";

    private static Option<bool> InsecureOption() => new("--insecure")
    {
        Description = "Plaintext links without TLS (tests and demos only; every party must use it). Logs a warning.",
        Recursive = true,
    };

    /// <summary>Parses job arguments (the job's name first, as <c>mpc launch</c> forwards them) against the job's options alone.</summary>
    public static ParseResult ParseJob(IJob job, IReadOnlyList<string> jobArguments) =>
        JobCommand(job).Parse(jobArguments.Skip(1).ToArray());

    private static Command JobCommand(IJob job)
    {
        var command = new Command(job.Name, job.Description);
        foreach (var option in job.CreateOptions()) command.Options.Add(option);
        return command;
    }

    /// <summary>The job's name and everything after it, as typed: forwarded unchanged to every party.</summary>
    internal static List<string> JobArguments(ParseResult parse)
    {
        var jobToken = parse.CommandResult.IdentifierToken;
        var tokens = parse.Tokens;
        int start = -1;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], jobToken) || (tokens[i].Type == TokenType.Command && tokens[i].Value == jobToken.Value))
                start = i;
        }
        var args = new List<string>();
        for (int i = start; i < tokens.Count; i++)
        {
            if (i < 0) continue;
            // Launcher-level options may also follow the job name; they are not the job's to forward.
            if (tokens[i].Type == TokenType.Option
                && tokens[i].Value is "--cluster" or "--insecure" or "--verbose" or "-v" or TimingsOption or Logging.FormatOption)
            {
                if (tokens[i].Value is "--cluster" or Logging.FormatOption) i++;
                continue;
            }
            args.Add(tokens[i].Value);
        }
        return args;
    }

    private static int Certs(string clusterPath, string? outDirectory, bool force, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var cluster = ClusterConfig.Load(Launch.BundledFiles.Resolve(clusterPath, stdout), requireCertificates: false);
            var targets = new List<(int Party, string Certificate, string Key)>();
            for (int i = 0; i < cluster.PartyCount; i++)
            {
                PartyConfig? partyConfig = cluster.Parties[i].ConfigPath is { } f && File.Exists(f)
                    ? PartyConfig.Load(f, requireCertificates: false)
                    : null;
                var (certificate, key) = ClusterCertificates.PathsFor(cluster, i, partyConfig, outDirectory);
                if (!force && (File.Exists(certificate) || File.Exists(key)))
                {
                    stderr.WriteLine($"mpc certs: {(File.Exists(certificate) ? certificate : key)} exists; use --force to overwrite");
                    return 2;
                }
                targets.Add((i, certificate, key));
            }
            foreach (var (i, certificate, key) in targets)
            {
                Mpc.Net.Tls.CertificateFiles.Generate(cluster.Parties[i].Name, cluster.Parties[i].Host, certificate, key);
                stdout.WriteLine($"party {i} ({cluster.Parties[i].Name}): certificate {certificate}, private key {key} (mode 0600)");
            }
            stdout.WriteLine(
                "Keep the private keys secret and out of version control; each party needs only its own key and every certificate.");
            return 0;
        }
        catch (ConfigException ex)
        {
            stderr.WriteLine($"mpc certs: config error: {ex.Message}");
            return 2;
        }
    }
}

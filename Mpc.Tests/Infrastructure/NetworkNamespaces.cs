using System.Diagnostics;

namespace Mpc.Tests.Infrastructure;

/// <summary>
/// N hosts on one machine: a Linux network namespace per party, each with its own address 10.213.S.(i+1)/24 on a veth
/// whose other end is on a bridge in a switch namespace (nothing is added to the machine's own namespace). Needs root
/// (CAP_NET_ADMIN) and iproute2; <see cref="Probe"/> says whether they are there. Disposing deletes every namespace,
/// which removes their links too.
/// </summary>
public sealed class NetworkNamespaces : IDisposable
{
    private readonly List<string> _created = [];

    private NetworkNamespaces(string prefix, int subnet, int hosts)
    {
        Prefix = prefix;
        Subnet = subnet;
        Hosts = hosts;
    }

    public string Prefix { get; }

    public int Subnet { get; }

    public int Hosts { get; }

    public string Switch => $"{Prefix}-sw";

    public string Namespace(int host) => $"{Prefix}-h{host}";

    public string Address(int host) => $"10.213.{Subnet}.{host + 1}";

    /// <summary>The wrapper that runs a command in host <paramref name="host"/>'s namespace.</summary>
    public string[] Exec(int host) => ["ip", "netns", "exec", Namespace(host)];

    public static NetworkNamespaces Create(int hosts)
    {
        string id = Guid.NewGuid().ToString("N")[..6];
        var ns = new NetworkNamespaces($"mpc{id}", Random.Shared.Next(1, 255), hosts);
        try
        {
            ns.Add(ns.Switch);
            Run("ip", "netns", "exec", ns.Switch, "ip", "link", "add", "br0", "type", "bridge");
            Run("ip", "netns", "exec", ns.Switch, "ip", "link", "set", "br0", "up");
            for (int h = 0; h < hosts; h++)
            {
                string name = ns.Namespace(h);
                ns.Add(name);
                Run("ip", "netns", "exec", name, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", $"port{h}",
                    "netns", ns.Switch);
                Run("ip", "netns", "exec", name, "ip", "addr", "add", $"{ns.Address(h)}/24", "dev", "eth0");
                Run("ip", "netns", "exec", name, "ip", "link", "set", "eth0", "up");
                Run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
                Run("ip", "netns", "exec", ns.Switch, "ip", "link", "set", $"port{h}", "master", "br0");
                Run("ip", "netns", "exec", ns.Switch, "ip", "link", "set", $"port{h}", "up");
            }
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Every host's outgoing traffic through <c>tc qdisc ... netem</c> with these arguments (e.g. "delay 25ms loss 1%").</summary>
    public void AddNetem(string arguments)
    {
        for (int h = 0; h < Hosts; h++)
            Run(["ip", "netns", "exec", Namespace(h), "tc", "qdisc", "add", "dev", "eth0", "root", "netem", .. arguments.Split(' ')]);
    }

    private void Add(string name)
    {
        Run("ip", "netns", "add", name);
        _created.Add(name);
    }

    /// <summary>Null if namespaces (and, with <paramref name="netem"/>, netem) can be used here, else why not.</summary>
    public static string? Probe(bool netem)
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (Environment.UserName != "root") return $"network namespaces need root (CAP_NET_ADMIN); running as {Environment.UserName}";
        try
        {
            using var ns = Create(1);
            if (netem) ns.AddNetem("delay 1ms");
            return null;
        }
        catch (Exception ex)
        {
            return (netem ? "network namespaces or netem unavailable: " : "network namespaces unavailable: ") + ex.Message.Trim();
        }
    }

    /// <summary>Runs a command, failing with its output if it fails.</summary>
    public static string Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run '{command[0]}': {ex.Message}", ex);
        }
        using (process)
        {
            string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                throw new InvalidOperationException($"'{string.Join(' ', command)}' did not finish");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException(
                    $"'{string.Join(' ', command)}' failed ({process.ExitCode}): {stderr.Trim()} {stdout.Trim()}");
            return stdout;
        }
    }

    public void Dispose()
    {
        // Deleting a namespace removes its interfaces (and with them the veth peers on the switch).
        for (int i = _created.Count - 1; i >= 0; i--)
        {
            try
            {
                Run("ip", "netns", "del", _created[i]);
            }
            catch (InvalidOperationException)
            {
                // Reported by the leftover check in the tests; keep deleting the rest.
            }
        }
        _created.Clear();
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Mpc.Net;
using Mpc.Net.Configuration;
using Mpc.Net.Tls;

namespace Mpc.Bench.Net;

/// <summary>
/// Bytes per second from party 0 to party 1 over loopback: the mesh with mutual TLS 1.3, the mesh in plaintext,
/// and a raw <see cref="Socket"/> send loop as the ceiling, in the same run. Each operation moves 256 MiB as
/// frames of <see cref="FrameBytes"/> (protocols send 8-16 MB vectors per round).
/// Run: <c>dotnet run -c Release --project Mpc.Bench -- --filter '*LoopbackThroughput*'</c>.
/// </summary>
[Config(typeof(Config))]
public class LoopbackThroughputBenchmarks
{
    public const long TotalBytes = 256L << 20;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(8).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new ThroughputColumn());
            Options |= ConfigOptions.DisableOptimizationsValidator;
        }
    }

    /// <summary>MB/s (10^6 bytes per second) of <see cref="TotalBytes"/> per operation.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "Throughput";
        public string ColumnName => "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Megabytes (10^6) per second moved from party 0 to party 1";
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            return stats is null
                ? "-"
                : (TotalBytes / (stats.Mean / 1e9) / 1e6).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static readonly StreamTag Tag = new(1);

    [Params(1 << 20, 8 << 20)]
    public int FrameBytes { get; set; }

    private IPartyNetwork[] _tls = [];
    private IPartyNetwork[] _plain = [];
    private Socket? _rawSender, _rawReceiver;
    private SslStream? _tlsSender, _tlsReceiver;
    private byte[] _payload = [];
    private byte[] _destination = [];

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[FrameBytes];
        new Random(1).NextBytes(_payload);
        _destination = new byte[FrameBytes];
        _tls = ConnectAsync(tls: true).GetAwaiter().GetResult();
        _plain = ConnectAsync(tls: false).GetAwaiter().GetResult();
        (_rawSender, _rawReceiver) = RawPairAsync().GetAwaiter().GetResult();
        (_tlsSender, _tlsReceiver) = TlsPairAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var n in _tls.Concat(_plain)) n.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _rawSender?.Dispose();
        _rawReceiver?.Dispose();
        _tlsSender?.Dispose();
        _tlsReceiver?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw Socket loop")]
    public async Task RawSocket()
    {
        var send = Task.Run(async () =>
        {
            for (long sent = 0; sent < TotalBytes; sent += FrameBytes)
            {
                var chunk = _payload.AsMemory();
                while (!chunk.IsEmpty) chunk = chunk[await _rawSender!.SendAsync(chunk)..];
            }
        });
        var buffer = _destination.AsMemory();
        for (long received = 0; received < TotalBytes;)
        {
            int n = await _rawReceiver!.ReceiveAsync(buffer);
            received += n;
        }
        await send;
    }

    [Benchmark(Description = "raw SslStream loop")]
    public async Task RawTls()
    {
        var send = Task.Run(async () =>
        {
            for (long sent = 0; sent < TotalBytes; sent += FrameBytes) await _tlsSender!.WriteAsync(_payload);
            await _tlsSender!.FlushAsync();
        });
        var buffer = _destination.AsMemory();
        for (long received = 0; received < TotalBytes;)
        {
            int n = await _tlsReceiver!.ReadAsync(buffer);
            received += n;
        }
        await send;
    }

    [Benchmark(Description = "mesh, plaintext")]
    public Task MeshPlaintext() => TransferAsync(_plain);

    [Benchmark(Description = "mesh, TLS 1.3")]
    public Task MeshTls() => TransferAsync(_tls);

    private async Task TransferAsync(IPartyNetwork[] nets)
    {
        long frames = TotalBytes / FrameBytes;
        var send = Task.Run(async () =>
        {
            for (long i = 0; i < frames; i++) await nets[0].SendAsync(1, Tag, _payload);
        });
        for (long i = 0; i < frames; i++) await nets[1].ReceiveAsync(0, Tag, _destination);
        await send;
    }

    private static async Task<IPartyNetwork[]> ConnectAsync(bool tls)
    {
        var ports = new int[2];
        using (var a = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        using (var b = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            ports[0] = ((IPEndPoint)a.LocalEndPoint!).Port;
            ports[1] = ((IPEndPoint)b.LocalEndPoint!).Port;
        }
        var certificates = Enumerable.Range(0, 2)
            .Select(i => tls ? CertificateFiles.CreateSelfSigned($"p{i}", "127.0.0.1") : null)
            .ToArray();
        var cluster = new ClusterConfig
        {
            SessionId = "bench",
            Insecure = !tls,
            ReceiveTimeout = TimeSpan.FromSeconds(60),
            Parties = Enumerable.Range(0, 2).Select(i => new ClusterParty
            {
                Id = i,
                Name = $"p{i}",
                Host = "127.0.0.1",
                Port = ports[i],
                CertificateSha256 = certificates[i] is { } c ? CertificateFiles.Sha256(c) : null,
            }).ToArray(),
        };
        return await Task.WhenAll(Enumerable.Range(0, 2).Select(i => TcpMesh.ConnectAsync(cluster, new PartyIdentity(i, certificates[i]))));
    }

    private static readonly CipherSuitesPolicy? SameCipherSuitesAsTheMesh =
        OperatingSystem.IsWindows() ? null : new([TlsCipherSuite.TLS_AES_128_GCM_SHA256]);

    /// <summary>Two SslStreams with TLS 1.3, client certificates and AES-128-GCM, as the mesh uses them, without the mesh.</summary>
    private static async Task<(SslStream Sender, SslStream Receiver)> TlsPairAsync()
    {
        var (a, b) = await RawPairAsync();
        var serverCertificate = CertificateFiles.CreateSelfSigned("server", "127.0.0.1");
        var clientCertificate = CertificateFiles.CreateSelfSigned("client", "127.0.0.1");
        var server = new SslStream(new NetworkStream(b, ownsSocket: true));
        var client = new SslStream(new NetworkStream(a, ownsSocket: true));
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(serverCertificate, null, offline: true),
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls13,
                CipherSuitesPolicy = SameCipherSuitesAsTheMesh,
                RemoteCertificateValidationCallback = (_, c, _, _) => c is not null,
            }),
            client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, null, offline: true),
                EnabledSslProtocols = SslProtocols.Tls13,
                CipherSuitesPolicy = SameCipherSuitesAsTheMesh,
                RemoteCertificateValidationCallback = (_, c, _, _) => c is not null,
            }));
        return (client, server);
    }

    private static async Task<(Socket Sender, Socket Receiver)> RawPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        await sender.ConnectAsync(listener.LocalEndPoint!);
        var receiver = await accept;
        receiver.NoDelay = true;
        return (sender, receiver);
    }
}

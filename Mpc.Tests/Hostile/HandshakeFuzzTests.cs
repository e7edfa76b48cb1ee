using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Mpc.Net;
using Mpc.Net.Internal;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// Handshake parsing on hostile bytes: <see cref="HandshakeIo.ReadFrameAsync"/> on a stream (what a dialer or listener
/// reads before any link exists) and the hello, reject and abort decoders (<see cref="ControlMessages"/>). The only
/// failure allowed is a <see cref="FrameFormatException"/>, which the mesh turns into a <see cref="HandshakeException"/>
/// naming the remote end.
/// </summary>
public sealed class HandshakeFuzzTests(ITestOutputHelper output)
{
    private static byte[] Frame(FrameKind kind, byte[] payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(writer, new ArrayBufferWriter<byte>(), kind, 0, payload);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Hello(string session, int from, int to, int hashBytes) =>
        ControlMessages.Encode(new HelloMessage(ControlMessages.Magic, ControlMessages.Version, session, from, to,
            Enumerable.Range(0, hashBytes).Select(i => (byte)(i * 37)).ToArray(),
            Enumerable.Range(0, hashBytes / 8).ToDictionary(i => $"parties[{i}].port", i => Enumerable.Repeat((byte)i, 8).ToArray())));

    private static byte[] Reject(int from, HandshakeMismatch mismatch, string detail) =>
        ControlMessages.Encode(new RejectMessage(from, mismatch, detail));

    private static byte[] Abort(int culprit, string reason) => ControlMessages.Encode(new AbortMessage(culprit, culprit, reason));

    private static readonly Gen<byte[]> HelloGen =
        from session in Gen.Elements("local-3", "", "a much longer session name with spaces é ü", "x")
        from from_ in Gen.Choose(-2, 9)
        from to in Gen.Choose(-2, 9)
        from hash in Gen.Elements(0, 1, 32, 33)
        select Hello(session, from_, to, hash);

    private static readonly Gen<byte[]> RejectGen =
        from from_ in Gen.Choose(-1, 5)
        from mismatch in Gen.Choose(0, 9)
        from detail in Gen.Elements("", "session ids differ", new string('x', 2100))
        select Reject(from_, (HandshakeMismatch)mismatch, detail);

    private static readonly Gen<byte[]> AbortGen =
        from culprit in Gen.Choose(-1, 5)
        from reason in Gen.Elements("", "timeout", "party 1 (bob) sent a malformed frame")
        select Abort(culprit, reason);

    private static readonly Gen<byte[]> PayloadGen = Gen.OneOf(HelloGen, RejectGen, AbortGen);

    private static readonly Gen<byte[]> FrameGen = Gen.OneOf(
        HelloGen.Select(p => Frame(FrameKind.Hello, p)), RejectGen.Select(p => Frame(FrameKind.Reject, p)),
        AbortGen.Select(p => Frame(FrameKind.Abort, p)));

    private static byte[][] PayloadSeeds() =>
    [
        Hello("local-3", 1, 0, 32),
        Reject(0, HandshakeMismatch.SessionId, "party 0 runs session 'a', party 1 runs session 'b'"),
        Abort(2, "party 2 (carol) did not answer within 60 s"),
    ];

    private static byte[][] FrameSeeds() =>
    [
        Frame(FrameKind.Hello, Hello("local-3", 1, 0, 32)),
        [.. Frame(FrameKind.Hello, Hello("local-2", 0, 1, 32)), .. Frame(FrameKind.Accept, [])],
        Frame(FrameKind.Reject, Reject(1, HandshakeMismatch.ConfigHash, "the cluster files differ")),
        Frame(FrameKind.Accept, []),
    ];

    /// <summary>What the mesh does with the first frame on a new connection: read it whole, decode it by kind.</summary>
    private static void ReadHandshakeFrame(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var frame = HandshakeIo.ReadFrameAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
        if (frame is not { } f) return;
        switch (f.Kind)
        {
            case FrameKind.Hello: ControlMessages.DecodeHello(f.Payload); break;
            case FrameKind.Reject: ControlMessages.DecodeReject(f.Payload); break;
            case FrameKind.Abort: ControlMessages.DecodeAbort(f.Payload); break;
            case FrameKind.Ready: break;
        }
    }

    /// <summary>Each decoder on the same payload: a hello must never decode as something that crashes a reject reader.</summary>
    private static void DecodeControlPayload(byte[] bytes)
    {
        var payload = new ReadOnlySequence<byte>(bytes);
        Exception? first = null;
        foreach (Action decode in new Action[] { () => ControlMessages.DecodeHello(payload), () => ControlMessages.DecodeReject(payload),
            () => ControlMessages.DecodeAbort(payload) })
        {
            try
            {
                decode();
                return; // one decoder accepting it is success
            }
            catch (FrameFormatException ex)
            {
                first ??= ex;
            }
        }
        throw first!;
    }

    [Fact]
    public void HandshakeFrames_AnyBytes_ReadOrFailAsMalformed()
    {
        FuzzRun.Run(output, "handshake frames", FuzzRun.CountFor(FuzzRun.FullCount), FrameSeeds(), FrameGen, ReadHandshakeFrame,
            typeof(FrameFormatException));
    }

    [Fact]
    public void ControlMessages_AnyPayload_DecodeOrFailAsMalformed()
    {
        FuzzRun.Run(output, "control messages", FuzzRun.CountFor(FuzzRun.FullCount), PayloadSeeds(), PayloadGen, DecodeControlPayload,
            typeof(FrameFormatException));
    }

    /// <summary>
    /// Found by the fuzzer: a string header claiming more bytes than the payload made MessagePack throw
    /// ArgumentOutOfRange.
    /// </summary>
    [Fact]
    public void ControlMessages_StringLongerThanThePayload_IsMalformed()
    {
        var payload = new ReadOnlySequence<byte>(Convert.FromHexString("930508DBA6D63E53F6A0"));
        var ex = Assert.Throws<FrameFormatException>(() => ControlMessages.DecodeReject(payload));
        Assert.Contains("not valid MessagePack", ex.Message);
    }
}

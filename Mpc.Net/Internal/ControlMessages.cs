using System.Buffers;
using MessagePack;

namespace Mpc.Net.Internal;

/// <summary>Hello: what two parties compare before they trust a link.</summary>
internal readonly record struct HelloMessage(string Magic, int Version, string SessionId, int FromParty, int ToParty, byte[] ConfigHash);

/// <summary>Reject: the refusing party, which check failed, and why.</summary>
internal readonly record struct RejectMessage(int FromParty, HandshakeMismatch Mismatch, string Detail);

/// <summary>Abort: the culprit (which propagates unchanged) and the reason.</summary>
internal readonly record struct AbortMessage(int Culprit, string Reason);

/// <summary>MessagePack encodings of the control frames' payloads.</summary>
internal static class ControlMessages
{
    public const string Magic = "MPC-NET";
    public const int Version = 2;   // 2: frame headers carry a sequence number

    public static byte[] Encode(HelloMessage m) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(6);
        w.Write(m.Magic);
        w.Write(m.Version);
        w.Write(m.SessionId);
        w.Write(m.FromParty);
        w.Write(m.ToParty);
        w.Write(m.ConfigHash);
    });

    public static byte[] Encode(RejectMessage m) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(3);
        w.Write(m.FromParty);
        w.Write((int)m.Mismatch);
        w.Write(Truncate(m.Detail));
    });

    public static byte[] Encode(AbortMessage m) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(2);
        w.Write(m.Culprit);
        w.Write(Truncate(m.Reason));
    });

    /// <exception cref="FrameFormatException">Not a hello.</exception>
    public static HelloMessage DecodeHello(ReadOnlySequence<byte> payload) => Read(payload, (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader(), 6);
        string magic = r.ReadString() ?? "";
        if (magic != Magic) return new HelloMessage(magic, 0, "", -1, -1, []);
        return new HelloMessage(magic, r.ReadInt32(), r.ReadString() ?? "", r.ReadInt32(), r.ReadInt32(),
            r.ReadBytes()?.ToArray() ?? []);
    });

    /// <exception cref="FrameFormatException">Not a reject.</exception>
    public static RejectMessage DecodeReject(ReadOnlySequence<byte> payload) => Read(payload, (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader(), 3);
        return new RejectMessage(r.ReadInt32(), (HandshakeMismatch)r.ReadInt32(), r.ReadString() ?? "");
    });

    /// <exception cref="FrameFormatException">Not an abort.</exception>
    public static AbortMessage DecodeAbort(ReadOnlySequence<byte> payload) => Read(payload, (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader(), 2);
        return new AbortMessage(r.ReadInt32(), r.ReadString() ?? "");
    });

    private delegate T ReadFunc<T>(ref MessagePackReader reader);

    private delegate void WriteAction(ref MessagePackWriter writer);

    private static byte[] Write(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new MessagePackWriter(buffer);
        write(ref w);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static T Read<T>(ReadOnlySequence<byte> payload, ReadFunc<T> read)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            return read(ref reader);
        }
        // ArgumentException: a string or binary header that claims more bytes than the payload holds (and invalid UTF-8).
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentException)
        {
            throw new FrameFormatException("control frame payload is not valid MessagePack", ex);
        }
    }

    private static void Expect(int actual, int expected)
    {
        if (actual != expected) throw new FrameFormatException($"control frame has {actual} fields where {expected} are expected");
    }

    private static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000] + "…";
}

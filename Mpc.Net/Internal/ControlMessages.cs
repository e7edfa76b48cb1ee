using System.Buffers;
using MessagePack;
using Mpc.Core.Text;

namespace Mpc.Net.Internal;

/// <summary>
/// Hello: what two parties compare before they trust a link. <see cref="FieldHashes"/> holds a short hash of every
/// cluster field by its path, so that parties whose cluster files differ can say in which fields.
/// </summary>
internal readonly record struct HelloMessage(string Magic, int Version, string SessionId, int FromParty, int ToParty, byte[] ConfigHash,
    IReadOnlyDictionary<string, byte[]> FieldHashes);

/// <summary>Reject: the refusing party, which check failed, and why.</summary>
internal readonly record struct RejectMessage(int FromParty, HandshakeMismatch Mismatch, string Detail);

/// <summary>
/// Abort: the culprit and the reporter (the party that found the failure), both propagating unchanged when a party
/// passes an abort on, and the reason.
/// </summary>
internal readonly record struct AbortMessage(int Culprit, int Reporter, string Reason)
{
    /// <summary>The culprit and the reporter, each the <paramref name="sender"/> where it names no party of the run.</summary>
    public (int Culprit, int Reporter) PartiesOr(int sender, int partyCount) =>
        ((uint)Culprit < (uint)partyCount ? Culprit : sender, (uint)Reporter < (uint)partyCount ? Reporter : sender);
}

/// <summary>
/// MessagePack encodings of the control frames' payloads. Every string a peer sent is escaped and length-limited as it
/// is decoded (<see cref="PeerText"/>), so nothing downstream can print it raw.
/// </summary>
internal static class ControlMessages
{
    public const string Magic = "MPC-NET";
    // 2: frame headers carry a sequence number; 3: field hashes in the hello, the ready barrier; 4: aborts name their reporter
    public const int Version = 4;

    /// <summary>The longest session id or magic a decoded hello keeps (escaped): enough to tell two sessions apart.</summary>
    private const int MaxIdentifierLength = 200;

    public static byte[] Encode(HelloMessage m) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(7);
        w.Write(m.Magic);
        w.Write(m.Version);
        w.Write(m.SessionId);
        w.Write(m.FromParty);
        w.Write(m.ToParty);
        w.Write(m.ConfigHash);
        w.WriteMapHeader(m.FieldHashes.Count);
        foreach (var (path, hash) in m.FieldHashes)
        {
            w.Write(path);
            w.Write(hash);
        }
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
        w.WriteArrayHeader(3);
        w.Write(m.Culprit);
        w.Write(m.Reporter);
        w.Write(Truncate(m.Reason));
    });

    /// <summary>A time reply: microseconds since the Unix epoch, UTC.</summary>
    public static byte[] EncodeTime(DateTimeOffset time) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(1);
        w.Write(time.ToUnixTimeMilliseconds() * 1000 + time.Ticks % TimeSpan.TicksPerMillisecond / 10);
    });

    /// <exception cref="FrameFormatException">Not a time reply, or a time outside the years 1970..9999.</exception>
    public static DateTimeOffset DecodeTime(ReadOnlySequence<byte> payload) => Read(payload, (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader(), 1);
        long micros = r.ReadInt64();
        if (micros < 0 || micros > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() * 1000L)
            throw new FrameFormatException($"time {micros} µs since 1970 is out of range");
        return DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
    });

    /// <summary>
    /// A hello. One of another protocol (other magic) or another wire version keeps only what was read up to there, so
    /// that the handshake can say which check failed.
    /// </summary>
    /// <exception cref="FrameFormatException">Not a hello.</exception>
    public static HelloMessage DecodeHello(ReadOnlySequence<byte> payload) => Read(payload, (ref MessagePackReader r) =>
    {
        int fields = r.ReadArrayHeader();
        if (fields < 2) throw new FrameFormatException($"control frame has {fields} fields where at least 2 are expected");
        string magic = PeerText.Escape(r.ReadString(), MaxIdentifierLength);
        if (magic != Magic) return new HelloMessage(magic, 0, "", -1, -1, [], EmptyFields);
        int version = r.ReadInt32();
        if (version != Version) return new HelloMessage(magic, version, "", -1, -1, [], EmptyFields);
        Expect(fields, 7);
        string sessionId = PeerText.Escape(r.ReadString(), MaxIdentifierLength);
        int from = r.ReadInt32(), to = r.ReadInt32();
        byte[] configHash = r.ReadBytes()?.ToArray() ?? [];
        int count = r.ReadMapHeader();
        var fieldHashes = new Dictionary<string, byte[]>(Math.Min(count, 1024), StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string path = PeerText.Escape(r.ReadString(), MaxIdentifierLength);
            fieldHashes[path] = r.ReadBytes()?.ToArray() ?? [];
        }
        return new HelloMessage(magic, version, sessionId, from, to, configHash, fieldHashes);
    });

    /// <exception cref="FrameFormatException">Not a reject.</exception>
    public static RejectMessage DecodeReject(ReadOnlySequence<byte> payload) => Read(payload, (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader(), 3);
        return new RejectMessage(r.ReadInt32(), (HandshakeMismatch)r.ReadInt32(), PeerText.Escape(r.ReadString()));
    });

    /// <exception cref="FrameFormatException">Not an abort.</exception>
    public static AbortMessage DecodeAbort(ReadOnlySequence<byte> payload) => Read(payload, (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader(), 3);
        return new AbortMessage(r.ReadInt32(), r.ReadInt32(), PeerText.Escape(r.ReadString()));
    });

    private static readonly IReadOnlyDictionary<string, byte[]> EmptyFields = new Dictionary<string, byte[]>();

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
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException
            or ArgumentException)
        {
            throw new FrameFormatException("control frame payload is not valid MessagePack", ex);
        }
    }

    private static void Expect(int actual, int expected)
    {
        if (actual != expected) throw new FrameFormatException($"control frame has {actual} fields where {expected} are expected");
    }

    // What we send is cut to the length a peer keeps anyway.
    private static string Truncate(string s) => s.Length <= 2 * PeerText.MaxLength ? s : s[..(2 * PeerText.MaxLength)] + "…";
}

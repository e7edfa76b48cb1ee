using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpc.Core.Arithmetic;
using Mpc.Ml.Training;
using Mpc.Party.Output;

namespace Mpc.Party.Checkpoints;

/// <summary>
/// One party's saved training state after an epoch: its identity, its weight shares, the root keys of its randomness
/// (<see cref="Mpc.Protocols.EpochKeys"/>), the session's tag counters (which name every later operation, and so key
/// its pairwise PRGs and dealer preprocessing), the losses so far and the preprocessing produced. JSON, written
/// atomically with mode 0600: it holds secret shares and keys.
/// </summary>
internal sealed record CheckpointFile<T>(CheckpointIdentity Identity, TrainingState<T> State, byte[] Keys, uint[] TagCounters,
    string PreprocessingUsage)
    where T : unmanaged, IRing<T>
{
    private const string Format = "mpc train-lr checkpoint 1";

    /// <summary>Writes the checkpoint atomically (complete or absent), readable by its owner only.</summary>
    public void Write(string path)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["cluster_hash"] = Identity.ClusterHash,
            ["session"] = Identity.SessionId,
            ["party"] = Identity.PartyId,
            ["parties"] = Identity.PartyCount,
            ["data_sha256"] = Identity.DataHash,
            ["settings"] = new JsonObject(Identity.Settings.Select(s => KeyValuePair.Create(s.Name, (JsonNode?)JsonValue.Create(s.Value)))),
            ["epoch"] = State.EpochsCompleted,
            ["ring"] = typeof(T).Name,
            ["weight_shares"] = Convert.ToBase64String(MemoryMarshal.AsBytes(State.WeightShares.AsSpan())),
            ["keys"] = Convert.ToBase64String(Keys),
            ["tag_counters"] = new JsonArray(TagCounters.Select(c => (JsonNode)c).ToArray()),
            ["losses"] = new JsonArray(State.Losses.Select(l => (JsonNode)new JsonArray(l.Epoch, l.Loss)).ToArray()),
            ["preprocessing"] = PreprocessingUsage,
        };
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteTo(writer);
        }, ownerOnly: true);
    }

    /// <summary>Reads a checkpoint, failing with a <see cref="CheckpointException"/> naming the file and the field.</summary>
    public static CheckpointFile<T> Read(string path)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllBytes(path))?.AsObject() ?? throw new CheckpointException($"Checkpoint {path} is empty.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or IOException)
        {
            throw new CheckpointException($"Checkpoint {path} cannot be read: {ex.Message}", ex);
        }
        try
        {
            string format = Get<string>(json, "format");
            if (format != Format) throw new CheckpointException($"Checkpoint {path} has format '{format}', not '{Format}'.");
            string ring = Get<string>(json, "ring");
            if (ring != typeof(T).Name)
                throw new CheckpointException($"Checkpoint {path} holds shares in {ring}, and this run computes in {typeof(T).Name}.");
            var settings = (json["settings"] as JsonObject ?? throw Missing(path, "settings"))
                .Select(s => (s.Key, s.Value?.GetValue<string>() ?? throw Missing(path, $"settings.{s.Key}"))).ToArray();
            var identity = new CheckpointIdentity(Get<string>(json, "cluster_hash"), Get<string>(json, "session"), Get<int>(json, "party"),
                Get<int>(json, "parties"), Get<string>(json, "data_sha256"), settings);
            var shareBytes = Convert.FromBase64String(Get<string>(json, "weight_shares"));
            if (shareBytes.Length % Marshal.SizeOf<T>() != 0)
                throw new CheckpointException($"Checkpoint {path}: weight_shares is not a whole number of {ring} elements.");
            var shares = MemoryMarshal.Cast<byte, T>(shareBytes).ToArray();
            var losses = (json["losses"] as JsonArray ?? throw Missing(path, "losses"))
                .Select(l => (l![0]!.GetValue<int>(), l[1]!.GetValue<double>())).ToArray();
            var counters = (json["tag_counters"] as JsonArray ?? throw Missing(path, "tag_counters"))
                .Select(c => c!.GetValue<uint>()).ToArray();
            var state = new TrainingState<T>(Get<int>(json, "epoch"), shares, losses);
            return new CheckpointFile<T>(identity, state, Convert.FromBase64String(Get<string>(json, "keys")), counters,
                Get<string>(json, "preprocessing"));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or NullReferenceException or IndexOutOfRangeException
            or ArgumentException)
        {
            throw new CheckpointException($"Checkpoint {path} is malformed: {ex.Message}", ex);
        }

        TValue Get<TValue>(JsonObject o, string name) => o[name] is { } node ? node.GetValue<TValue>() : throw Missing(path, name);
    }

    private static CheckpointException Missing(string path, string field) => new($"Checkpoint {path} has no field '{field}'.");
}

using Google.Protobuf;

namespace Mpc.Party.Output;

/// <summary>
/// A revealed linear model written as ONNX (<c>model.onnx</c>) so that ONNX Runtime, ML.NET or any ONNX scorer can
/// apply it: one node of the ai.onnx.ml domain, LinearClassifier (logistic regression: LOGISTIC post-transform for a
/// binary or one-vs-rest model, SOFTMAX for a multinomial one) or LinearRegressor, over a float tensor "features"
/// [N, d] of raw values in the model's feature order. The standardisation is folded into the coefficients
/// (w_j / sd_j, and b - Σ w_j mean_j / sd_j), so the file needs no preprocessing node.
/// </summary>
/// <remarks>
/// The encoding is the ONNX IR's protobuf schema (onnx.proto3, ONNX Project Contributors, MIT licence): only the
/// messages a one-node graph needs, written field by field with Google.Protobuf's encoder (field numbers as in the
/// schema). Outputs: "label" (int64 [N]) and "probabilities" (float [N, K]; a binary model gives [1 - p, p]) for a
/// classifier, "prediction" (float [N, 1]) for a regressor.
/// </remarks>
internal static class OnnxExport
{
    private const long IrVersion = 8;
    private const int FloatType = 1, Int64Type = 7;
    private const int AttributeFloats = 6, AttributeInts = 7, AttributeString = 3, AttributeInt = 2;

    /// <summary>A logistic regression: <paramref name="weights"/>[k][j] on standardised features, one row per class
    /// (one row for a binary model, whose classes are 0 and 1).</summary>
    public static byte[] Classifier(IReadOnlyList<string> features, IReadOnlyList<IReadOnlyList<double>> weights,
        IReadOnlyList<double> biases, IReadOnlyList<long> classes, bool softmax, IReadOnlyList<double> means,
        IReadOnlyList<double> deviations)
    {
        var (coefficients, intercepts) = Fold(weights, biases, means, deviations);
        byte[] node = Node("LinearClassifier", ["features"], ["label", "probabilities"],
        [
            Attribute("coefficients", AttributeFloats, floats: coefficients),
            Attribute("intercepts", AttributeFloats, floats: intercepts),
            Attribute("classlabels_ints", AttributeInts, ints: classes),
            Attribute("multi_class", AttributeInt, integer: softmax ? 1 : 0),
            Attribute("post_transform", AttributeString, text: softmax ? "SOFTMAX" : "LOGISTIC"),
        ]);
        return Model(node, features.Count,
            [ValueInfo("label", Int64Type, [null]), ValueInfo("probabilities", FloatType, [null, classes.Count])],
            $"logistic regression over {features.Count} features ({string.Join(", ", features)})");
    }

    /// <summary>A linear regression: <paramref name="weights"/> in the data's own units (no standardisation).</summary>
    public static byte[] Regressor(IReadOnlyList<string> features, IReadOnlyList<double> weights, double intercept)
    {
        byte[] node = Node("LinearRegressor", ["features"], ["prediction"],
        [
            Attribute("coefficients", AttributeFloats, floats: [.. weights.Select(w => (float)w)]),
            Attribute("intercepts", AttributeFloats, floats: [(float)intercept]),
            Attribute("targets", AttributeInt, integer: 1),
            Attribute("post_transform", AttributeString, text: "NONE"),
        ]);
        return Model(node, features.Count, [ValueInfo("prediction", FloatType, [null, 1])],
            $"linear regression over {features.Count} features ({string.Join(", ", features)})");
    }

    // w_j / sd_j per class, row-major, and b - Σ w_j mean_j / sd_j.
    private static (float[] Coefficients, float[] Intercepts) Fold(IReadOnlyList<IReadOnlyList<double>> weights,
        IReadOnlyList<double> biases, IReadOnlyList<double> means, IReadOnlyList<double> deviations)
    {
        int k = weights.Count, d = means.Count;
        var coefficients = new float[k * d];
        var intercepts = new float[k];
        for (int c = 0; c < k; c++)
        {
            double bias = biases[c];
            for (int j = 0; j < d; j++)
            {
                double w = weights[c][j] / deviations[j];
                coefficients[c * d + j] = (float)w;
                bias -= w * means[j];
            }
            intercepts[c] = (float)bias;
        }
        return (coefficients, intercepts);
    }

    // ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8.
    private static byte[] Model(byte[] node, int features, byte[][] outputs, string doc) => Message(w =>
    {
        w.WriteTag(1, WireFormat.WireType.Varint);
        w.WriteInt64(IrVersion);
        WriteString(w, 2, "mpc");
        WriteString(w, 3, typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "");
        WriteString(w, 6, doc);
        WriteMessage(w, 7, Graph(node, features, outputs));
        WriteMessage(w, 8, OperatorSet("", 13));
        WriteMessage(w, 8, OperatorSet("ai.onnx.ml", 1));
    });

    // GraphProto: node 1, name 2, input 11, output 12.
    private static byte[] Graph(byte[] node, int features, byte[][] outputs) => Message(w =>
    {
        WriteMessage(w, 1, node);
        WriteString(w, 2, "mpc-model");
        WriteMessage(w, 11, ValueInfo("features", FloatType, [null, features]));
        foreach (var output in outputs) WriteMessage(w, 12, output);
    });

    // OperatorSetIdProto: domain 1, version 2.
    private static byte[] OperatorSet(string domain, long version) => Message(w =>
    {
        WriteString(w, 1, domain);
        w.WriteTag(2, WireFormat.WireType.Varint);
        w.WriteInt64(version);
    });

    // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
    private static byte[] Node(string op, string[] inputs, string[] outputs, byte[][] attributes) => Message(w =>
    {
        foreach (var input in inputs) WriteString(w, 1, input);
        foreach (var output in outputs) WriteString(w, 2, output);
        WriteString(w, 3, op);
        WriteString(w, 4, op);
        foreach (var attribute in attributes) WriteMessage(w, 5, attribute);
        WriteString(w, 7, "ai.onnx.ml");
    });

    // AttributeProto: name 1, i 3, s 4, floats 7 (packed), ints 8 (packed), type 20.
    private static byte[] Attribute(string name, int type, float[]? floats = null, IReadOnlyList<long>? ints = null,
        long? integer = null, string? text = null) => Message(w =>
    {
        WriteString(w, 1, name);
        if (integer is { } i)
        {
            w.WriteTag(3, WireFormat.WireType.Varint);
            w.WriteInt64(i);
        }
        if (text is not null)
        {
            w.WriteTag(4, WireFormat.WireType.LengthDelimited);
            w.WriteBytes(ByteString.CopyFromUtf8(text));
        }
        if (floats is not null)
        {
            w.WriteTag(7, WireFormat.WireType.LengthDelimited);
            w.WriteLength(floats.Length * 4);
            foreach (float f in floats) w.WriteFloat(f);
        }
        if (ints is not null)
            WriteMessage(w, 8, Message(inner =>
            {
                foreach (long v in ints) inner.WriteInt64(v);
            }));
        w.WriteTag(20, WireFormat.WireType.Varint);
        w.WriteInt32(type);
    });

    // ValueInfoProto: name 1, type 2; TypeProto: tensor_type 1; Tensor: elem_type 1, shape 2; TensorShapeProto: dim 1;
    // Dimension: dim_value 1, dim_param 2 (null: the batch, "N").
    private static byte[] ValueInfo(string name, int elementType, int?[] dims) => Message(w =>
    {
        WriteString(w, 1, name);
        WriteMessage(w, 2, Message(type => WriteMessage(type, 1, Message(tensor =>
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt32(elementType);
            WriteMessage(tensor, 2, Message(shape =>
            {
                foreach (var dim in dims)
                    WriteMessage(shape, 1, Message(dimension =>
                    {
                        if (dim is int value)
                        {
                            dimension.WriteTag(1, WireFormat.WireType.Varint);
                            dimension.WriteInt64(value);
                        }
                        else WriteString(dimension, 2, "N");
                    }));
            }));
        }))));
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }
        return buffer.ToArray();
    }

    private static void WriteMessage(CodedOutputStream output, int field, byte[] message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(message));
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }
}

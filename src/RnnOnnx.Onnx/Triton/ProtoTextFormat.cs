using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace RnnOnnx.Onnx.Triton;

/// <summary>
/// Prints any protobuf message in the protobuf text format (what Triton's <c>config.pbtxt</c> is and what
/// <c>google::protobuf::TextFormat</c> and <c>protoc --encode</c> parse), walking the message's reflection descriptors:
/// fields in declaration order, set fields only (proto3 scalars when not default, messages when present, oneof members
/// when they are the case), enums by name, strings escaped, repeated scalars as lists, repeated messages as lists of
/// blocks, map entries as <c>key</c>/<c>value</c> blocks sorted by key. Google.Protobuf has no text-format writer;
/// this one is generic, so it is correct for any message the schema allows.
/// </summary>
internal static class ProtoTextFormat
{
    private const string Indent = "  ";

    /// <summary>The message as text-format lines, each field on its own line, nested blocks indented.</summary>
    public static string Print(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder();
        WriteFields(text, message, 0);
        return text.ToString();
    }

    private static void WriteFields(StringBuilder text, IMessage message, int depth)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            object value = field.Accessor.GetValue(message);
            if (field.IsMap) WriteMap(text, field, (IDictionary)value, depth);
            else if (field.IsRepeated) WriteRepeated(text, field, (IList)value, depth);
            else if (IsSet(message, field, value)) WriteSingle(text, field, value, depth);
        }
    }

    private static bool IsSet(IMessage message, FieldDescriptor field, object? value)
    {
        if (field.RealContainingOneof is { } oneof) return oneof.Accessor.GetCaseFieldDescriptor(message) == field;
        if (field.HasPresence) return field.Accessor.HasValue(message);
        return field.FieldType switch
        {
            FieldType.Message or FieldType.Group => value is not null,
            FieldType.String => !string.IsNullOrEmpty((string?)value),
            FieldType.Bytes => value is ByteString { IsEmpty: false },
            FieldType.Bool => (bool)value!,
            FieldType.Enum => Convert.ToInt32(value, CultureInfo.InvariantCulture) != 0,
            FieldType.Float => BitConverter.SingleToInt32Bits((float)value!) != 0,   // -0.0 is set; +0.0 is the default
            FieldType.Double => BitConverter.DoubleToInt64Bits((double)value!) != 0,
            _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture) != 0m,
        };
    }

    private static void WriteSingle(StringBuilder text, FieldDescriptor field, object value, int depth)
    {
        Pad(text, depth).Append(field.Name);
        if (field.FieldType is FieldType.Message or FieldType.Group)
        {
            text.Append(' ');
            WriteBlock(text, (IMessage)value, depth);
            text.Append('\n');
        }
        else text.Append(": ").Append(Scalar(field, value)).Append('\n');
    }

    private static void WriteRepeated(StringBuilder text, FieldDescriptor field, IList values, int depth)
    {
        if (values.Count == 0) return;
        Pad(text, depth).Append(field.Name);
        if (field.FieldType is FieldType.Message or FieldType.Group)
        {
            text.Append(" [\n");
            for (int i = 0; i < values.Count; i++)
            {
                Pad(text, depth + 1);
                WriteBlock(text, (IMessage)values[i]!, depth + 1);
                text.Append(i + 1 < values.Count ? ",\n" : "\n");
            }
            Pad(text, depth).Append("]\n");
        }
        else
        {
            text.Append(": [ ");
            for (int i = 0; i < values.Count; i++)
            {
                if (i > 0) text.Append(", ");
                text.Append(Scalar(field, values[i]!));
            }
            text.Append(" ]\n");
        }
    }

    /// <summary>A map is a repeated entry message {key = 1, value = 2}; entries are sorted by key, as protobuf's own printer does.</summary>
    private static void WriteMap(StringBuilder text, FieldDescriptor field, IDictionary map, int depth)
    {
        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        var keys = map.Keys.Cast<object>().OrderBy(k => k, MapKeyComparer.Instance).ToList();
        foreach (var key in keys)
        {
            Pad(text, depth).Append(field.Name).Append(" {\n");
            Pad(text, depth + 1).Append("key: ").Append(Scalar(keyField, key)).Append('\n');
            object? value = map[key];
            if (valueField.FieldType is FieldType.Message or FieldType.Group)
            {
                Pad(text, depth + 1).Append("value ");
                WriteBlock(text, (IMessage)value!, depth + 1);
                text.Append('\n');
            }
            else Pad(text, depth + 1).Append("value: ").Append(Scalar(valueField, value!)).Append('\n');
            Pad(text, depth).Append("}\n");
        }
    }

    private static void WriteBlock(StringBuilder text, IMessage message, int depth)
    {
        var inner = new StringBuilder();
        WriteFields(inner, message, depth + 1);
        if (inner.Length == 0) { text.Append("{ }"); return; }
        text.Append("{\n").Append(inner);
        Pad(text, depth).Append('}');
    }

    private static StringBuilder Pad(StringBuilder text, int depth)
    {
        for (int i = 0; i < depth; i++) text.Append(Indent);
        return text;
    }

    private static string Scalar(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.String => Quote(Encoding.UTF8.GetBytes((string)value)),
        FieldType.Bytes => Quote(((ByteString)value).ToByteArray()),
        FieldType.Bool => (bool)value ? "true" : "false",
        FieldType.Enum => EnumName(field, Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        FieldType.Float => Real((float)value),
        FieldType.Double => Real((double)value),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string EnumName(FieldDescriptor field, int number) =>
        field.EnumType.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);

    private static string Real(float value) =>
        float.IsNaN(value) ? "nan" : float.IsPositiveInfinity(value) ? "inf" : float.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();

    private static string Real(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();

    /// <summary>
    /// A double-quoted string: quote, backslash and the C escapes by name, other control bytes and every non-ASCII
    /// byte of the UTF-8 encoding as three-digit octal escapes (what protobuf's printer does; its parser reads them back).
    /// </summary>
    private static string Quote(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length + 2).Append('"');
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'\'': text.Append("\\'"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\t': text.Append("\\t"); break;
                default:
                    if (b is < 0x20 or >= 0x7f) text.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                    else text.Append((char)b);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    /// <summary>Map keys are integers, bools or strings; strings compare by their UTF-8 bytes (ordinal on code points).</summary>
    private sealed class MapKeyComparer : IComparer<object>
    {
        public static readonly MapKeyComparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (string a, string b) => string.CompareOrdinal(a, b),
            (bool a, bool b) => a.CompareTo(b),
            _ => Convert.ToDecimal(x, CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(y, CultureInfo.InvariantCulture)),
        };
    }
}

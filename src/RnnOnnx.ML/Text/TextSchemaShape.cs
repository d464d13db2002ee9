using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML.Text;

/// <summary>
/// Adds a text column to a <see cref="SchemaShape"/>. As for <see cref="SchemaShapes"/>, ML.NET keeps
/// <c>SchemaShape.Column</c>'s constructor internal, so the shape comes from a do-nothing <c>CustomMapping</c>
/// estimator whose output type is one string column; the mapping is never fitted or run.
/// </summary>
internal static class TextSchemaShape
{
    private static readonly MLContext Context = new(seed: 0);

    public static SchemaShape WithText(SchemaShape input, string name)
    {
        var definition = SchemaDefinition.Create(typeof(TextColumn));
        definition[0].ColumnName = name;
        return Context.Transforms.CustomMapping<SchemaShapes.NoColumns, TextColumn>(static (_, _) => { }, contractName: null, outputSchemaDefinition: definition)
            .GetOutputSchema(input);
    }

    /// <summary>Output type of the shaping mapping: one string, renamed by the schema definition.</summary>
    internal sealed class TextColumn
    {
        public string Value { get; set; } = "";
    }
}

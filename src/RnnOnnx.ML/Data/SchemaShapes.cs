using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML;

/// <summary>
/// Adds a Single-vector or text column to a <see cref="SchemaShape"/>. ML.NET keeps <c>SchemaShape.Column</c>'s constructor
/// internal (dotnet/machinelearning#3243), so a third-party estimator cannot describe its output directly; the output
/// shape of a do-nothing <c>CustomMapping</c> estimator whose output type is that column is the one public way to
/// get it. The mapping is never fitted or run.
/// </summary>
internal static class SchemaShapes
{
    private static readonly MLContext Context = new(seed: 0);

    public static SchemaShape WithSingleVector(SchemaShape input, string name, bool knownSize)
    {
        var definition = SchemaDefinition.Create(typeof(SingleVector));
        definition[0].ColumnName = name;
        definition[0].ColumnType = knownSize
            ? new VectorDataViewType(NumberDataViewType.Single, 1)
            : new VectorDataViewType(NumberDataViewType.Single);
        var shaper = Context.Transforms.CustomMapping<NoColumns, SingleVector>(static (_, _) => { }, contractName: null, outputSchemaDefinition: definition);
        return shaper.GetOutputSchema(input);
    }

    public static SchemaShape WithText(SchemaShape input, params string[] names)
    {
        foreach (string name in names)
        {
            var definition = SchemaDefinition.Create(typeof(TextColumn));
            definition[0].ColumnName = name;
            input = Context.Transforms.CustomMapping<NoColumns, TextColumn>(static (_, _) => { }, contractName: null, outputSchemaDefinition: definition)
                .GetOutputSchema(input);
        }
        return input;
    }

    /// <summary>Input type of the shaping mapping: it reads no column.</summary>
    internal sealed class NoColumns;

    /// <summary>Output type of the shaping mapping: one Single vector, renamed and sized by the schema definition.</summary>
    internal sealed class SingleVector
    {
        public float[] Value { get; set; } = [];
    }

    /// <summary>Output type of a text shaping mapping: one string, renamed by the schema definition.</summary>
    internal sealed class TextColumn
    {
        public string Value { get; set; } = "";
    }
}

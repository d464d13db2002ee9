using System.Text;
using System.Text.Json;
using RnnOnnx.Layers;
using RnnOnnx.Serialization;

namespace RnnOnnx.Tests.Training;

/// <summary>Each layer type reads back exactly the options it writes, through the one registry of type names.</summary>
public class LayerConfigTests
{
    private static Layer[] OneOfEach() =>
    [
        new Dense(3, Activation.Sigmoid),
        new Dropout(0.3f),
        new Embedding(9, 4),
        new Lstm(5, returnSequences: true),
        new Lstm(5, activation: Activation.Relu, recurrentActivation: Activation.HardSigmoid),
        new Gru(4),
        new Gru(4, returnSequences: true, activation: Activation.Linear, recurrentActivation: Activation.Tanh),
        new SimpleRnn(2, returnSequences: true, activation: Activation.Relu),
        new Bidirectional(new Gru(3, activation: Activation.Sigmoid)),
        new Conv2D(8, 3, Activation.Relu, Padding.Same, new ImageShape(6, 5, 3)),
        new MaxPool2D(2),
        new Flatten(),
        new Rescaling(-1f / 255, 1f),
    ];

    private static string Config(Layer layer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            layer.WriteConfig(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void Every_registered_type_reads_back_the_options_it_wrote()
    {
        var layers = OneOfEach();
        Assert.Equal(LayerConfig.TypeNames.Order(), layers.Select(l => l.TypeName).Distinct().Order());
        foreach (var layer in layers)
        {
            string written = Config(layer);
            using var doc = JsonDocument.Parse(written);
            var read = LayerConfig.Create(layer.TypeName, doc.RootElement, "test");
            Assert.IsType(layer.GetType(), read);
            Assert.Equal(written, Config(read));
        }
    }

    [Fact]
    public void Default_recurrent_activations_are_not_written_so_older_files_and_fingerprints_stay_the_same()
    {
        Assert.Equal("{\"units\":5,\"returnSequences\":true}", Config(new Lstm(5, returnSequences: true)));
        Assert.Equal("{\"units\":4,\"returnSequences\":false}", Config(new Gru(4)));
        using var doc = JsonDocument.Parse("{\"units\":4,\"returnSequences\":false}");
        var gru = Assert.IsType<Gru>(LayerConfig.Create("Gru", doc.RootElement, "test"));
        Assert.Equal((Activation.Tanh, Activation.Sigmoid), (gru.Activation, gru.RecurrentActivation));
    }
}

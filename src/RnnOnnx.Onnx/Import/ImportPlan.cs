using RnnOnnx.Layers;

namespace RnnOnnx.Onnx.Import;

/// <summary>What walking the graph found: the layer chain and how the graph's input and output map to the trainer's.</summary>
internal sealed record ImportPlan(
    LayerPlan Layers,
    LayerShape InputShape,
    string InputName,
    bool InputIsTimeMajor,
    string OutputName,
    bool OutputIsTimeMajor,
    string? SequenceLengthsName);

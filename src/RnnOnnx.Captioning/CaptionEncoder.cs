namespace RnnOnnx.Captioning;

/// <summary>What a captioner's encoder reads.</summary>
public enum CaptionEncoder
{
    /// <summary>Raw pixels (ExtractPixels' channels-first 0..255), through the trainer's own small CNN trained jointly with the decoder.</summary>
    Convolutional,

    /// <summary>
    /// A feature vector per image from any ONNX image model run by ML.NET's <c>ApplyOnnxModel</c> (or any other float
    /// vector column), through dense layers: the image model stays fixed, only the dense layers and decoder train.
    /// </summary>
    Features,
}

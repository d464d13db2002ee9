namespace RnnOnnx.Captioning;

/// <summary>ML.NET and ONNX lay pixels out channels-first; the trainer's convolutions work channels-last.</summary>
internal static class ImageLayout
{
    public static void ChannelsFirstToLast(ReadOnlySpan<float> chw, Span<float> hwc, int channels, int height, int width)
    {
        int plane = height * width;
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                hwc[p * channels + c] = chw[c * plane + p];
    }
}

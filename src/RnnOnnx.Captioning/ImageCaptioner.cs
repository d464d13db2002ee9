using System.Globalization;
using RnnOnnx.Runtime;
using SkiaSharp;

namespace RnnOnnx.Captioning;

/// <summary>
/// Captions image files or encoded image bytes (PNG, JPEG, BMP, GIF, WebP), a batch at a time, without ML.NET. Each
/// image is decoded on its own: a missing file, bytes that are not an image, or an empty input gives that image an error
/// and never fails the others. Transparent pixels are laid on white (the scenes' background); other sizes are scaled to
/// cover the model's size and cropped to its centre (what ML.NET's ResizeImages does by default); pixels are read in the
/// layout of ML.NET's ExtractPixels defaults (<see cref="ScenePixels"/>), so an image of the model's own size gives the
/// same values on both paths.
/// </summary>
public sealed class ImageCaptioner : IDisposable
{
    private readonly CaptionOptions _search;
    private readonly int _batchSize;

    /// <summary>Opens the captioner at <paramref name="modelPath"/> (file or folder, see <see cref="CaptionModel.Load"/>).</summary>
    /// <param name="modelPath">The decoder file, the encoder file or their folder.</param>
    /// <param name="search">Greedy (default) or beam search.</param>
    /// <param name="batchSize">Images decoded and captioned together; memory grows with it, not with the number of inputs.</param>
    /// <param name="provider">Where ONNX Runtime runs.</param>
    /// <param name="warn">Where load warnings go (default: standard error).</param>
    public ImageCaptioner(string modelPath, CaptionOptions? search = null, int batchSize = 64, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (batchSize < 1) throw new ModelConfigurationException($"Batch size must be at least 1, got {batchSize}.");
        _search = search ?? new CaptionOptions();
        _search.Validate();
        _batchSize = batchSize;
        Model = CaptionModel.Load(modelPath, provider ?? ExecutionProvider.Cpu, warn);
        if (Model.Encoder != CaptionEncoder.Convolutional)
        {
            Model.Dispose();
            throw new ModelFileException($"'{modelPath}' captions image features ({Model.InputLength} per image), not pixels: run its image model first and caption the features with CaptionModel.Caption.");
        }
    }

    /// <summary>Largest image decoded, in pixels: a small file can declare a huge image, and decoding it would take gigabytes.</summary>
    public const long MaxPixels = 4096L * 4096;

    /// <summary>The captioner.</summary>
    public CaptionModel Model { get; }

    /// <summary>Captions image files, in order; see the class remarks for bad files.</summary>
    /// <param name="paths">The files.</param>
    /// <param name="search">Overrides the search given to the constructor.</param>
    public IReadOnlyList<CaptionResult> CaptionFiles(IReadOnlyList<string> paths, CaptionOptions? search = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Caption(paths.Select(p => (p, (Func<byte[]>)(() => Directory.Exists(p)
            ? throw new DataException("this is a folder, not an image file")
            : Serialization.InputFile.ReadAllBytes(p)))).ToList(), search);
    }

    /// <summary>Captions encoded images (file bytes), in order; <see cref="CaptionResult.Source"/> is the index.</summary>
    /// <param name="images">The encoded images.</param>
    /// <param name="search">Overrides the search given to the constructor.</param>
    public IReadOnlyList<CaptionResult> CaptionImages(IReadOnlyList<byte[]> images, CaptionOptions? search = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Caption(images.Select((bytes, i) => (i.ToString(CultureInfo.InvariantCulture), (Func<byte[]>)(() => bytes))).ToList(), search);
    }

    /// <summary>
    /// The model's input for one encoded image. SkiaSharp's codec checks the declared size before any pixel memory
    /// is taken, and an image whose data ends early is reported as damaged instead of captioned.
    /// </summary>
    private float[] Pixels(byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0) throw new DataException("the image is empty (0 bytes)");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new DataException("not a readable image (not a PNG, JPEG, BMP, GIF or WebP file)");
        var size = codec.Info;
        if ((long)size.Width * size.Height > MaxPixels)
            throw new DataException($"the image is {size.Width}×{size.Height} pixels; at most {MaxPixels:N0} pixels are decoded");
        using var decoded = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
            throw new DataException($"the image is damaged ({result}: its data ends early or is corrupt)");
        int width = Model.ImageWidth, height = Model.ImageHeight;
        using var flat = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(flat))
        {
            canvas.Clear(SKColors.White);
            if (size.Width == width && size.Height == height) canvas.DrawBitmap(decoded, 0, 0);
            else
            {
                // Scale so the image covers the target, then keep its centre (ML.NET's ResizingKind.IsoCrop).
                float scale = Math.Max((float)width / size.Width, (float)height / size.Height);
                float w = size.Width * scale, h = size.Height * scale;
                using var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true };
                canvas.DrawBitmap(decoded, new SKRect((width - w) / 2, (height - h) / 2, (width + w) / 2, (height + h) / 2), paint);
            }
        }
        return ScenePixels.FromRgba(flat, Model.ImageWidth, Model.ImageHeight);
    }

    private List<CaptionResult> Caption(List<(string Source, Func<byte[]> Read)> inputs, CaptionOptions? search)
    {
        search ??= _search;
        var results = new CaptionResult?[inputs.Count];
        // A batch at a time: decoded images are large, so memory must not grow with the number of inputs.
        for (int start = 0; start < inputs.Count; start += _batchSize)
        {
            int end = Math.Min(inputs.Count, start + _batchSize);
            var images = new List<float[]>();
            var positions = new List<int>();
            for (int i = start; i < end; i++)
            {
                try
                {
                    images.Add(Pixels(inputs[i].Read()));
                    positions.Add(i);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    results[i] = new CaptionResult(inputs[i].Source, null, Describe(e));
                }
            }
            if (images.Count == 0) continue;
            var captions = Model.Caption(images, search);
            for (int j = 0; j < positions.Count; j++)
                results[positions[j]] = new CaptionResult(inputs[positions[j]].Source, captions[j], null);
        }
        return results.Select((r, i) => r ?? new CaptionResult(inputs[i].Source, null, "the image was not read")).ToList();
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "the file does not exist",
        UnauthorizedAccessException => "the file cannot be read (permission denied)",
        DataException => e.Message,
        _ => $"not a readable image ({e.Message.Trim()})",
    };

    /// <summary>Frees the model's sessions.</summary>
    public void Dispose() => Model.Dispose();
}

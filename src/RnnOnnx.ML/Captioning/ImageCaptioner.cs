using Microsoft.ML;
using SkiaSharp;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace RnnOnnx.ML.Captioning;

/// <summary>
/// Captions image files or encoded image bytes (PNG, JPEG, …) through the same ML.NET pipeline users build
/// (ResizeImages to the model's size → ExtractPixels → <see cref="CaptionTransformer"/>), batched. Each image is decoded
/// first, on its own: a missing file, bytes that are not an image, or an empty input gives that image an error and never
/// fails the others. Grayscale images are read as RGB; other sizes are resized (ML.NET's default: scale, then crop the centre).
/// </summary>
public sealed class ImageCaptioner : IDisposable
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly CaptionTransformer _captions;
    private readonly TransformerChain<ImagePixelExtractingTransformer> _pixels;

    /// <summary>Opens the captioner at <paramref name="modelPath"/> (file or folder, see <see cref="CaptionModel.Load"/>).</summary>
    /// <param name="modelPath">The decoder file, the encoder file or their folder.</param>
    /// <param name="search">Greedy (default) or beam search.</param>
    /// <param name="batchSize">Images decoded and captioned together; memory grows with it, not with the number of inputs.</param>
    /// <param name="provider">Where ONNX Runtime runs.</param>
    /// <param name="warn">Where load warnings go (default: standard error).</param>
    public ImageCaptioner(string modelPath, CaptionOptions? search = null, int batchSize = 64, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        var options = new GenerateCaptionOptions { ModelPath = modelPath, Search = search ?? new CaptionOptions(), BatchSize = batchSize, ExecutionProvider = provider ?? ExecutionProvider.Cpu };
        options.Validate();
        var model = CaptionModel.Load(modelPath, options.ExecutionProvider, warn);
        try
        {
            if (model.Encoder != CaptionEncoder.Convolutional)
                throw new ModelFileException($"'{modelPath}' captions image features ({model.InputLength} per image), not pixels: run its image model with ApplyOnnxModel in an ML.NET pipeline and GenerateCaption on the features.");
            _captions = new CaptionTransformer(options, model);
            var empty = _ml.Data.LoadFromEnumerable(Array.Empty<ImageRow>());
            _pixels = _ml.Transforms.ResizeImages("Image", model.ImageWidth, model.ImageHeight, "Image")
                .Append(_ml.Transforms.ExtractPixels("Pixels", "Image"))
                .Fit(empty);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Largest image decoded, in pixels: a small file can declare a huge image, and decoding it would take gigabytes.</summary>
    public const long MaxPixels = 4096L * 4096;

    /// <summary>The captioner.</summary>
    public CaptionModel Model => _captions.Model;

    /// <summary>Captions image files, in order; see the class remarks for bad files.</summary>
    /// <param name="paths">The files.</param>
    /// <param name="search">Overrides the search given to the constructor.</param>
    public IReadOnlyList<CaptionResult> CaptionFiles(IReadOnlyList<string> paths, CaptionOptions? search = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Caption(paths.Select(p => (p, (Func<MLImage>)(() => Directory.Exists(p)
            ? throw new DataException("this is a folder, not an image file")
            : Decode(File.ReadAllBytes(p))))).ToList(), search);
    }

    /// <summary>Captions encoded images (file bytes), in order; <see cref="CaptionResult.Source"/> is the index.</summary>
    /// <param name="images">The encoded images.</param>
    /// <param name="search">Overrides the search given to the constructor.</param>
    public IReadOnlyList<CaptionResult> CaptionImages(IReadOnlyList<byte[]> images, CaptionOptions? search = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Caption(images.Select((bytes, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), (Func<MLImage>)(() => Decode(bytes)))).ToList(), search);
    }

    /// <summary>
    /// Decodes with SkiaSharp's codec so that the declared size is checked before any pixel memory is taken, and an
    /// image whose data ends early is reported as damaged instead of captioned; transparent pixels are laid on white
    /// (the scenes' background) before ML.NET sees them.
    /// </summary>
    private static MLImage Decode(byte[]? bytes)
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
        using var flat = new SKBitmap(decoded.Info);
        using (var canvas = new SKCanvas(flat))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(decoded, 0, 0);
        }
        return MLImage.CreateFromPixels(size.Width, size.Height, MLPixelFormat.Rgba32, flat.GetPixelSpan());
    }

    private List<CaptionResult> Caption(List<(string Source, Func<MLImage> Open)> inputs, CaptionOptions? search)
    {
        var captions = search is null ? _captions : _captions.WithSearch(search);
        var results = new CaptionResult?[inputs.Count];
        // A batch at a time: decoded images are large, so memory must not grow with the number of inputs.
        for (int start = 0; start < inputs.Count; start += captions.Options.BatchSize)
            CaptionBatch(inputs, start, Math.Min(inputs.Count, start + captions.Options.BatchSize), captions, results);
        return results.Select((r, i) => r ?? new CaptionResult(inputs[i].Source, null, "the image was not read")).ToList();
    }

    private void CaptionBatch(List<(string Source, Func<MLImage> Open)> inputs, int start, int end, CaptionTransformer captions, CaptionResult?[] results)
    {
        var rows = new List<ImageRow>();
        var positions = new List<int>();
        try
        {
            for (int i = start; i < end; i++)
            {
                try
                {
                    rows.Add(new ImageRow { Image = inputs[i].Open() });
                    positions.Add(i);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    results[i] = new CaptionResult(inputs[i].Source, null, Describe(e));
                }
            }
            if (rows.Count > 0)
            {
                var data = captions.Transform(_pixels.Transform(_ml.Data.LoadFromEnumerable(rows)));
                var caption = data.Schema[captions.Options.OutputColumnName];
                var error = data.Schema[captions.Options.ErrorColumnName];
                using var cursor = data.GetRowCursor([caption, error]);
                var getCaption = cursor.GetGetter<ReadOnlyMemory<char>>(caption);
                var getError = cursor.GetGetter<ReadOnlyMemory<char>>(error);
                ReadOnlyMemory<char> c = default, e = default;
                for (int j = 0; cursor.MoveNext(); j++)
                {
                    getCaption(ref c);
                    getError(ref e);
                    string source = inputs[positions[j]].Source;
                    results[positions[j]] = e.IsEmpty ? new CaptionResult(source, c.ToString(), null) : new CaptionResult(source, null, e.ToString());
                }
            }
        }
        finally
        {
            foreach (var row in rows) row.Image?.Dispose();
        }
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "the file does not exist",
        UnauthorizedAccessException => "the file cannot be read (permission denied)",
        DataException => e.Message,
        _ => $"not a readable image ({e.Message.Trim()})",
    };

    /// <summary>Frees the model's sessions.</summary>
    public void Dispose() => _captions.Dispose();

    /// <summary>One decoded image, as an image column of any size.</summary>
    private sealed class ImageRow
    {
        [AnySizeImage]
        public MLImage? Image { get; set; }
    }

    /// <summary>
    /// Maps <see cref="MLImage"/> to an image column of unknown size, what LoadImages itself produces: ImageTypeAttribute
    /// can only declare a fixed size (its parameterless form throws when it registers itself).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    private sealed class AnySizeImageAttribute : DataViewTypeAttribute
    {
        public override void Register() => DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), this);

        public override bool Equals(DataViewTypeAttribute other) => other is AnySizeImageAttribute;

        public override bool Equals(object? obj) => obj is AnySizeImageAttribute;

        public override int GetHashCode() => nameof(AnySizeImageAttribute).GetHashCode(StringComparison.Ordinal);
    }
}

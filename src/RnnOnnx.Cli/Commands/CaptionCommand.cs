using System.CommandLine;
using System.Text.Json;
using RnnOnnx.Captioning;
using RnnOnnx.Runtime;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx caption --model DIR_OR_ONNX IMAGE... [--beam K] [--json]` (DESIGN §5): one line per image,
/// `path&lt;TAB&gt;caption`. A folder argument stands for its image files. An image that cannot be used (missing,
/// not an image, empty folder) gets one `error: PATH: reason` line on stderr and the others are still captioned;
/// the exit code is 1 when any image failed.
/// </summary>
internal static class CaptionCommand
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model") { Description = "The captioner: NAME.onnx, NAME.encoder.onnx, or their folder", Required = true };
        var images = new Argument<string[]>("images") { Description = "Image files or folders of images", Arity = ArgumentArity.OneOrMore };
        var beam = new Option<int>("--beam") { Description = "Beam width: 1 = greedy", DefaultValueFactory = _ => 1 };
        var maxLength = new Option<int?>("--max-length") { Description = "Longest caption in words (default: the model's)" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {path, caption, error} instead of lines" };
        var provider = new Option<string>("--provider") { Description = "Execution provider: cpu, cuda or auto", DefaultValueFactory = _ => "cpu" };
        var command = new Command("caption", "Caption images with a trained captioner (greedy or beam search).")
        {
            model, images, beam, maxLength, json, provider,
        };
        command.SetAction(parse =>
        {
            var search = new CaptionOptions { BeamWidth = parse.GetValue(beam), MaxLength = parse.GetValue(maxLength) };
            var failures = new List<CaptionResult>();
            var paths = new List<string>();
            foreach (string argument in parse.GetValue(images)!)
            {
                if (!Directory.Exists(argument)) { paths.Add(argument); continue; }
                var files = Directory.GetFiles(argument).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) failures.Add(new CaptionResult(argument, null, $"the folder has no image files ({string.Join(", ", ImageExtensions)})"));
                paths.AddRange(files);
            }
            using var captioner = new ImageCaptioner(parse.GetValue(model)!, search, provider: ExecutionProvider.Parse(parse.GetValue(provider)!));
            var results = paths.Count == 0 ? [] : captioner.CaptionFiles(paths);
            failures.AddRange(results.Where(r => r.Error is not null));
            if (parse.GetValue(json))
            {
                var all = failures.Where(f => !paths.Contains(f.Source)).Concat(results)
                    .Select(r => new Dictionary<string, string?> { ["path"] = r.Source, ["caption"] = r.Caption, ["error"] = r.Error });
                output.WriteLine(JsonSerializer.Serialize(all, Json));
            }
            else
            {
                foreach (var r in results.Where(r => r.Caption is not null)) output.WriteLine($"{r.Source}\t{r.Caption}");
            }
            foreach (var f in failures) error.WriteLine($"error: {f.Source}: {f.Error}");
            return failures.Count == 0 ? 0 : 1;
        });
        return command;
    }
}

using System.CommandLine;
using RnnOnnx.Text;
using RnnOnnx.Runtime;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx generate --model M.onnx [--prompt TEXT] [--length N] [--temperature T] [--top-k K] [--top-p P] [--seed N]`
/// (DESIGN §5): prints the prompt, then streams sampled characters to standard output as they are made.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model") { Description = "A text-generation step model made by `rnnonnx train`", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue (characters must be in the model's vocabulary)", DefaultValueFactory = _ => "" };
        var length = new Option<int>("--length") { Description = "Characters to generate", DefaultValueFactory = _ => 300 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature; 0 = greedy", DefaultValueFactory = _ => 1f };
        var topK = new Option<int>("--top-k") { Description = "Sample among the K most likely characters (0 = all)" };
        var topP = new Option<float>("--top-p") { Description = "Sample among the most likely characters covering probability P", DefaultValueFactory = _ => 1f };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed, model and options give the same text" };
        var provider = new Option<string>("--provider") { Description = "Execution provider: cpu, cuda or auto", DefaultValueFactory = _ => "cpu" };
        var command = new Command("generate", "Generate text one character at a time from a character language model.")
        {
            model, prompt, length, temperature, topK, topP, seed, provider,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(length);
            if (n < 0) throw new ArgumentException($"--length must be ≥ 0, got {n}.");
            var options = new SamplingOptions
            {
                Temperature = parse.GetValue(temperature), TopK = parse.GetValue(topK), TopP = parse.GetValue(topP), Seed = parse.GetValue(seed),
            };
            options.Validate();
            using var generator = TextGenerator.Load(parse.GetValue(model)!, ExecutionProvider.Parse(parse.GetValue(provider)!), m => error.WriteLine(m));
            string text = parse.GetValue(prompt)!;
            var ids = generator.PromptIds(text); // fail on unknown characters before printing anything
            output.Write(CharVocabulary.Normalize(text));
            // Streamed as sampled and not kept: --length 2147483647 runs until stopped, in constant memory.
            generator.Continue([ids], n, options, c => { output.Write(c); output.Flush(); }, keepText: false);
            output.WriteLine();
            return 0;
        });
        return command;
    }
}

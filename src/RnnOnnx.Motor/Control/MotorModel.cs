using System.Text.Json;
using System.Text.Json.Serialization;
using RnnOnnx.Layers;
using RnnOnnx.Onnx;
using RnnOnnx.Training;

namespace RnnOnnx.Motor;

/// <summary>
/// What a motor controller's ONNX file says about the environment it was trained in (its <c>rnnonnx.config</c>),
/// enough for <see cref="MotorModel"/> to rebuild the effector and the observation stream.
/// </summary>
public sealed record MotorModelConfig
{
    /// <summary>Effector name (<see cref="Motor.Effector.Create"/>).</summary>
    public string Effector { get; init; } = "arm26";

    /// <summary>Observation columns in order: goal, fingertip, normalised fibre lengths and velocities per muscle.</summary>
    public IReadOnlyList<string> Observation { get; init; } = [];

    /// <summary>Excitation columns in order (muscle names).</summary>
    public IReadOnlyList<string> Excitations { get; init; } = [];

    /// <summary>GRU units.</summary>
    public int Hidden { get; init; }

    /// <summary>Control and integration step, s.</summary>
    public double Timestep { get; init; } = Motor.Effector.Timestep;

    /// <summary>Episode length the controller was trained on, steps.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Delays and noise of training (evaluation runs with the delays and without noise).</summary>
    public SensoryOptions Sensing { get; init; } = new();

    /// <summary>The training task.</summary>
    public ReachingTask Task { get; init; } = new();
}

/// <summary>
/// A trained controller as an ONNX step model: <c>Sequential(Gru(H, returnSequences), Dense(muscles, sigmoid))</c>
/// with the GRU state as explicit input/output (<c>h_in_0</c> → <c>h_out_0</c>, [batch, H]); <c>input</c> is
/// [batch, steps, observation], <c>output</c> [batch, steps, muscles]. Metadata: task <see cref="TaskName"/> and the
/// <see cref="MotorModelConfig"/> as <c>rnnonnx.config</c>.
/// </summary>
public sealed class MotorModel
{
    /// <summary>The <c>rnnonnx.task</c> value of motor controllers.</summary>
    public const string TaskName = "motor"; // ModelTask.Motor's metadata name

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private MotorModel(byte[] onnx, MotorModelConfig config, GruPolicy policy, Effector effector)
    {
        Onnx = onnx;
        Config = config;
        Policy = policy;
        Effector = effector;
    }

    /// <summary>The ONNX bytes.</summary>
    public byte[] Onnx { get; }

    /// <summary>The environment description.</summary>
    public MotorModelConfig Config { get; }

    /// <summary>The controller's weights (imported back from the ONNX initialisers), for analyses.</summary>
    public GruPolicy Policy { get; }

    /// <summary>The effector the controller drives.</summary>
    public Effector Effector { get; }

    /// <summary>The environment description of a trainer's controller.</summary>
    public static MotorModelConfig Describe(MotorTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var e = trainer.Effector;
        return new MotorModelConfig
        {
            Effector = e.Name,
            Observation = ObservationNames(e),
            Excitations = [.. e.MuscleNames],
            Hidden = trainer.Policy.Hidden,
            Steps = trainer.Task.Steps,
            Sensing = trainer.Sensing,
            Task = trainer.Task,
        };
    }

    /// <summary>Observation column names of an effector's controller.</summary>
    public static IReadOnlyList<string> ObservationNames(Effector effector)
    {
        ArgumentNullException.ThrowIfNull(effector);
        return ["goal_x", "goal_y", "tip_x", "tip_y", .. effector.MuscleNames.Select(n => "length_" + n), .. effector.MuscleNames.Select(n => "velocity_" + n)];
    }

    /// <summary>The trainer's controller as ONNX step-model bytes (deterministic: the same weights give the same bytes).</summary>
    public static byte[] Export(MotorTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var p = trainer.Policy;
        var gru = new Gru(p.Hidden, returnSequences: true);
        var dense = new Dense(p.Outputs, Activation.Sigmoid);
        var model = new Sequential(gru, dense);
        model.Build(new LayerShape(true, p.Inputs), seed: 0);
        p.CopyTo(gru, dense);
        return OnnxExporter.Export(model, new OnnxExportOptions
        {
            Kind = OnnxGraphKind.Step,
            Task = ModelTask.Motor,
            Config = JsonSerializer.Serialize(Describe(trainer), Json),
        });
    }

    /// <summary>Writes <see cref="Export(MotorTrainer)"/> atomically.</summary>
    public static void Export(MotorTrainer trainer, string path) => Serialization.AtomicFile.WriteAllBytes(path, Export(trainer));

    /// <summary>Reads a controller file written by <see cref="Export(MotorTrainer, string)"/>.</summary>
    /// <exception cref="ModelFileException">The file is missing, not ONNX, or not a motor controller.</exception>
    public static MotorModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try { bytes = Serialization.InputFile.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"Motor model '{path}' cannot be read: {e.Message}", e);
        }
        return Load(bytes, $"'{path}'");
    }

    /// <summary>Reads controller bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="ModelFileException">Not ONNX or not a motor controller.</exception>
    public static MotorModel Load(byte[] bytes, string source = "Motor model")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var info = OnnxModelInfo.Read(bytes, source);
        if (!info.Metadata.TryGetValue("rnnonnx.task", out string? task) || !ModelTasks.TryParse(task, out var kind) || kind != ModelTask.Motor)
            throw new ModelFileException($"{source} is not a motor controller (rnnonnx.task is '{task ?? "missing"}', expected '{TaskName}').");
        MotorModelConfig config;
        try
        {
            config = JsonSerializer.Deserialize<MotorModelConfig>(info.Metadata.GetValueOrDefault("rnnonnx.config", "{}"), Json)
                ?? throw new ModelFileException($"{source} has an empty motor configuration.");
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"{source} has an unreadable motor configuration: {e.Message}", e);
        }
        Effector effector;
        try { effector = Motor.Effector.Create(config.Effector); }
        catch (ModelConfigurationException e) { throw new ModelFileException($"{source}: {e.Message}", e); }
        var model = OnnxImporter.Import(bytes);
        if (model.Layers.Count != 2 || model.Layers[0] is not Gru gru || model.Layers[1] is not Dense dense)
            throw new ModelFileException($"{source} is not a Gru → Dense(sigmoid) controller.");
        GruPolicy policy;
        try { policy = GruPolicy.FromLayers(gru, dense); }
        catch (ModelConfigurationException e) { throw new ModelFileException($"{source}: {e.Message}", e); }
        if (policy.Inputs != 4 + 2 * effector.MuscleCount || policy.Outputs != effector.MuscleCount)
            throw new ModelFileException($"{source}: the controller has {policy.Inputs} inputs and {policy.Outputs} outputs; '{effector.Name}' needs {4 + 2 * effector.MuscleCount} and {effector.MuscleCount}.");
        return new MotorModel(bytes, config, policy, effector);
    }

    /// <summary>The ONNX controller on ONNX Runtime (CPU).</summary>
    public OnnxMotorController CreateOnnxController() => new(Onnx, Policy.Inputs, Policy.Hidden, Policy.Outputs);

    /// <summary>Sensing for evaluation: the training delays, no noise.</summary>
    public SensoryOptions EvaluationSensing => new() { VisionDelay = Config.Sensing.VisionDelay, ProprioceptionDelay = Config.Sensing.ProprioceptionDelay };
}

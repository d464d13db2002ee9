using RnnOnnx.Captioning;
using RnnOnnx.Forecasting;
using RnnOnnx.Text;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime;

namespace RnnOnnx.Server.Models;

/// <summary>Loads one model file for the task its metadata names; a failure becomes the model's not-ready reason.</summary>
internal static class ModelLoader
{
    public static ServedModel Load(string path, Action<string> warn)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        byte[] bytes;
        OnnxModelInfo info;
        try
        {
            bytes = File.ReadAllBytes(path);
            info = OnnxModelInfo.Read(bytes, $"Model file '{path}'");
        }
        catch (Exception e) when (e is RnnOnnxException or IOException or UnauthorizedAccessException)
        {
            return new ServedModel { Name = name, File = path, TaskName = "", NotReadyReason = e.Message };
        }
        string task = info.StepGraph.TaskName;
        try
        {
            return info.StepGraph.Task switch
            {
                ModelTask.Forecast => new ServedModel { Name = name, File = path, TaskName = task, Onnx = bytes, Info = info, Forecaster = RnnForecastModel.FromBytes(bytes, $"Model file '{path}'", warn: warn) },
                ModelTask.Generate => new ServedModel { Name = name, File = path, TaskName = task, Onnx = bytes, Info = info, Generator = TextGenerator.Load(bytes, $"Model file '{path}'", ExecutionProvider.Cpu, intraOpThreads: 1, warn) },
                // A captioner is two files; the decoder (the step graph) serves /caption, the encoder only /run.
                ModelTask.Caption when info.StepGraph.Kind == OnnxGraphKind.Encoder => new ServedModel
                {
                    Name = name, File = path, TaskName = task, Onnx = bytes, Info = info,
                    NotReadyReason = $"this file is the encoder half of a captioner; caption with the model of its decoder file (named in its rnnonnx.config)",
                },
                ModelTask.Caption => new ServedModel { Name = name, File = path, TaskName = task, Onnx = bytes, Info = info, Captioner = new ImageCaptioner(path, warn: warn) },
                _ => new ServedModel { Name = name, File = path, TaskName = task, Onnx = bytes, Info = info },
            };
        }
        catch (Exception e) when (e is RnnOnnxException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return new ServedModel { Name = name, File = path, TaskName = task, Onnx = bytes, Info = info, NotReadyReason = e.Message };
        }
    }
}

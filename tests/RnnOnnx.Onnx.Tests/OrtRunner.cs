using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RnnOnnx.Onnx.Tests;

/// <summary>Runs ONNX bytes in ONNX Runtime with named float/int tensors.</summary>
internal static class OrtRunner
{
    public static Dictionary<string, Tensor> Run(byte[] model, Dictionary<string, object> inputs)
    {
        using var session = new InferenceSession(model);
        var values = inputs.Select(kv => kv.Value switch
        {
            Tensor t => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<float>(t.Data, t.Shape.ToArray())),
            (long[] data, int[] shape) => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<long>(data, shape)),
            int[] lengths => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<int>(lengths, [lengths.Length])),
            _ => throw new ArgumentException(kv.Key),
        }).ToList();
        using var results = session.Run(values);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return new Tensor(t.ToArray(), t.Dimensions.ToArray());
        });
    }

    public static (long[] Data, int[] Shape) Ids(Tensor ids) => (ids.Data.Select(v => (long)v).ToArray(), ids.Shape.ToArray());

    public static float MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.Shape.ToArray(), b.Shape.ToArray());
        float worst = 0;
        for (int i = 0; i < a.Data.Length; i++) worst = Math.Max(worst, Math.Abs(a.Data[i] - b.Data[i]));
        return worst;
    }
}

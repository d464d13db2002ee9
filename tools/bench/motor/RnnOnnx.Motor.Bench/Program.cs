// Milliseconds per training batch of RnnOnnx.Motor: arm26, random-target reach, batch 32 × 100 steps,
// BPTT through the body, Adam + clipping — the same work as MotorNet's tutorial loop (motornet_bench.py).
// usage: RnnOnnx.Motor.Bench [hidden ...] [--batches N] [--warmup N]
using System.Diagnostics;
using System.Globalization;
using RnnOnnx.Motor;

int batches = 20, warmup = 10;
var hiddens = new List<int>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--batches") batches = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--warmup") warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else hiddens.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
}
if (hiddens.Count == 0) hiddens.AddRange([32, 128]);

foreach (int hidden in hiddens)
{
    var trainer = new MotorTrainer(Effector.Create("arm26"), ReachingTask.RandomTargetReach(100), null,
        new TrainingOptions { Hidden = hidden, BatchSize = 32, Seed = 1 });
    trainer.Train(warmup);
    var times = new double[batches];
    double loss = 0;
    for (int b = 0; b < batches; b++)
    {
        long t0 = Stopwatch.GetTimestamp();
        loss = trainer.TrainBatch().Loss;
        times[b] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
    Array.Sort(times);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rnnonnx arm26 GRU({hidden}) batch 32x100: median {times[batches / 2]:F2} ms/batch (min {times[0]:F2}, {batches} batches, last loss {loss:F4})"));
}

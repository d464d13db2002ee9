using RnnOnnx.Randomness;
using System.Numerics.Tensors;
using RnnOnnx;

namespace RnnOnnx.Motor;

public sealed partial class MotorTrainer
{
    /// <summary>
    /// One batch of closed-loop episodes: the task draw, the forward record (body states in float64, policy
    /// activations in float32) and the reverse sweep. Per step t (EQUATIONS.md §7–8):
    /// <code>
    /// o_t = [goal_t, tip(s_max(t−dv+1,0)), len, vel(s_max(t−dp+1,0))] + noise
    /// h_{t+1} = GRU(o_t, h_t)      u_t = σ(h_{t+1}·Wd + bd)      s_{t+1} = step(s_t, u_t + noise, k_t)
    /// </code>
    /// Loss over states 0..T: fingertip L1 to goal_t, plus optional activation / hidden penalties.
    /// <para>
    /// Body states live in structure-of-arrays blocks, one per step (component c of row b at c·P + b, P the batch
    /// padded to whole SIMD vectors), so the effector's batch methods run four rows per instruction. Padding rows
    /// rest at the default posture with zero excitation and take no part in the loss or the policy.
    /// </para>
    /// </summary>
    private sealed class Episode
    {
        private readonly MotorTrainer _o;
        private readonly Effector _e;
        private readonly GruPolicy _p;
        private readonly int _b, _t, _s, _m, _i, _h, _pad;
        // Task draw.
        private readonly double[] _start, _goal, _curl, _visNoise, _propNoise, _obsNoise, _actNoise;
        // Forward record.
        private readonly double[] _states;
        private readonly float[] _obs, _hs, _gates, _hrn, _u, _gx;
        // Per-step batch scratch in block layout: fingertip [2·P], lengths/velocities and excitations [M·P].
        private readonly double[] _tip, _len, _vel, _ub, _gu;
        // Backward.
        private readonly double[] _gStates;
        private readonly float[] _gGx, _gGh, _gY, _gh, _ghPrev, _gObs;
        // Transposed weights for the backward products (one transpose per batch beats strided dot products).
        private readonly float[] _wt, _rt, _wdt;

        public Episode(MotorTrainer owner, int batch)
        {
            _o = owner;
            _e = owner.Effector;
            _p = owner.Policy;
            _b = batch;
            _t = owner.Task.Steps;
            _s = _e.StateSize;
            _m = _e.MuscleCount;
            _i = _p.Inputs;
            _h = _p.Hidden;
            _pad = Effector.PaddedRows(_b);
            int bt = _b * _t, g3 = 3 * _h;
            _start = new double[_b * 2];
            _goal = new double[(_t + 1) * _b * 2];
            _curl = new double[_t * _pad];
            _visNoise = new double[(_t + 1) * _b * 2];
            _propNoise = new double[(_t + 1) * _b * 2 * _m];
            _obsNoise = new double[bt * (_i - 2)];
            _actNoise = new double[bt * _m];
            _states = new double[(_t + 1) * _pad * _s];
            _obs = new float[bt * _i];
            _hs = new float[(_t + 1) * _b * _h];
            _gates = new float[bt * g3];
            _hrn = new float[bt * _h];
            _u = new float[bt * _m];
            _gx = new float[_b * g3];
            _gStates = new double[(_t + 1) * _pad * _s];
            _tip = new double[2 * _pad];
            _len = new double[_m * _pad];
            _vel = new double[_m * _pad];
            _ub = new double[_m * _pad];
            _gu = new double[_m * _pad];
            _gGx = new float[bt * g3];
            _gGh = new float[bt * g3];
            _gY = new float[bt * _m];
            _gh = new float[_b * _h];
            _ghPrev = new float[_b * _h];
            _gObs = new float[_b * _i];
            _wt = new float[_p.W.Length];
            _rt = new float[_p.R.Length];
            _wdt = new float[_p.Wd.Length];
        }

        /// <summary>Draws starts, goals, go cues, catch trials and every noise value, in a fixed order.</summary>
        public void Sample(Rng rng)
        {
            var task = _o.Task;
            Span<double> q = stackalloc double[2];
            Span<double> tip = stackalloc double[2];
            Span<double> tgt = stackalloc double[2];
            for (int b = 0; b < _b; b++)
            {
                int go;
                if (task.Kind == ReachKind.RandomTarget)
                {
                    _e.RandomPosture(rng, q);
                    q.CopyTo(_start.AsSpan(b * 2, 2));
                    _e.RandomPosture(rng, tgt);
                    _e.Fingertip(tgt, tgt);
                }
                else
                {
                    task.Start(_e).CopyTo(_start.AsSpan(b * 2, 2));
                    _e.Fingertip(_start.AsSpan(b * 2, 2), tip);
                    (tgt[0], tgt[1]) = task.Target(tip, rng.NextIntScaled(task.TargetCount));
                }
                go = task.GoCueMinStep + rng.NextIntScaled(task.GoCueMaxStep - task.GoCueMinStep + 1);
                if (task.CatchProbability > 0 && rng.NextDouble() < task.CatchProbability) go = int.MaxValue;
                _e.Fingertip(_start.AsSpan(b * 2, 2), tip);
                for (int t = 0; t <= _t; t++)
                {
                    var g = _goal.AsSpan((t * _b + b) * 2, 2);
                    if (t >= go) tgt.CopyTo(g); else tip.CopyTo(g);
                    if (t < _t) _curl[t * _pad + b] = t >= go ? task.CurlGain : 0;
                }
            }
            Fill(rng, _visNoise, _o.Sensing.VisionNoise);
            Fill(rng, _propNoise, _o.Sensing.ProprioceptionNoise);
            Fill(rng, _obsNoise, _o.Sensing.ObservationNoise);
            Fill(rng, _actNoise, _o.Sensing.ActionNoise);
        }

        private static void Fill(Rng rng, double[] a, double std)
        {
            if (std == 0) { Array.Clear(a); return; }
            for (int i = 0; i < a.Length; i++) a[i] = std * rng.NextNormal();
        }

        /// <summary>The state block of step t (all rows) in <paramref name="a"/>.</summary>
        private Span<double> Block(double[] a, int t) => a.AsSpan(t * _s * _pad, _s * _pad);

        /// <summary>Excitations of step t (policy output + action noise) into the block <see cref="_ub"/>; padding rows stay 0.</summary>
        private void Excitations(int t)
        {
            int B = _b, M = _m, P = _pad;
            var ut = _u.AsSpan(t * B * M, B * M);
            for (int b = 0; b < B; b++)
                for (int i = 0; i < M; i++) _ub[i * P + b] = ut[b * M + i] + _actNoise[(t * B + b) * M + i];
        }

        /// <summary>Closed-loop rollout; returns (weighted loss, unweighted fingertip L1).</summary>
        public (double Loss, double Position) Forward()
        {
            int B = _b, T = _t, S = _s, M = _m, I = _i, H = _h, G3 = 3 * H, P = _pad;
            Span<double> row = stackalloc double[S];
            var rest = _e.DefaultStartPosition.ToArray();
            for (int b = 0; b < P; b++)
            {
                _e.Reset(b < B ? _start.AsSpan(b * 2, 2) : rest, row);
                Effector.Scatter(row, Block(_states, 0), P, b);
            }
            Array.Clear(_hs, 0, B * H);
            Array.Clear(_ub);
            for (int t = 0; t < T; t++)
            {
                int tv = Math.Max(t - _o._dv + 1, 0), tp = Math.Max(t - _o._dp + 1, 0);
                // Observation.
                _e.FingertipBatch(Block(_states, tv), _tip, P);
                _e.SenseMusclesBatch(Block(_states, tp), _len, _vel, P);
                for (int b = 0; b < B; b++)
                {
                    var o = _obs.AsSpan((t * B + b) * I, I);
                    var goal = _goal.AsSpan((t * B + b) * 2, 2);
                    var vn = _visNoise.AsSpan((tv * B + b) * 2, 2);
                    var pn = _propNoise.AsSpan((tp * B + b) * 2 * M, 2 * M);
                    var on = _obsNoise.AsSpan((t * B + b) * (I - 2), I - 2);
                    o[0] = (float)goal[0];
                    o[1] = (float)goal[1];
                    o[2] = (float)(_tip[b] + vn[0] + on[0]);
                    o[3] = (float)(_tip[P + b] + vn[1] + on[1]);
                    for (int i = 0; i < M; i++)
                    {
                        o[4 + i] = (float)(_len[i * P + b] + pn[i] + on[2 + i]);
                        o[4 + M + i] = (float)(_vel[i * P + b] + pn[M + i] + on[2 + M + i]);
                    }
                }
                var hPrev = _hs.AsSpan(t * B * H, B * H);
                var hNext = _hs.AsSpan((t + 1) * B * H, B * H);
                var ut = _u.AsSpan(t * B * M, B * M);
                _p.StepForward(_obs.AsSpan(t * B * I, B * I), hPrev, hNext, _gates.AsSpan(t * B * G3, B * G3), _hrn.AsSpan(t * B * H, B * H), _gx, ut, B);
                // Body.
                Excitations(t);
                var next = Block(_states, t + 1);
                _e.StepBatch(Block(_states, t), _ub, _curl.AsSpan(t * P, P), next, P);
                _e.CheckFiniteBatch(next, t, B, P);
            }
            return Loss(accumulateGradients: false);
        }

        /// <summary>Mean distance (m) from the last fingertip position to the last goal, after <see cref="Forward"/>.</summary>
        public double EndpointError()
        {
            _e.FingertipBatch(Block(_states, _t), _tip, _pad);
            double sum = 0;
            for (int b = 0; b < _b; b++)
            {
                var goal = _goal.AsSpan((_t * _b + b) * 2, 2);
                double dx = _tip[b] - goal[0], dy = _tip[_pad + b] - goal[1];
                sum += Math.Sqrt(dx * dx + dy * dy);
            }
            return sum / _b;
        }

        /// <summary>The loss and, when asked, its direct gradients w.r.t. the body states (into _gStates).</summary>
        private (double Loss, double Position) Loss(bool accumulateGradients)
        {
            int B = _b, T = _t, M = _m, H = _h, P = _pad;
            var opt = _o.Options;
            double pos = 0, act = 0, dact = 0, hid = 0, dhid = 0;
            double cPos = 1.0 / (B * (T + 1)), cAct = 1.0 / (B * T * M), cHid = 1.0 / (B * T * H);
            Span<double> g = stackalloc double[2 * P];
            for (int t = 0; t <= T; t++)
            {
                var s = Block(_states, t);
                var gs = Block(_gStates, t);
                _e.FingertipBatch(s, _tip, P);
                for (int b = 0; b < B; b++)
                {
                    var goal = _goal.AsSpan((t * B + b) * 2, 2);
                    for (int d = 0; d < 2; d++)
                    {
                        double diff = _tip[d * P + b] - goal[d];
                        pos += Math.Abs(diff);
                        g[d * P + b] = opt.PositionWeight * cPos * Math.Sign(diff);
                    }
                }
                if (accumulateGradients && opt.PositionWeight != 0) _e.FingertipBackwardBatch(s, g, gs, P);
                if (t == 0) continue;
                var sp = Block(_states, t - 1);
                var gsp = Block(_gStates, t - 1);
                for (int b = 0; b < B; b++)
                    for (int i = 0; i < M; i++)
                    {
                        int k = (Effector.ActivationOffset + i) * P + b;
                        double a = s[k], da = a - sp[k];
                        act += a * a;
                        dact += da * da;
                        if (!accumulateGradients) continue;
                        gs[k] += 2 * cAct * (opt.ActivationWeight * a + opt.ActivationDerivativeWeight * da);
                        gsp[k] -= 2 * cAct * opt.ActivationDerivativeWeight * da;
                    }
            }
            // The hidden-activity terms only change the reported loss when weighted (GRU states are bounded, so an
            // unweighted term is 0), and their gradients come from the reverse sweep: skip the pass over T·B·H otherwise.
            bool hiddenTerms = !accumulateGradients && (opt.HiddenWeight != 0 || opt.HiddenDerivativeWeight != 0);
            for (int t = 1; hiddenTerms && t <= T; t++)
            {
                var h = _hs.AsSpan(t * B * H, B * H);
                var hp = _hs.AsSpan((t - 1) * B * H, B * H);
                for (int k = 0; k < h.Length; k++)
                {
                    hid += (double)h[k] * h[k];
                    double d = h[k] - hp[k];
                    dhid += d * d;
                }
            }
            pos *= cPos;
            double loss = opt.PositionWeight * pos + cAct * (opt.ActivationWeight * act + opt.ActivationDerivativeWeight * dact)
                + cHid * (opt.HiddenWeight * hid + opt.HiddenDerivativeWeight * dhid);
            return (loss, pos);
        }

        /// <summary>Reverse sweep through body, observation, output layer and GRU; weight gradients into grads (W, R, b, rb, Wd, bd).</summary>
        public void Backward(float[][] grads)
        {
            int B = _b, T = _t, M = _m, I = _i, H = _h, G3 = 3 * H, P = _pad;
            var opt = _o.Options;
            Array.Clear(_gStates);
            Loss(accumulateGradients: true);
            float cHid = (float)(2.0 / (B * T * H));
            float wH = (float)opt.HiddenWeight * cHid, wDH = (float)opt.HiddenDerivativeWeight * cHid;
            Array.Clear(_gh);
            Kernels.Transpose(_p.W, _wt, I, G3);
            Kernels.Transpose(_p.R, _rt, H, G3);
            Kernels.Transpose(_p.Wd, _wdt, H, M);
            // Observation gradients in block layout (padding rows stay 0).
            var gTip = new double[2 * P];
            var gLen = new double[M * P];
            var gVel = new double[M * P];
            for (int t = T - 1; t >= 0; t--)
            {
                // Body step t: s_t, u_t → s_{t+1}.
                var ut = _u.AsSpan(t * B * M, B * M);
                var gy = _gY.AsSpan(t * B * M, B * M);
                Excitations(t);
                _e.StepBackwardBatch(Block(_states, t), _ub, _curl.AsSpan(t * P, P), Block(_gStates, t + 1), Block(_gStates, t), _gu, P);
                for (int b = 0; b < B; b++)
                    for (int i = 0; i < M; i++)
                    {
                        float y = ut[b * M + i];
                        gy[b * M + i] = (float)_gu[i * P + b] * y * (1 - y);
                    }
                // Output layer and direct hidden penalties on h_{t+1}.
                var hNext = _hs.AsSpan((t + 1) * B * H, B * H);
                var hPrev = _hs.AsSpan(t * B * H, B * H);
                Kernels.MatMul(gy, _wdt, default, _gh, B, M, H, accumulate: true);
                if (wH != 0 || wDH != 0)
                    for (int k = 0; k < B * H; k++)
                    {
                        float d = wH * hNext[k] + wDH * (hNext[k] - hPrev[k]);
                        if (t + 2 <= T) d -= wDH * (_hs[(t + 2) * B * H + k] - hNext[k]);
                        _gh[k] += d;
                    }
                // GRU step t backward.
                var gates = _gates.AsSpan(t * B * G3, B * G3);
                var gGx = _gGx.AsSpan(t * B * G3, B * G3);
                var gGh = _gGh.AsSpan(t * B * G3, B * G3);
                for (int b = 0; b < B; b++)
                {
                    var gr = gates.Slice(b * G3, G3);
                    var hrn = _hrn.AsSpan((t * B + b) * H, H);
                    var dx = gGx.Slice(b * G3, G3);
                    var dh = gGh.Slice(b * G3, G3);
                    var ghb = _gh.AsSpan(b * H, H);
                    var hp = hPrev.Slice(b * H, H);
                    var ghp = _ghPrev.AsSpan(b * H, H);
                    for (int j = 0; j < H; j++)
                    {
                        float z = gr[j], r = gr[H + j], n = gr[2 * H + j], g = ghb[j];
                        float dn = g * (1 - z) * (1 - n * n);
                        float dz = g * (hp[j] - n) * z * (1 - z);
                        float dr = dn * hrn[j] * r * (1 - r);
                        dx[j] = dz; dh[j] = dz;
                        dx[H + j] = dr; dh[H + j] = dr;
                        dx[2 * H + j] = dn; dh[2 * H + j] = dn * r;
                        ghp[j] = g * z;
                    }
                }
                Kernels.MatMul(gGh, _rt, default, _ghPrev, B, G3, H, accumulate: true);
                Kernels.MatMul(gGx, _wt, default, _gObs, B, G3, I);
                _ghPrev.CopyTo(_gh, 0);
                // Observation → body states (goal inputs carry no gradient).
                int tv = Math.Max(t - _o._dv + 1, 0), tp = Math.Max(t - _o._dp + 1, 0);
                for (int b = 0; b < B; b++)
                {
                    var go = _gObs.AsSpan(b * I, I);
                    gTip[b] = go[2]; gTip[P + b] = go[3];
                    for (int i = 0; i < M; i++) { gLen[i * P + b] = go[4 + i]; gVel[i * P + b] = go[4 + M + i]; }
                }
                _e.FingertipBackwardBatch(Block(_states, tv), gTip, Block(_gStates, tv), P);
                _e.SenseMusclesBackwardBatch(Block(_states, tp), gLen, gVel, Block(_gStates, tp), P);
            }
            // Weight gradients: one pass over all steps each.
            int rows = T * B;
            Kernels.AccumulateTransA(_obs, _gGx, grads[0], rows, I, G3);
            Kernels.AccumulateTransA(_hs.AsSpan(0, rows * H), _gGh, grads[1], rows, H, G3);
            Kernels.SumRows(_gGx, grads[2], rows, G3);
            Kernels.SumRows(_gGh, grads[3], rows, G3);
            Kernels.AccumulateTransA(_hs.AsSpan(B * H, rows * H), _gY, grads[4], rows, H, M);
            Kernels.SumRows(_gY, grads[5], rows, M);
        }
    }
}

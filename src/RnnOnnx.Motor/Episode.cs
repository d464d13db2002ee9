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
    /// </summary>
    private sealed class Episode
    {
        private readonly MotorTrainer _o;
        private readonly Effector _e;
        private readonly GruPolicy _p;
        private readonly int _b, _t, _s, _m, _i, _h;
        // Task draw.
        private readonly double[] _start, _goal, _curl, _visNoise, _propNoise, _obsNoise, _actNoise;
        // Forward record.
        private readonly double[] _states;
        private readonly float[] _obs, _hs, _gates, _hrn, _u, _gx;
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
            int bt = _b * _t, g3 = 3 * _h;
            _start = new double[_b * 2];
            _goal = new double[(_t + 1) * _b * 2];
            _curl = new double[bt];
            _visNoise = new double[(_t + 1) * _b * 2];
            _propNoise = new double[(_t + 1) * _b * 2 * _m];
            _obsNoise = new double[bt * (_i - 2)];
            _actNoise = new double[bt * _m];
            _states = new double[(_t + 1) * _b * _s];
            _obs = new float[bt * _i];
            _hs = new float[(_t + 1) * _b * _h];
            _gates = new float[bt * g3];
            _hrn = new float[bt * _h];
            _u = new float[bt * _m];
            _gx = new float[_b * g3];
            _gStates = new double[(_t + 1) * _b * _s];
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
                    if (t < _t) _curl[t * _b + b] = t >= go ? task.CurlGain : 0;
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

        /// <summary>Closed-loop rollout; returns (weighted loss, unweighted fingertip L1).</summary>
        public (double Loss, double Position) Forward()
        {
            int B = _b, T = _t, S = _s, M = _m, I = _i, H = _h, G3 = 3 * H;
            for (int b = 0; b < B; b++) _e.Reset(_start.AsSpan(b * 2, 2), _states.AsSpan(b * S, S));
            Array.Clear(_hs, 0, B * H);
            Span<double> tip = stackalloc double[2];
            Span<double> lenN = stackalloc double[M];
            Span<double> velN = stackalloc double[M];
            Span<double> u = stackalloc double[M];
            Span<double> unused = stackalloc double[2];
            for (int t = 0; t < T; t++)
            {
                int tv = Math.Max(t - _o._dv + 1, 0), tp = Math.Max(t - _o._dp + 1, 0);
                // Observation.
                for (int b = 0; b < B; b++)
                {
                    var o = _obs.AsSpan((t * B + b) * I, I);
                    _e.Fingertip(_states.AsSpan((tv * B + b) * S, 2), tip);
                    _e.Sense(_states.AsSpan((tp * B + b) * S, S), unused, lenN, velN);
                    var goal = _goal.AsSpan((t * B + b) * 2, 2);
                    var vn = _visNoise.AsSpan((tv * B + b) * 2, 2);
                    var pn = _propNoise.AsSpan((tp * B + b) * 2 * M, 2 * M);
                    var on = _obsNoise.AsSpan((t * B + b) * (I - 2), I - 2);
                    o[0] = (float)goal[0];
                    o[1] = (float)goal[1];
                    o[2] = (float)(tip[0] + vn[0] + on[0]);
                    o[3] = (float)(tip[1] + vn[1] + on[1]);
                    for (int i = 0; i < M; i++)
                    {
                        o[4 + i] = (float)(lenN[i] + pn[i] + on[2 + i]);
                        o[4 + M + i] = (float)(velN[i] + pn[M + i] + on[2 + M + i]);
                    }
                }
                var hPrev = _hs.AsSpan(t * B * H, B * H);
                var hNext = _hs.AsSpan((t + 1) * B * H, B * H);
                var ut = _u.AsSpan(t * B * M, B * M);
                _p.StepForward(_obs.AsSpan(t * B * I, B * I), hPrev, hNext, _gates.AsSpan(t * B * G3, B * G3), _hrn.AsSpan(t * B * H, B * H), _gx, ut, B);
                // Body.
                for (int b = 0; b < B; b++)
                {
                    for (int i = 0; i < M; i++) u[i] = ut[b * M + i] + _actNoise[(t * B + b) * M + i];
                    var next = _states.AsSpan(((t + 1) * B + b) * S, S);
                    _e.Step(_states.AsSpan((t * B + b) * S, S), u, _curl[t * B + b], next);
                    _e.CheckFinite(next, t, b);
                }
            }
            return Loss(accumulateGradients: false);
        }

        /// <summary>Mean distance (m) from the last fingertip position to the last goal, after <see cref="Forward"/>.</summary>
        public double EndpointError()
        {
            Span<double> tip = stackalloc double[2];
            double sum = 0;
            for (int b = 0; b < _b; b++)
            {
                _e.Fingertip(_states.AsSpan((_t * _b + b) * _s, 2), tip);
                var goal = _goal.AsSpan((_t * _b + b) * 2, 2);
                sum += Math.Sqrt((tip[0] - goal[0]) * (tip[0] - goal[0]) + (tip[1] - goal[1]) * (tip[1] - goal[1]));
            }
            return sum / _b;
        }

        /// <summary>The loss and, when asked, its direct gradients w.r.t. the body states (into _gStates).</summary>
        private (double Loss, double Position) Loss(bool accumulateGradients)
        {
            int B = _b, T = _t, S = _s, M = _m, H = _h;
            var opt = _o.Options;
            double pos = 0, act = 0, dact = 0, hid = 0, dhid = 0;
            double cPos = 1.0 / (B * (T + 1)), cAct = 1.0 / (B * T * M), cHid = 1.0 / (B * T * H);
            Span<double> tip = stackalloc double[2];
            Span<double> g = stackalloc double[2];
            for (int t = 0; t <= T; t++)
                for (int b = 0; b < B; b++)
                {
                    int r = (t * B + b) * S;
                    var s = _states.AsSpan(r, S);
                    _e.Fingertip(s, tip);
                    var goal = _goal.AsSpan((t * B + b) * 2, 2);
                    for (int d = 0; d < 2; d++)
                    {
                        double diff = tip[d] - goal[d];
                        pos += Math.Abs(diff);
                        g[d] = opt.PositionWeight * cPos * Math.Sign(diff);
                    }
                    if (accumulateGradients && opt.PositionWeight != 0) _e.FingertipBackward(s, g, _gStates.AsSpan(r, S));
                    if (t == 0) continue;
                    int rp = ((t - 1) * B + b) * S;
                    for (int i = 0; i < M; i++)
                    {
                        double a = s[Effector.ActivationOffset + i], da = a - _states[rp + Effector.ActivationOffset + i];
                        act += a * a;
                        dact += da * da;
                        if (!accumulateGradients) continue;
                        _gStates[r + Effector.ActivationOffset + i] += 2 * cAct * (opt.ActivationWeight * a + opt.ActivationDerivativeWeight * da);
                        _gStates[rp + Effector.ActivationOffset + i] -= 2 * cAct * opt.ActivationDerivativeWeight * da;
                    }
                }
            for (int t = 1; t <= T; t++)
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
            int B = _b, T = _t, S = _s, M = _m, I = _i, H = _h, G3 = 3 * H;
            var opt = _o.Options;
            Array.Clear(_gStates);
            Loss(accumulateGradients: true);
            float cHid = (float)(2.0 / (B * T * H));
            float wH = (float)opt.HiddenWeight * cHid, wDH = (float)opt.HiddenDerivativeWeight * cHid;
            Array.Clear(_gh);
            Kernels.Transpose(_p.W, _wt, I, G3);
            Kernels.Transpose(_p.R, _rt, H, G3);
            Kernels.Transpose(_p.Wd, _wdt, H, M);
            Span<double> gu = stackalloc double[M];
            Span<double> gTip = stackalloc double[2];
            Span<double> gLen = stackalloc double[M];
            Span<double> gVel = stackalloc double[M];
            Span<double> u = stackalloc double[M];
            for (int t = T - 1; t >= 0; t--)
            {
                // Body step t: s_t, u_t → s_{t+1}.
                var ut = _u.AsSpan(t * B * M, B * M);
                var gy = _gY.AsSpan(t * B * M, B * M);
                for (int b = 0; b < B; b++)
                {
                    for (int i = 0; i < M; i++) u[i] = ut[b * M + i] + _actNoise[(t * B + b) * M + i];
                    _e.StepBackward(_states.AsSpan((t * B + b) * S, S), u, _curl[t * B + b],
                        _gStates.AsSpan(((t + 1) * B + b) * S, S), _gStates.AsSpan((t * B + b) * S, S), gu);
                    for (int i = 0; i < M; i++)
                    {
                        float y = ut[b * M + i];
                        gy[b * M + i] = (float)gu[i] * y * (1 - y);
                    }
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
                    gTip[0] = go[2]; gTip[1] = go[3];
                    for (int i = 0; i < M; i++) { gLen[i] = go[4 + i]; gVel[i] = go[4 + M + i]; }
                    var sv = _states.AsSpan((tv * B + b) * S, S);
                    _e.FingertipBackward(sv, gTip, _gStates.AsSpan((tv * B + b) * S, S));
                    var sp = _states.AsSpan((tp * B + b) * S, S);
                    _e.SenseMusclesBackward(sp, gLen, gVel, _gStates.AsSpan((tp * B + b) * S, S));
                }
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

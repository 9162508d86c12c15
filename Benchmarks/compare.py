#!/usr/bin/env python3
"""Runs every benchmark row in Glassbox and in NumPy, side by side in one run, and prints ratios.

    python3 Benchmarks/compare.py [--rounds N] [--rows ROW ...] [--markdown] [--json FILE]

Each round goes row by row: the Glassbox benchmark binary for that row (one process, one JSON
line), then the same work in NumPy (and PyTorch) with the same timing method (one warm-up call;
enough calls per sample for a sample to last 20 ms; 15 samples; median and minimum per call),
Glassbox first in even rounds and last in odd ones, so that all sides of a row see the same
machine load; before each side the script waits until the previous side's library threads have
stopped spinning (OpenBLAS's spin ~0.1 s after each call and would share a core with the
next). The reported time of a row is the median over rounds of the per-round medians. The ratio
is NumPy time / Glassbox time (> 1: Glassbox is faster).

When PyTorch can be imported, the same work runs in PyTorch too, in the same rounds (the
`PyTorch` column, and PyTorch ÷ Glassbox); otherwise that column holds the reference figures from
issue #6 (measured on the target machine, 2-core AMD EPYC, AVX2/FMA), marked as such. `--no-torch`
skips PyTorch even when it is installed. To install the CPU build beside the system NumPy:
`python3 -m venv --system-site-packages /tmp/tv && /tmp/tv/bin/pip install "torch==2.13.0+cpu"`,
then run this script with `/tmp/tv/bin/python`.

OpenBLAS picks its kernels by CPU. On an AVX-512 machine it uses AVX-512 kernels that the
target (AVX2 only) does not have; by default this script sets OPENBLAS_CORETYPE=Haswell before
importing NumPy, so that NumPy runs the kernels it runs on the target; likewise PyTorch is held to
AVX2 (`ATEN_CPU_CAPABILITY=avx2`, `ONEDNN_MAX_CPU_ISA=AVX2`, `MKL_ENABLE_INSTRUCTIONS=AVX2`).
`--native-blas` keeps both libraries' own choice.
"""
import argparse, json, os, statistics, subprocess, sys, time

# ---- arguments (before importing numpy: OpenBLAS reads its environment at load time) ----
parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--rows", nargs="*", default=None)
parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
parser.add_argument("--json", help="write all measurements to this file")
parser.add_argument("--native-blas", action="store_true", help="let OpenBLAS choose its kernels")
parser.add_argument("--bench", default=None, help="path of glassbox-bench (default: build it)")
parser.add_argument("--no-torch", action="store_true", help="do not measure PyTorch even if installed")
args = parser.parse_args()
if not args.native_blas:
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")
    os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
    os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX2")
    os.environ.setdefault("MKL_ENABLE_INSTRUCTIONS", "AVX2")

import numpy as np  # noqa: E402

torch = None
if not args.no_torch:
    try:
        import torch  # noqa: E402
    except ImportError:
        torch = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---- reference figures from issue #6 (target machine); None where the issue has none ----
PYTORCH_REFERENCE_S = {
    "matmul_1024_2threads": 2 * 1024**3 / 156e9,
    "matmul_1024_1thread": 2 * 1024**3 / 84e9,
    "matmul_64": 2 * 64**3 / 25e9,
    "exp_1e6": 0.72e-3,
    "tanh_1e6": 2.1e-3,
    "sigmoid_1e6": 0.57e-3,
    "sin_1e6": 0.97e-3,
    "cos_1e6": 0.97e-3,
    "erf_1e6": 0.97e-3,
    "softmax_512x512": 0.18e-3,
    "lstm_T64_fwd_bwd": 18e-3,
    "attention_fwd_bwd": 3.2e-3,
    "adam_1e6": None,
    "mlp_step": None,
}
TARGETS = {
    "matmul_1024_2threads": "≥ NumPy",
    "matmul_1024_1thread": "≥ 90% of NumPy",
    "matmul_64": "≥ 1.2× NumPy",
    "exp_1e6": "≤ PyTorch",
    "tanh_1e6": "≤ 0.5× PyTorch",
    "sigmoid_1e6": "≤ PyTorch",
    "sin_1e6": "≤ PyTorch",
    "cos_1e6": "≤ PyTorch",
    "erf_1e6": "≤ PyTorch",
    "softmax_512x512": "≤ PyTorch",
    "lstm_T64_fwd_bwd": "≤ PyTorch nn.LSTM",
    "attention_fwd_bwd": "≤ PyTorch",
    "adam_1e6": "≤ 0.8 ms",
    "mlp_step": "≤ 0.5 ms",
    "language_x_plus_1": "≤ 0.5 µs",
}


def measure(fn, samples=15, sample_seconds=0.02):
    """Same method as Benchmarks/Sources/GlassboxBench/Harness.swift."""
    fn()  # warm-up
    # Calibrate on warm calls for a quarter of a sample (timed from the warm-up call alone, a
    # row whose first call is slow got samples of one or two calls).
    # The median call, so that the warm-up's after-effects (a slow second call) do not count.
    start, call_times = time.perf_counter(), []
    while True:
        t = time.perf_counter()
        fn()
        call_times.append(time.perf_counter() - t)
        if time.perf_counter() - start >= sample_seconds / 4:
            break
    once = max(sorted(call_times)[len(call_times) // 2], 1e-9)
    iterations = max(1, int(sample_seconds / once))
    times, cpu = [], []
    for _ in range(samples):
        cpu_start = time.process_time()
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        times.append((time.perf_counter() - start) / iterations)
        cpu.append((time.process_time() - cpu_start) / iterations)
    times.sort()
    cpu.sort()
    return {"median_s": times[len(times) // 2], "min_s": times[0], "cpu_s": cpu[len(cpu) // 2]}


def rand(*shape, seed=0, lo=-1.0, hi=1.0):
    rng = np.random.default_rng(seed)
    return (lo + (hi - lo) * rng.random(shape)).astype(np.float32)


# ---- OpenBLAS thread control (NumPy's bundled scipy-openblas) ----
def openblas():
    import ctypes, glob
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "libscipy_openblas*.so"))
    if not libs:
        return None
    lib = ctypes.CDLL(libs[0])
    lib.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
    return lib


BLAS = openblas()


def blas_threads(n):
    if BLAS is not None:
        BLAS.scipy_openblas_set_num_threads64_(n)


def blas_corename():
    return BLAS.scipy_openblas_get_corename64_().decode() if BLAS is not None else "unknown"


# ---- the NumPy side of every row: a function that builds inputs and returns the timed call ----
def np_matmul(n, threads):
    a, b = rand(n, n, seed=1), rand(n, n, seed=2)
    c = np.empty((n, n), np.float32)

    def run():
        blas_threads(threads)
        return measure(lambda: np.matmul(a, b, out=c))
    return run


def np_unary(f):
    x = rand(10**6, seed=3, lo=-10, hi=10)
    y = np.empty_like(x)
    return lambda: measure(lambda: f(x, y))


def np_sigmoid(x, y):
    np.negative(x, out=y); np.exp(y, out=y); y += 1; np.reciprocal(y, out=y)


def np_gelu(x, y):
    # 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    t = x * x; t *= 0.044715 * x; t += x; t *= np.float32(0.7978845608); np.tanh(t, out=t)
    t += 1; t *= x; np.multiply(t, 0.5, out=y)


def np_erf(x, y):
    # NumPy has no erf; SciPy's ufunc when installed, else the vectorized math.erf (slow).
    if _scipy_erf is not None:
        _scipy_erf(x, out=y)
    else:
        y[:] = _math_erf(x)


try:
    from scipy.special import erf as _scipy_erf  # noqa: E402
except ImportError:
    _scipy_erf = None
import math  # noqa: E402
_math_erf = np.vectorize(math.erf, otypes=[np.float32])


def np_softmax():
    x = rand(512, 512, seed=4, lo=-5, hi=5)

    def f():
        e = np.exp(x - x.max(axis=1, keepdims=True))
        e /= e.sum(axis=1, keepdims=True)
        return e
    return lambda: measure(f)


def np_layernorm():
    rows, cols = 4096, 256
    x, g, b = rand(rows, cols, seed=5), rand(cols, seed=6), rand(cols, seed=7)

    def f():
        mu = x.mean(axis=1, keepdims=True)
        xc = x - mu
        rstd = 1 / np.sqrt((xc * xc).mean(axis=1, keepdims=True) + 1e-5)
        return xc * rstd * g + b
    return lambda: measure(f)


def np_adam():
    n = 10**6
    p, g = rand(n, seed=8), rand(n, seed=9)
    m, v = np.zeros(n, np.float32), np.zeros(n, np.float32)
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    state = {"t": 0}

    def step():
        state["t"] += 1
        t = state["t"]
        m[:] = b1 * m + (1 - b1) * g
        v[:] = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1**t)
        vhat = v / (1 - b2**t)
        p[:] -= lr * mhat / (np.sqrt(vhat) + eps)
    return lambda: measure(step)


def sig(x):
    return 1 / (1 + np.exp(-x))


def np_lstm(T=64, B=32, I=64, H=128):
    """Hand-written LSTM (PyTorch layout, gates i, f, g, o): forward over T steps with the input
    projection of all steps as one matmul, loss = Σ h_t (so dh_t = 1), then backward through
    time to dW_ih, dW_hh, db and dx."""
    x = rand(T, B, I, seed=10)
    W_ih, W_hh = rand(4 * H, I, seed=11) * 0.1, rand(4 * H, H, seed=12) * 0.1
    b = rand(4 * H, seed=13) * 0.1

    def f():
        xp = (x.reshape(T * B, I) @ W_ih.T + b).reshape(T, B, 4 * H)
        h = np.zeros((B, H), np.float32); c = np.zeros((B, H), np.float32)
        hs, cs, gs, tcs = [h], [c], [], []
        for t in range(T):
            pre = xp[t] + h @ W_hh.T
            i, fg, o = sig(pre[:, :H]), sig(pre[:, H:2*H]), sig(pre[:, 3*H:])
            g = np.tanh(pre[:, 2*H:3*H])
            c = fg * c + i * g
            tc = np.tanh(c)
            h = o * tc
            hs.append(h); cs.append(c); gs.append((i, fg, g, o)); tcs.append(tc)
        dW_hh = np.zeros_like(W_hh)
        dpre_all = np.empty((T, B, 4 * H), np.float32)
        dh_next = np.zeros((B, H), np.float32); dc_next = np.zeros((B, H), np.float32)
        for t in reversed(range(T)):
            i, fg, g, o = gs[t]
            dh = 1 + dh_next
            do = dh * tcs[t]
            dc = dc_next + dh * o * (1 - tcs[t] ** 2)
            di, df, dg = dc * g, dc * cs[t], dc * i
            dpre = dpre_all[t]
            dpre[:, :H] = di * i * (1 - i)
            dpre[:, H:2*H] = df * fg * (1 - fg)
            dpre[:, 2*H:3*H] = dg * (1 - g * g)
            dpre[:, 3*H:] = do * o * (1 - o)
            dc_next = dc * fg
            dW_hh += dpre.T @ hs[t]
            dh_next = dpre @ W_hh
        d2 = dpre_all.reshape(T * B, 4 * H)
        dW_ih = d2.T @ x.reshape(T * B, I)
        db = d2.sum(axis=0)
        dx = d2 @ W_ih
        return dW_ih, dW_hh, db, dx
    return lambda: measure(f, samples=7)


def np_attention(B=8, T=128, d=64):
    """Single-head self-attention with projections (Vaswani et al. 2017):
    Q = xW_q, K = xW_k, V = xW_v, P = softmax(QKᵀ/√d), Y = (PV)W_o; loss = ΣY; backward to
    dx, dW_q, dW_k, dW_v, dW_o."""
    x = rand(B, T, d, seed=20)
    Wq, Wk, Wv, Wo = (rand(d, d, seed=21 + s) * 0.1 for s in range(4))
    scale = 1 / np.sqrt(d)

    def f():
        q, k, v = x @ Wq, x @ Wk, x @ Wv
        s = (q @ k.transpose(0, 2, 1)) * scale
        s -= s.max(axis=-1, keepdims=True)
        p = np.exp(s); p /= p.sum(axis=-1, keepdims=True)
        o = p @ v
        y = o @ Wo
        dy = np.ones_like(y)
        dWo = o.reshape(-1, d).T @ dy.reshape(-1, d)
        do = dy @ Wo.T
        dv = p.transpose(0, 2, 1) @ do
        dp = do @ v.transpose(0, 2, 1)
        ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) * scale
        dq = ds @ k
        dk = ds.transpose(0, 2, 1) @ q
        x2 = x.reshape(-1, d)
        dWq, dWk, dWv = x2.T @ dq.reshape(-1, d), x2.T @ dk.reshape(-1, d), x2.T @ dv.reshape(-1, d)
        dx = dq @ Wq.T + dk @ Wk.T + dv @ Wv.T
        return y, dx, dWq, dWk, dWv, dWo
    return lambda: measure(f)


def np_mlp(B=64, D=784, Hd=128, C=10):
    """MLP 784-128-10 with ReLU and cross-entropy, forward + backward + Adam on W1, b1, W2, b2."""
    x = rand(B, D, seed=30)
    labels = np.random.default_rng(31).integers(0, C, B)
    params = [rand(D, Hd, seed=32) * 0.05, np.zeros(Hd, np.float32),
              rand(Hd, C, seed=33) * 0.05, np.zeros(C, np.float32)]
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    state = {"t": 0}

    def step():
        W1, c1, W2, c2 = params
        z = x @ W1 + c1
        h = np.maximum(z, 0)
        logits = h @ W2 + c2
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        probs = e / e.sum(axis=1, keepdims=True)
        dlogits = probs
        dlogits[np.arange(B), labels] -= 1
        dlogits /= B
        grads = [None] * 4
        grads[2] = h.T @ dlogits
        grads[3] = dlogits.sum(axis=0)
        dh = dlogits @ W2.T
        dz = dh * (z > 0)
        grads[0] = x.T @ dz
        grads[1] = dz.sum(axis=0)
        state["t"] += 1
        t = state["t"]
        for p, g, m, v in zip(params, grads, ms, vs):
            m *= b1; m += (1 - b1) * g
            v *= b2; v += (1 - b2) * g * g
            p -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return lambda: measure(step)


def np_x_plus_1(n=100_000):
    """The Python side of `language_x_plus_1`: a Python loop of `x = x + 1` on 4 floats, per iteration."""
    def loop():
        x = np.zeros(4, dtype=np.float32)
        for _ in range(n):
            x = x + 1
    return lambda: {k: v / n for k, v in measure(loop, samples=7, sample_seconds=0.05).items()}


# ---- the PyTorch side (when installed): the same work, same shapes and inputs ----
def tt(a, requires_grad=False):
    return torch.from_numpy(np.ascontiguousarray(a)).requires_grad_(requires_grad)


def th_matmul(n, threads):
    a, b = tt(rand(n, n, seed=1)), tt(rand(n, n, seed=2))
    c = torch.empty(n, n)

    def run():
        torch.set_num_threads(threads)
        with torch.no_grad():
            return measure(lambda: torch.mm(a, b, out=c))
    return run


def th_unary(f):
    x = tt(rand(10**6, seed=3, lo=-10, hi=10))
    y = torch.empty_like(x)

    def run():
        with torch.no_grad():
            return measure(lambda: f(x, y))
    return run


def th_softmax():
    x = tt(rand(512, 512, seed=4, lo=-5, hi=5))

    def run():
        with torch.no_grad():
            return measure(lambda: torch.softmax(x, dim=1))
    return run


def th_layernorm():
    x, g, b = tt(rand(4096, 256, seed=5)), tt(rand(256, seed=6)), tt(rand(256, seed=7))

    def run():
        with torch.no_grad():
            return measure(lambda: torch.nn.functional.layer_norm(x, (256,), g, b, 1e-5))
    return run


def th_adam():
    n = 10**6
    p = torch.nn.Parameter(tt(rand(n, seed=8)))
    p.grad = tt(rand(n, seed=9))
    opt = torch.optim.Adam([p], lr=1e-3)
    return lambda: measure(opt.step)


def th_lstm(T=64, B=32, I=64, H=128):
    """nn.LSTM (the issue's PyTorch row): forward over T steps, loss = Σ h_t, backward to the
    weights, biases and x."""
    lstm = torch.nn.LSTM(I, H)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(tt(rand(4 * H, I, seed=11) * 0.1))
        lstm.weight_hh_l0.copy_(tt(rand(4 * H, H, seed=12) * 0.1))
        lstm.bias_ih_l0.copy_(tt(rand(4 * H, seed=13) * 0.1))
        lstm.bias_hh_l0.zero_()
    x = tt(rand(T, B, I, seed=10), requires_grad=True)

    def f():
        for q in list(lstm.parameters()) + [x]:
            q.grad = None
        out, _ = lstm(x)
        out.sum().backward()
    return lambda: measure(f, samples=7)


def th_attention(B=8, T=128, d=64):
    x = tt(rand(B, T, d, seed=20), requires_grad=True)
    Wq, Wk, Wv, Wo = (tt(rand(d, d, seed=21 + s) * 0.1, requires_grad=True) for s in range(4))
    scale = 1 / d ** 0.5

    def f():
        for q in (x, Wq, Wk, Wv, Wo):
            q.grad = None
        q, k, v = x @ Wq, x @ Wk, x @ Wv
        p = torch.softmax((q @ k.transpose(1, 2)) * scale, dim=-1)
        y = (p @ v) @ Wo
        y.sum().backward()
    return lambda: measure(f)


def th_mlp(B=64, D=784, Hd=128, C=10):
    x = tt(rand(B, D, seed=30))
    labels = torch.from_numpy(np.random.default_rng(31).integers(0, C, B))
    model = torch.nn.Sequential(torch.nn.Linear(D, Hd), torch.nn.ReLU(), torch.nn.Linear(Hd, C))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        opt.step()
    return lambda: measure(step)


def th_x_plus_1(n=100_000):
    def loop():
        x = torch.zeros(4)
        for _ in range(n):
            x = x + 1
    return lambda: {k: v / n for k, v in measure(loop, samples=7, sample_seconds=0.05).items()}


TORCH_ROWS = {
    "matmul_1024_2threads": lambda: th_matmul(1024, 2),
    "matmul_1024_1thread": lambda: th_matmul(1024, 1),
    "matmul_64": lambda: th_matmul(64, 2),
    "exp_1e6": lambda: th_unary(lambda x, y: torch.exp(x, out=y)),
    "log_1e6": lambda: th_unary(lambda x, y: torch.log(torch.abs(x), out=y)),
    "tanh_1e6": lambda: th_unary(lambda x, y: torch.tanh(x, out=y)),
    "sigmoid_1e6": lambda: th_unary(lambda x, y: torch.sigmoid(x, out=y)),
    "gelu_1e6": lambda: th_unary(lambda x, y: y.copy_(torch.nn.functional.gelu(x, approximate="tanh"))),
    "sin_1e6": lambda: th_unary(lambda x, y: torch.sin(x, out=y)),
    "cos_1e6": lambda: th_unary(lambda x, y: torch.cos(x, out=y)),
    "erf_1e6": lambda: th_unary(lambda x, y: torch.erf(x, out=y)),
    "softmax_512x512": th_softmax,
    "layernorm_4096x256": th_layernorm,
    "lstm_T64_fwd_bwd": th_lstm,
    "attention_fwd_bwd": th_attention,
    "adam_1e6": th_adam,
    "mlp_step": th_mlp,
    "language_x_plus_1": th_x_plus_1,
}


# ---- the table: row name → (work, NumPy side) ----
ROWS = {
    "matmul_1024_2threads": ("matmul 1024×1024, 2 threads", lambda: np_matmul(1024, 2)),
    "matmul_1024_1thread": ("matmul 1024×1024, 1 thread", lambda: np_matmul(1024, 1)),
    "matmul_64": ("matmul 64×64", lambda: np_matmul(64, 2)),
    "exp_1e6": ("`exp` of 10⁶ floats", lambda: np_unary(lambda x, y: np.exp(x, out=y))),
    "log_1e6": ("`log` of 10⁶ floats", lambda: np_unary(lambda x, y: np.log(np.abs(x), out=y))),
    "tanh_1e6": ("`tanh` of 10⁶ floats", lambda: np_unary(lambda x, y: np.tanh(x, out=y))),
    "sigmoid_1e6": ("`sigmoid` of 10⁶ floats", lambda: np_unary(np_sigmoid)),
    "gelu_1e6": ("`gelu` of 10⁶ floats", lambda: np_unary(np_gelu)),
    "sin_1e6": ("`sin` of 10⁶ floats", lambda: np_unary(lambda x, y: np.sin(x, out=y))),
    "cos_1e6": ("`cos` of 10⁶ floats", lambda: np_unary(lambda x, y: np.cos(x, out=y))),
    "erf_1e6": ("`erf` of 10⁶ floats", lambda: np_unary(np_erf)),
    "softmax_512x512": ("softmax over rows of 512×512", np_softmax),
    "layernorm_4096x256": ("layer norm forward, 4096×256", np_layernorm),
    "lstm_T64_fwd_bwd": ("LSTM, T=64, B=32, I=64, H=128: forward + backward", np_lstm),
    "attention_fwd_bwd": ("attention, B=8, T=128, d=64, with projections: forward + backward", np_attention),
    "adam_1e6": ("Adam step on 10⁶ parameters", np_adam),
    "mlp_step": ("MLP 784-128-10, batch 64: forward + backward + Adam", np_mlp),
    "language_x_plus_1": ("`x = x + 1` on 4 floats in a loop, per iteration (Glassbox language vs Python)", np_x_plus_1),
}


# Glassbox-only rows: the same work through tensors/autograd and the language, measured against
# the direct kernel calls (issue #6, item 5: within 1.2×).
LAYERS = [
    ("lstm_T64_fwd_bwd_per_step", "lstm_T64_fwd_bwd", "LSTM, kernels, per-step input projection (as lstm_cell)"),
    ("lstm_T64_fwd_bwd_tensors", "lstm_T64_fwd_bwd_per_step", "LSTM through tensors + autograd (Ops.lstmCell × 64, backward)"),
    ("lstm_T64_fwd_bwd_language", "lstm_T64_fwd_bwd_per_step", "LSTM in the Glassbox language (lstm_cell loop, backward)"),
    ("attention_fwd_bwd_tensors", "attention_fwd_bwd", "attention through tensors + autograd"),
    ("attention_fwd_bwd_language", "attention_fwd_bwd", "attention in the Glassbox language"),
    ("mlp_step_tensors", "mlp_step", "MLP step through tensors + autograd + Optimizer"),
    ("mlp_step_language", "mlp_step", "MLP step in the Glassbox language"),
    ("exp_1e6_1thread", "exp_1e6", "`exp` of 10⁶ floats, one thread (Fast.exp)"),
]


def fmt(seconds):
    if seconds is None:
        return "—"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def fmt_with_gflops(name, seconds, flops):
    if seconds is None:
        return "—"
    if flops:
        return f"{flops / seconds / 1e9:.0f} GFLOPS ({fmt(seconds)})"
    return fmt(seconds)


def main():
    bench = args.bench
    if bench is None:
        subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(ROOT, "Benchmarks")],
                       check=True, stdout=subprocess.DEVNULL)
        bench = os.path.join(ROOT, "Benchmarks", ".build", "release", "glassbox-bench")
    available = subprocess.run([bench, "--list"], check=True, capture_output=True, text=True).stdout.split()
    names = [n for n in (args.rows or ROWS.keys()) if n in ROWS]
    extra = [n for n, _, _ in LAYERS if n in available and (args.rows is None or n in args.rows)]
    swift_names = [n for n in names if n in available] + extra
    numpy_runs = {n: ROWS[n][1]() for n in names}
    torch_runs = {n: TORCH_ROWS[n]() for n in names if n in TORCH_ROWS} if torch is not None else {}
    torch_t, torch_cpu = {n: [] for n in torch_runs}, {n: [] for n in torch_runs}
    glassbox = {n: [] for n in swift_names}
    glassbox_cpu = {n: [] for n in swift_names}
    numpy_t, numpy_cpu, flops, failed = {n: [] for n in names}, {n: [] for n in names}, {}, {}
    def run_glassbox(n):   # one process per row: a failing row does not stop the others
        run = subprocess.run([bench, n], capture_output=True, text=True)
        if run.returncode != 0 or not run.stdout.startswith("{"):
            failed[n] = " ".join((run.stdout + run.stderr).split())[:160]
        for line in run.stdout.splitlines():
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            glassbox[row["name"]].append(row["median_s"])
            glassbox_cpu[row["name"]].append(row["cpu_s"])
            if "flops" in row:
                flops[row["name"]] = row["flops"]

    def run_numpy(n):
        m = numpy_runs[n]()
        numpy_t[n].append(m["median_s"])
        numpy_cpu[n].append(m["cpu_s"])

    def run_torch(n):
        m = torch_runs[n]()
        torch_t[n].append(m["median_s"])
        torch_cpu[n].append(m["cpu_s"])
        torch.set_num_threads(2)

    def settle(limit_s=1.0):
        """Waits until this process's library threads stop spinning. After a call, OpenBLAS's
        workers keep spinning for a while, and PyTorch's OpenMP workers briefly: a Glassbox run
        started then shares a core with them and its two-thread rows come out slow. Quiet =
        under 1 ms of CPU in a 20 ms sleep."""
        deadline = time.perf_counter() + limit_s
        while time.perf_counter() < deadline:
            c0 = time.process_time()
            time.sleep(0.02)
            if time.process_time() - c0 < 0.001:
                return

    # Row by row: each row's Glassbox, NumPy and PyTorch runs follow one another, Glassbox first
    # in even rounds and last in odd ones, so that the machine's swings in speed (tens of
    # percent, lasting seconds) fall on the three sides of a row alike. Before each side,
    # `settle` lets the previous side's threads go idle.
    order = names + [n for n in swift_names if n not in names]
    for r in range(args.rounds):
        for n in order:
            steps = []
            if n in swift_names:
                steps.append(lambda n=n: run_glassbox(n))
            if n in numpy_runs:
                steps.append(lambda n=n: run_numpy(n))
            if n in torch_runs:
                steps.append(lambda n=n: run_torch(n))
            for step in (steps if r % 2 == 0 else reversed(steps)):
                settle()
                step()
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    blas_threads(os.cpu_count() or 1)

    def med(xs):
        return statistics.median(xs) if xs else None

    results = []
    for n in names:
        g, p = med(glassbox.get(n, [])), med(numpy_t[n])
        pt = med(torch_t.get(n, []))
        results.append({"name": n, "work": ROWS[n][0], "glassbox_s": g, "numpy_s": p,
                        "pytorch_s": pt, "pytorch_cpu_s": med(torch_cpu.get(n, [])),
                        "ratio_pytorch_over_glassbox": (pt / g) if g and pt else None,
                        "pytorch_rounds_s": torch_t.get(n, []),
                        "glassbox_cpu_s": med(glassbox_cpu.get(n, [])), "numpy_cpu_s": med(numpy_cpu[n]),
                        "pytorch_reference_s": PYTORCH_REFERENCE_S.get(n), "target": TARGETS.get(n, ""),
                        "ratio_numpy_over_glassbox": (p / g) if g else None, "flops": flops.get(n),
                        "glassbox_rounds_s": glassbox.get(n, []), "numpy_rounds_s": numpy_t[n]})
    layers = []
    for n, base, work in LAYERS:
        if n in extra:
            g, b = med(glassbox[n]), med(glassbox.get(base, []))
            layers.append({"name": n, "work": work, "glassbox_s": g, "baseline": base, "baseline_s": b,
                           "glassbox_cpu_s": med(glassbox_cpu[n]), "ratio": (g / b) if g and b else None,
                           "failed": failed.get(n)})

    header = (f"machine: {os.cpu_count()} cores; NumPy {np.__version__}, OpenBLAS core {blas_corename()}"
              f" (OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'native')}); "
              + (f"PyTorch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}, {torch.get_num_threads()} threads)"
                 if torch is not None else "PyTorch not installed (its column: issue #6 reference figures)")
              + f"; {args.rounds} rounds; {time.strftime('%Y-%m-%d %H:%M %Z')}; load average {os.getloadavg()[0]:.2f}")
    print(header)
    if args.markdown:
        if torch is not None:
            print("\n| work | Glassbox | NumPy | PyTorch | NumPy ÷ Glassbox | PyTorch ÷ Glassbox | CPU s: Glassbox / NumPy / PyTorch | target |")
            print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        else:
            print("\n| work | Glassbox | NumPy | PyTorch (issue #6 reference, target machine) | NumPy ÷ Glassbox | CPU s: Glassbox / NumPy | target |")
            print("| --- | --- | --- | --- | --- | --- | --- |")
        for r in results:
            ratio = f"{r['ratio_numpy_over_glassbox']:.2f}×" if r["ratio_numpy_over_glassbox"] else "—"
            if torch is not None:
                tr = f"{r['ratio_pytorch_over_glassbox']:.2f}×" if r["ratio_pytorch_over_glassbox"] else "—"
                print(f"| {r['work']} | {fmt_with_gflops(r['name'], r['glassbox_s'], r['flops'])} | "
                      f"{fmt_with_gflops(r['name'], r['numpy_s'], r['flops'])} | "
                      f"{fmt_with_gflops(r['name'], r['pytorch_s'], r['flops'])} | {ratio} | {tr} | "
                      f"{fmt(r['glassbox_cpu_s'])} / {fmt(r['numpy_cpu_s'])} / {fmt(r['pytorch_cpu_s'])} | {r['target']} |")
                continue
            print(f"| {r['work']} | {fmt_with_gflops(r['name'], r['glassbox_s'], r['flops'])} | "
                  f"{fmt_with_gflops(r['name'], r['numpy_s'], r['flops'])} | "
                  f"{fmt_with_gflops(r['name'], r['pytorch_reference_s'], r['flops'])} | {ratio} | "
                  f"{fmt(r['glassbox_cpu_s'])} / {fmt(r['numpy_cpu_s'])} | {r['target']} |")
        print("\n| work | Glassbox | measured against | that row | ratio |")
        print("| --- | --- | --- | --- | --- |")
        for r in layers:
            ratio = f"{r['ratio']:.2f}×" if r["ratio"] else "—"
            got = fmt(r["glassbox_s"]) if not r["failed"] else f"not measured: {r['failed']}"
            print(f"| {r['work']} | {got} | `{r['baseline']}` | {fmt(r['baseline_s'])} | {ratio} |")
    else:
        label = "PyTorch" if torch is not None else "PyTorch ref"
        print(f"{'row':28} {'Glassbox':>11} {'NumPy':>11} {label:>11} {'NumPy/GB':>9} {'Torch/GB':>9} {'GB cpu':>10} {'NumPy cpu':>10}")
        for r in results:
            ratio = f"{r['ratio_numpy_over_glassbox']:.2f}x" if r["ratio_numpy_over_glassbox"] else "—"
            tr = f"{r['ratio_pytorch_over_glassbox']:.2f}x" if r["ratio_pytorch_over_glassbox"] else "—"
            pt = r["pytorch_s"] if torch is not None else r["pytorch_reference_s"]
            print(f"{r['name']:28} {fmt(r['glassbox_s']):>11} {fmt(r['numpy_s']):>11} "
                  f"{fmt(pt):>11} {ratio:>9} {tr:>9} {fmt(r['glassbox_cpu_s']):>10} {fmt(r['numpy_cpu_s']):>10}")
        print()
        for r in layers:
            ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "—"
            print(f"{r['name']:28} {fmt(r['glassbox_s']):>11}  vs {r['baseline']} {fmt(r['baseline_s'])}: {ratio}"
                  + (f"  ({r['failed']})" if r["failed"] else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": header, "rows": results, "layers": layers}, f, indent=1)


if __name__ == "__main__":
    main()

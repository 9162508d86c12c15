#!/usr/bin/env python3
"""Reference values for the NumPy / PyTorch vocabulary, computed by PyTorch (CPU, float32).

Each case is Glassbox code and the same computation in PyTorch: its value and, for a
differentiable one, the gradient of sum(y * w) with respect to its input x (w a fixed random
tensor of y's shape). The Swift test (VocabularyTests) runs the code through a session and
compares; it reads only vocabulary.json. Regenerate with:

    python3 -m venv /tmp/tv --system-site-packages && /tmp/tv/bin/pip install torch==2.13.0+cpu
    /tmp/tv/bin/python Tests/GlassboxLanguageTests/Fixtures/vocabulary.py
"""
import json, math, os
import numpy as np
import torch

torch.set_default_dtype(torch.float32)
rng = np.random.default_rng(13)


def lit(a):
    """A Glassbox literal for a numpy array (nan, inf spelled as the language's constants)."""
    a = np.asarray(a, dtype=np.float32)
    def num(v):
        if math.isnan(v): return "nan"
        if math.isinf(v): return "inf" if v > 0 else "-inf"
        return repr(float(v))
    if a.ndim == 0: return num(float(a))
    if a.ndim == 1: return "[" + ", ".join(num(float(v)) for v in a) + "]"
    return "[" + ", ".join(lit(r) for r in a) + "]"


def enc(t):
    a = np.asarray(t.detach().numpy() if isinstance(t, torch.Tensor) else t, dtype=np.float32)
    def f(v):
        v = float(v)
        if math.isnan(v): return "nan"
        if math.isinf(v): return "inf" if v > 0 else "-inf"
        return v
    return {"shape": list(a.shape), "data": [f(v) for v in a.reshape(-1)]}


cases = []


def case(name, x, gb, fn, grad=True, extra=""):
    """gb: Glassbox expression over `x` (and names set in `extra`); fn: the PyTorch function of x."""
    x = np.asarray(x, dtype=np.float32)
    xt = torch.tensor(x, requires_grad=grad)
    y = fn(xt)
    entry = {"name": name, "setup": extra + f"x = {lit(x)}", "expr": gb, "value": enc(y)}
    if grad:
        w = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        (y * torch.tensor(w)).sum().backward()
        entry["weights"] = lit(w) if w.ndim else lit(w)
        entry["grad"] = enc(xt.grad)
    cases.append(entry)


def r(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# Awkward shapes: 1, 7, 33, matrices with such sizes.
shapes = [(1,), (7,), (33,), (3, 7)]
extremes = np.array([0.0, -0.0, 1e-30, -1e-30, 1e30, -1e30, np.inf, -np.inf, np.nan, 0.5, -2.5, 3.0], dtype=np.float32)

unary = {
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "atan": torch.atan, "sinh": torch.sinh, "cosh": torch.cosh,
    "floor": torch.floor, "ceil": torch.ceil, "round": torch.round, "trunc": torch.trunc, "sign": torch.sign,
    "square": torch.square, "expm1": torch.expm1, "erf": torch.erf, "silu": torch.nn.functional.silu,
    "relu6": torch.nn.functional.relu6, "softplus": torch.nn.functional.softplus,
    "leaky_relu": torch.nn.functional.leaky_relu, "elu": torch.nn.functional.elu,
}
for name, fn in unary.items():
    for s in shapes[1:3]:
        case(f"{name} {s}", r(*s, scale=2), f"{name}(x)", fn)
    case(f"{name} extremes", extremes, f"{name}(x)", fn, grad=False)
for name, fn in {"asin": torch.asin, "acos": torch.acos}.items():
    case(f"{name} (-1, 1)", np.tanh(r(33)), f"{name}(x)", fn)
    case(f"{name} extremes", np.array([-1, 1, 2, -2, 0, np.nan], dtype=np.float32), f"{name}(x)", fn, grad=False)
for name, fn in {"log1p": torch.log1p, "log2": torch.log2, "log10": torch.log10}.items():
    case(f"{name} positive", np.abs(r(7)) + 0.1, f"{name}(x)", fn)
    case(f"{name} extremes", np.array([0, 1e-30, 1e30, np.inf, -1, np.nan], dtype=np.float32), f"{name}(x)", fn, grad=False)
for name, fn in {"isnan": torch.isnan, "isinf": torch.isinf, "isfinite": torch.isfinite}.items():
    case(f"{name}", extremes, f"{name}(x)", lambda t, fn=fn: fn(t).float(), grad=False)

case("softplus beta", r(7, scale=3), "softplus(x, beta=2, threshold=5)", lambda t: torch.nn.functional.softplus(t, 2, 5))
case("leaky_relu slope", r(7), "leaky_relu(x, 0.2)", lambda t: torch.nn.functional.leaky_relu(t, 0.2))
case("elu alpha", r(7), "elu(x, alpha=0.5)", lambda t: torch.nn.functional.elu(t, 0.5))
case("clip both", r(33), "clip(x, -0.5, 0.5)", lambda t: torch.clamp(t, -0.5, 0.5))
case("clamp min only", r(7), "clamp(x, min=0)", lambda t: torch.clamp(t, min=0))
case("clip max only", r(3, 7), "clip(x, max=0.25)", lambda t: torch.clamp(t, max=0.25))
lo = r(7)
case("clip tensor bounds", r(7), "clip(x, lo, lo + 1)", lambda t: torch.clamp(t, torch.tensor(lo), torch.tensor(lo) + 1),
     extra=f"lo = {lit(lo)}; ")
b = r(3, 7)
case("atan2 broadcast", r(7), "atan2(x, b)", lambda t: torch.atan2(t, torch.tensor(b)), extra=f"b = {lit(b)}; ")
case("pow", np.abs(r(7)) + 0.5, "pow(x, 3)", lambda t: torch.pow(t, 3))

# Reductions, with negative axes and keepdim
m = r(3, 7)
t3 = r(2, 3, 4)
for name, fn in {"sum": torch.sum, "mean": torch.mean, "prod": torch.prod}.items():
    case(f"{name} all", m, f"{name}(x)", fn)
    case(f"{name} axis -1 keepdim", t3, f"{name}(x, axis=-1, keepdim=true)", lambda t, fn=fn: fn(t, dim=-1, keepdim=True))
    case(f"{name} axis 1", t3, f"{name}(x, axis=1)", lambda t, fn=fn: fn(t, dim=1))
case("max keepdim", m, "max(x, axis=0, keepdim=true)", lambda t: torch.amax(t, dim=0, keepdim=True))
case("min axis -2", t3, "min(x, axis=-2)", lambda t: torch.amin(t, dim=-2))
case("argmax keepdim", m, "argmax(x, axis=1, keepdim=true)", lambda t: torch.argmax(t, dim=1, keepdim=True).float(), grad=False)
case("var population", m, "var(x, axis=1)", lambda t: torch.var(t, dim=1, correction=0))
case("var sample", m, "var(x, axis=1, correction=1)", lambda t: torch.var(t, dim=1, correction=1))
case("std population", r(33), "std(x)", lambda t: torch.std(t, correction=0))
case("std sample keepdim", t3, "std(x, axis=0, correction=1, keepdim=true)", lambda t: torch.std(t, dim=0, correction=1, keepdim=True))
case("norm 2", m, "norm(x)", lambda t: torch.linalg.vector_norm(t))
case("norm 1 axis", m, "norm(x, p=1, axis=1)", lambda t: torch.linalg.vector_norm(t, 1, dim=1))
case("norm inf", r(7), "norm(x, p=inf)", lambda t: torch.linalg.vector_norm(t, float("inf")))
case("norm 3 keepdim", t3, "norm(x, p=3, axis=-1, keepdim=true)", lambda t: torch.linalg.vector_norm(t, 3, dim=-1, keepdim=True))
case("logsumexp keepdim", m, "logsumexp(x, axis=0, keepdim=true)", lambda t: torch.logsumexp(t, 0, keepdim=True))
case("prod with zero", np.array([2, 0, 3, 4], dtype=np.float32), "prod(x)", torch.prod)
case("any", np.array([[0, 0, 1], [0, 0, 0]], dtype=np.float32), "any(x, axis=1)", lambda t: torch.any(t != 0, dim=1).float(), grad=False)
case("all", np.array([[1, 2, 3], [1, 0, 1]], dtype=np.float32), "all(x, axis=-1)", lambda t: torch.all(t != 0, dim=-1).float(), grad=False)
case("cumsum axis 1", m, "cumsum(x, axis=1)", lambda t: torch.cumsum(t, 1))
case("cumsum flat", m, "cumsum(x)", lambda t: torch.cumsum(t.reshape(-1), 0))
case("cumprod axis -1", r(2, 7), "cumprod(x, axis=-1)", lambda t: torch.cumprod(t, -1))
case("cumprod with zero", np.array([2, 0, 3, 4], dtype=np.float32), "cumprod(x, axis=0)", lambda t: torch.cumprod(t, 0))

# Creation
case("zeros_like", m, "zeros_like(x)", torch.zeros_like, grad=False)
case("ones_like", m, "ones_like(x)", torch.ones_like, grad=False)
case("full_like", m, "full_like(x, 7)", lambda t: torch.full_like(t, 7), grad=False)
case("numel", t3, "numel(x)", lambda t: torch.tensor(float(t.numel())), grad=False)
case("arange n", np.float32(5), "arange(x)", lambda t: torch.arange(5).float(), grad=False)
case("matmul", m, "matmul(x, transpose(x))", lambda t: t @ t.T)

# Shapes
case("squeeze", r(1, 3, 1), "squeeze(x)", torch.squeeze)
case("squeeze axis", r(1, 3, 1), "squeeze(x, axis=-1)", lambda t: torch.squeeze(t, -1))
case("unsqueeze", r(7), "unsqueeze(x, 0)", lambda t: torch.unsqueeze(t, 0))
case("unsqueeze -1", m, "unsqueeze(x, -1)", lambda t: torch.unsqueeze(t, -1))
case("flatten", t3, "flatten(x)", torch.flatten)
case("flatten start", t3, "flatten(x, start=1)", lambda t: torch.flatten(t, 1))
case("flatten end", t3, "flatten(x, 0, -2)", lambda t: torch.flatten(t, 0, -2))
case("expand", r(3, 1), "expand(x, 2, 3, 4)", lambda t: t.expand(2, 3, 4))
case("expand -1", r(3, 1), "expand(x, -1, 5)", lambda t: t.expand(-1, 5))
case("split size", r(7, 2), "concat(split(x, 3)[2], split(x, 3)[0], axis=0)",
     lambda t: torch.cat([torch.split(t, 3)[2], torch.split(t, 3)[0]], 0))
case("split list", r(2, 7), "split(x, [2, 5], axis=1)[1]", lambda t: torch.split(t, [2, 5], 1)[1])
case("chunk", r(7), "chunk(x, 3)[2]", lambda t: torch.chunk(t, 3)[2])
case("tril", r(4, 4), "tril(x)", torch.tril)
case("tril k", r(3, 5), "tril(x, k=-1)", lambda t: torch.tril(t, -1))
case("triu k", r(2, 3, 3), "triu(x, k=1)", lambda t: torch.triu(t, 1))
case("flip", m, "flip(x, 1)", lambda t: torch.flip(t, [1]))
case("flip two", t3, "flip(x, [0, -1])", lambda t: torch.flip(t, [0, -1]))
case("roll", r(7), "roll(x, 2)", lambda t: torch.roll(t, 2))
case("roll negative axis", m, "roll(x, -3, axis=1)", lambda t: torch.roll(t, -3, 1))
case("roll flat", m, "roll(x, 5)", lambda t: torch.roll(t, 5))
case("repeat", r(2, 3), "repeat(x, 2, 3)", lambda t: t.repeat(2, 3))
case("repeat new axis", r(3), "repeat(x, 2, 2)", lambda t: t.repeat(2, 2))
case("pad last", m, "pad(x, [1, 2])", lambda t: torch.nn.functional.pad(t, (1, 2)))
case("pad two value", m, "pad(x, [1, 0, 2, 1], value=-1)", lambda t: torch.nn.functional.pad(t, (1, 0, 2, 1), value=-1))
case("pad conv", r(1, 2, 3, 3), "pad(x, [1, 1, 1, 1])", lambda t: torch.nn.functional.pad(t, (1, 1, 1, 1)))

# Sorting, gathering
srt = np.array([3, 1, 2, 3, -1, 7, 0], dtype=np.float32)
case("sort values", r(3, 7), "sort(x)[0]", lambda t: torch.sort(t)[0])
case("sort descending axis 0", r(3, 7), "sort(x, axis=0, descending=true)[0]", lambda t: torch.sort(t, 0, descending=True)[0])
case("sort indices stable", srt, "sort(x)[1]", lambda t: torch.sort(t, stable=True)[1].float(), grad=False)
case("sort nan last", np.array([2, np.nan, -1, 5], dtype=np.float32), "sort(x)[0]", lambda t: torch.sort(t)[0], grad=False)
case("argsort", srt, "argsort(x)", lambda t: torch.argsort(t, stable=True).float(), grad=False)
case("argsort descending", r(3, 7), "argsort(x, descending=true)", lambda t: torch.argsort(t, descending=True, stable=True).float(), grad=False)
case("topk values", r(3, 7), "topk(x, 3)[0]", lambda t: torch.topk(t, 3)[0])
case("topk indices", r(3, 7), "topk(x, 2)[1]", lambda t: torch.topk(t, 2)[1].float(), grad=False)
case("topk smallest axis 0", r(4, 5), "topk(x, 2, axis=0, largest=false)[0]", lambda t: torch.topk(t, 2, 0, largest=False)[0])
gi = np.array([[0, 2, 2], [1, 0, 1], [2, 2, 0]], dtype=np.float32)
case("gather axis 1 duplicates", r(3, 4), "gather(x, 1, idx)", lambda t: torch.gather(t, 1, torch.tensor(gi).long()),
     extra=f"idx = {lit(gi)}; ")
gi0 = np.array([[0, 1, 2, 0]], dtype=np.float32)
case("gather axis 0", r(3, 4), "gather(x, 0, idx)", lambda t: torch.gather(t, 0, torch.tensor(gi0).long()), extra=f"idx = {lit(gi0)}; ")
mk = (rng.random((3, 4)) > 0.5).astype(np.float32)
case("masked_fill", r(3, 4), "masked_fill(x, mk, -1)", lambda t: t.masked_fill(torch.tensor(mk).bool(), -1), extra=f"mk = {lit(mk)}; ")
case("masked_fill -inf causal", r(4, 4), "masked_fill(x, triu(ones(4, 4), k=1), -inf)",
     lambda t: t.masked_fill(torch.triu(torch.ones(4, 4), 1).bool(), float("-inf")), grad=False)
e2 = r(4, 5)
case("einsum matmul", r(3, 4), "einsum(\"ij,jk->ik\", x, e2)", lambda t: torch.einsum("ij,jk->ik", t, torch.tensor(e2)),
     extra=f"e2 = {lit(e2)}; ")
case("einsum transpose", r(3, 4), "einsum(\"ij->ji\", x)", lambda t: torch.einsum("ij->ji", t))
case("einsum trace", r(4, 4), "einsum(\"ii\", x)", lambda t: torch.einsum("ii", t))
case("einsum diag", r(4, 4), "einsum(\"ii->i\", x)", lambda t: torch.einsum("ii->i", t))
case("einsum sum", r(3, 4), "einsum(\"ij->\", x)", lambda t: torch.einsum("ij->", t))
case("einsum outer", r(3), "einsum(\"i,j->ij\", x, x)", lambda t: torch.einsum("i,j->ij", t, t))
eb = r(2, 4, 5)
case("einsum batched", r(2, 3, 4), "einsum(\"bij,bjk->bik\", x, eb)", lambda t: torch.einsum("bij,bjk->bik", t, torch.tensor(eb)),
     extra=f"eb = {lit(eb)}; ")
ea = r(2, 5, 4)
case("einsum attention scores", r(2, 3, 4), "einsum(\"bqd,bkd->bqk\", x, ea)",
     lambda t: torch.einsum("bqd,bkd->bqk", t, torch.tensor(ea)), extra=f"ea = {lit(ea)}; ")
case("einsum implicit", r(3, 4), "einsum(\"ij,jk\", x, e2)", lambda t: torch.einsum("ij,jk", t, torch.tensor(e2)),
     extra=f"e2 = {lit(e2)}; ")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocabulary.json")
with open(out, "w") as f:
    json.dump({"generator": "vocabulary.py (PyTorch " + torch.__version__ + ")", "cases": cases}, f, indent=0)
print(f"{len(cases)} cases -> {out}")

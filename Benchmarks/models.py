#!/usr/bin/env python3
"""The two applications, whole, through the language, side by side with PyTorch in one run.

    /tmp/tv/bin/python Benchmarks/models.py [--rows ROW ...] [--rounds N] [--markdown] [--glassbox PATH]

Rows (issues 14 and 15; PyTorch 2.13 CPU and Transformers 5.24 on 2 threads, fp32, batch 1 where
not said):
  mobilenet_v2_224        MobileNetV2 1.0, one 3×224×224 image, eval mode: time per image
  mobilenet_v2_train_32   MobileNetV2 0.5, batch 32 of 3×32×32, 10 classes: forward, cross-entropy,
                          backward and an SGD step (batch norm in training mode)
  gpt2_decode             GPT-2 124M shapes (random weights), 20 new tokens after a 1-token
                          prompt with the key/value cache: time per new token
  gpt2_prompt_128         the same model over a 128-token prompt: time per prompt token
  tokenizer_encode        byte-level BPE encode of Lessons/data/shakespeare.txt (300 KB) with the
                          test fixture's vocab.json + merges.txt, one thread, against Hugging Face
                          `tokenizers` (Rust) on the same files; the target is GPT-2's ≥ 5 MB/s

Both sides get the same weights: this script builds each model in PyTorch with random weights,
writes them to a safetensors file in a temporary folder, and Glassbox loads that file. Glassbox
runs `Lessons/models/*.gbx` under `glassbox run`, timed by its own `:time` (IPython's %timeit:
median of 7 runs); PyTorch is timed the same way here (median of 7 runs of enough loops for 0.2 s).
Each row reports both times and PyTorch ÷ Glassbox (> 1: Glassbox is faster). With --rounds N,
every row is measured N times (PyTorch then Glassbox, back to back, in each round): the times are
the medians over rounds, the ratio is the median of the rounds' own ratios, and the lowest and
highest round ratios are shown beside it — on a shared machine a round whose side lost a core
to the host shows there, not in the median. Needs torch,
safetensors, transformers (the GPT-2 rows) and tokenizers (the tokenizer row).
"""
import argparse, importlib.util, os, re, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--rows", nargs="*", default=None)
parser.add_argument("--markdown", action="store_true")
parser.add_argument("--rounds", type=int, default=1,
                    help="measure every row this many times, both sides each round; report the medians")
parser.add_argument("--glassbox", default=None, help="path of the glassbox binary (default: .build/release/glassbox)")
args = parser.parse_args()
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX2")

import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

torch.set_num_threads(2)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GLASSBOX = args.glassbox or os.path.join(ROOT, ".build", "release", "glassbox")
TMP = tempfile.mkdtemp(prefix="glassbox-models-")


def fixture_module():
    """torchvision's MobileNetV2, layer for layer (the fixture script's replica)."""
    path = os.path.join(ROOT, "Tests", "GlassboxLanguageTests", "Fixtures", "mobilenet_v2", "make_fixture.py")
    spec = importlib.util.spec_from_file_location("mnv2", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def timeit(fn):
    """Median seconds per call over 7 runs (as Glassbox's :time and IPython's %timeit)."""
    fn()
    t = time.perf_counter(); fn(); once = max(time.perf_counter() - t, 1e-9)
    loops = max(1, int(0.2 / once))
    runs = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(loops):
            fn()
        runs.append((time.perf_counter() - t) / loops)
    return statistics.median(runs)


UNITS = {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def glassbox_times(script, env=None):
    """Runs a Glassbox script; returns the seconds per loop of each `:time` line, in order."""
    path = os.path.join(TMP, "bench.gbx")
    with open(path, "w") as f:
        f.write(script)
    out = subprocess.run([GLASSBOX, "run", path], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, **(env or {})))
    if out.returncode != 0:
        sys.exit(f"glassbox failed:\n{out.stdout}\n{out.stderr}")
    times = [float(v) * UNITS[u] for v, u in re.findall(r"([0-9.]+) (ns|µs|ms|s) per loop", out.stdout)]
    return times


def mobilenet_rows():
    mod = fixture_module()
    torch.manual_seed(0)
    rows = []
    if want("mobilenet_v2_224"):
        model = mod.MobileNetV2(num_classes=1000, width_mult=1.0).eval()
        path = os.path.join(TMP, "mnv2_1.0.safetensors")
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)
        x = torch.rand(1, 3, 224, 224)
        with torch.no_grad():
            torch_s = timeit(lambda: model(x))
        [gb_s] = glassbox_times(f'include "{ROOT}/Lessons/models/mobilenet_v2.gbx"\n'
                                f'w = load("{path}")\nseed(0); x = rand(1, 3, 224, 224)\n'
                                f':time mobilenet_v2(w, x)\n')
        rows.append(("mobilenet_v2_224", "per image", torch_s, gb_s, "≤ 0.5× PyTorch"))
    # One layer of the network, forward and backward (the 32×96×16×16 activations).
    for name, cin, cout, groups, k in (("depthwise_3x3_fwd_bwd", 96, 96, 96, 3), ("pointwise_96_32_fwd_bwd", 96, 32, 1, 1)):
        if not want(name):
            continue
        x = torch.rand(32, cin, 16, 16, requires_grad=True)
        W = (torch.rand(cout, cin // groups, k, k) - 0.5).requires_grad_()
        g = torch.rand(32, cout, 16, 16)

        def layer():
            x.grad = None; W.grad = None
            torch.nn.functional.conv2d(x, W, padding=k // 2, groups=groups).backward(g)
        torch_s = timeit(layer)
        [gb_s] = glassbox_times(f'seed(0); x = param(rand(32, {cin}, 16, 16)); W = param(rand({cout}, {cin // groups}, {k}, {k}) - 0.5)\n'
                                f'g = rand(32, {cout}, 16, 16)\n'
                                f'layer() = backward(sum(conv2d(x, W, padding={k // 2}, groups={groups}) * g))\n'
                                f':time layer()\n')
        rows.append((name, "fwd + bwd", torch_s, gb_s, "≤ 0.7× PyTorch"))
    if want("mobilenet_v2_train_32"):
        model = mod.MobileNetV2(num_classes=10, width_mult=0.5).train()
        path = os.path.join(TMP, "mnv2_0.5.safetensors")
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)
        x, y = torch.rand(32, 3, 32, 32), torch.randint(0, 10, (32,))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)

        def step():
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
        torch_s = timeit(step)
        [gb_s] = glassbox_times(f'include "{ROOT}/Lessons/models/mobilenet_v2.gbx"\n'
                                f'w = params(load("{path}"))\nseed(0); x = rand(32, 3, 32, 32)\n'
                                f'y = floor(rand(32) * 10)\nopt = sgd(w, lr=0.01)\n'
                                f'train_step() = {{ backward(cross_entropy(mobilenet_v2(w, x, training=true), y)); step(opt) }}\n'
                                f':time train_step()\n')
        rows.append(("mobilenet_v2_train_32", "per step", torch_s, gb_s, "≤ 0.5× PyTorch"))
    return rows


def gpt2_rows():
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).eval()
    path = os.path.join(TMP, "gpt2_124m.safetensors")
    save_file({k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}, path)
    rows = []
    prompt = torch.randint(0, 50257, (1, 128))
    one = prompt[:, :1]
    gen = dict(max_new_tokens=20, min_new_tokens=20, do_sample=False, pad_token_id=0)
    script = f'include "{ROOT}/Lessons/models/gpt2.gbx"\nw = load("{path}")\n'
    lines = []
    if want("gpt2_decode"):
        with torch.no_grad():
            torch_decode = timeit(lambda: model.generate(one, attention_mask=torch.ones_like(one), **gen)) / 20
        lines.append(("gpt2_decode", "per token", torch_decode, "≥ 40 tokens/s, 2× Transformers"))
        script += f"ids = [{int(one[0, 0])}]\n:time gpt2_generate(w, ids, 20)\n"
    if want("gpt2_prompt_128"):
        with torch.no_grad():
            torch_prompt = timeit(lambda: model(prompt)) / 128
        lines.append(("gpt2_prompt_128", "per token", torch_prompt, "≥ 1.0× Transformers"))
        ids = ", ".join(str(int(i)) for i in prompt[0])
        script += f"ids = [{ids}]\n:time gpt2(w, ids)\n"
    if lines:
        times = glassbox_times(script)
        scale = {"gpt2_decode": 20, "gpt2_prompt_128": 128}
        for (name, unit, torch_s, target), gb in zip(lines, times):
            rows.append((name, unit, torch_s, gb / scale[name], target))
    return rows


def tokenizer_rows():
    from tokenizers import ByteLevelBPETokenizer
    fixtures = os.path.join(ROOT, "Tests", "GlassboxLanguageTests", "Fixtures", "gpt2")
    vocab, merges = os.path.join(fixtures, "vocab.json"), os.path.join(fixtures, "merges.txt")
    path = os.path.join(ROOT, "Lessons", "data", "shakespeare.txt")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    size = len(text.encode("utf-8"))
    hf = ByteLevelBPETokenizer(vocab, merges, add_prefix_space=False)
    hf_s = timeit(lambda: hf.encode(text))
    script = (f'tok = tokenizer("{vocab}", "{merges}")\ntext = read_text("{path}")\n'
              f':time encode(tok, text)\n')
    [gb_s] = glassbox_times(script, env={"GLASSBOX_THREADS": "1"})
    return [("tokenizer_encode", f"per {size // 1000} KB", hf_s, gb_s,
             f"≥ 5 MB/s; Glassbox {size / gb_s / 1e6:.1f} MB/s, tokenizers {size / hf_s / 1e6:.1f} MB/s")]


def want(name):
    return args.rows is None or name in args.rows


def show(rounds):
    """One line per row: median times over the rounds, the median round ratio and its range."""
    def fmt(s):
        return f"{s * 1e3:.2f} ms" if s >= 1e-4 else f"{s * 1e6:.1f} µs"
    rows = []
    for k, (name, unit, _, _, target) in enumerate(rounds[0]):
        ts = [r[k][2] for r in rounds]
        gs = [r[k][3] for r in rounds]
        ratios = [t / g for t, g in zip(ts, gs)]
        spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(rounds) > 1 else ""
        rows.append((name, unit, fmt(statistics.median(ts)), fmt(statistics.median(gs)),
                     f"{statistics.median(ratios):.2f}{spread}", rounds[-1][k][4]))
    if args.markdown:
        print("| row | unit | PyTorch | Glassbox | PyTorch ÷ Glassbox | target |")
        print("| --- | --- | ---: | ---: | ---: | --- |")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        for name, unit, t, g, ratio, target in rows:
            print(f"{name:24} {unit:10} PyTorch {t:>10}  Glassbox {g:>10}  ratio {ratio}  target {target}")


rounds = []
for _ in range(max(1, args.rounds)):
    rows = []
    if any(want(r) for r in ("mobilenet_v2_224", "depthwise_3x3_fwd_bwd", "pointwise_96_32_fwd_bwd", "mobilenet_v2_train_32")):
        rows += mobilenet_rows()
    if any(want(r) for r in ("gpt2_decode", "gpt2_prompt_128")):
        rows += gpt2_rows()
    if want("tokenizer_encode"):
        rows += tokenizer_rows()
    rounds.append(rows)
show(rounds)

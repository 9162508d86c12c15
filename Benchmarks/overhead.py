#!/usr/bin/env python3
"""Issue #6, item 5: the same work called directly on the kernels, through tensors + autograd,
and in the Glassbox language — set up once in one process and timed in turn, ROUNDS rounds
(`glassbox-bench --interleave`, Harness.swift), so that the machine's changes of speed fall on
all three alike. Prints, per family, the median over rounds of each row's fastest sample and of
its ratio to the kernels in the same round, and the spread of those ratios.
GLASSBOX_THREADS=1 for one thread.

    python3 Benchmarks/overhead.py --rounds 41
"""
import argparse, json, statistics, subprocess

parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=41)
parser.add_argument("--bench", default="Benchmarks/.build/release/glassbox-bench")
args = parser.parse_args()

families = {
    "LSTM": ["lstm_T64_fwd_bwd_per_step", "lstm_T64_fwd_bwd_tensors", "lstm_T64_fwd_bwd_language"],
    "attention": ["attention_fwd_bwd", "attention_fwd_bwd_tensors", "attention_fwd_bwd_language"],
    "MLP step": ["mlp_step", "mlp_step_tensors", "mlp_step_language"],
}

def ms(x): return f"{x * 1e3:.3f} ms"
def quartiles(xs):
    q = statistics.quantiles(xs, n=4)
    return f"{q[0]:.2f}–{q[2]:.2f}"

for name, rows in families.items():
    out = subprocess.run([args.bench, "--interleave", "--rounds", str(args.rounds), *rows],
                         capture_output=True, text=True, check=True).stdout
    k, t, l = [json.loads(line) for line in out.strip().splitlines()[-3:]]
    print(f"{name}: kernels {ms(k['min_s'])} | tensors {ms(t['min_s'])} ({t['ratio_to_first']:.2f}x, "
          f"middle half of rounds {quartiles(t['ratios'])}) | language {ms(l['min_s'])} "
          f"({l['ratio_to_first']:.2f}x, middle half {quartiles(l['ratios'])}); {args.rounds} rounds")

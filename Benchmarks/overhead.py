#!/usr/bin/env python3
"""Issue #6, item 5: the same work on the kernels, through tensors + autograd, and in the
Glassbox language, run in turn ROUNDS times (one process per row), with wall and CPU medians and
the per-round language ÷ kernels ratio; and, least affected by a noisy machine, the median over
rounds of the ratio of each run's fastest sample (tensors ÷ kernels, language ÷ kernels). GLASSBOX_THREADS=1 for one thread.

    python3 Benchmarks/overhead.py --rounds 5
"""
import argparse, json, statistics, subprocess

parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--bench", default="Benchmarks/.build/release/glassbox-bench")
args = parser.parse_args()

families = {
    "LSTM": ["lstm_T64_fwd_bwd_per_step", "lstm_T64_fwd_bwd_tensors", "lstm_T64_fwd_bwd_language"],
    "attention": ["attention_fwd_bwd", "attention_fwd_bwd_tensors", "attention_fwd_bwd_language"],
    "MLP step": ["mlp_step", "mlp_step_tensors", "mlp_step_language"],
}
runs = {row: [] for rows in families.values() for row in rows}
for _ in range(args.rounds):
    for rows in families.values():
        for row in rows:
            out = subprocess.run([args.bench, row], capture_output=True, text=True, check=True).stdout
            d = json.loads(out.strip().splitlines()[-1])
            runs[row].append((d["median_s"], d["cpu_s"], d["min_s"]))

def ms(x): return f"{x * 1e3:.3f} ms"
for name, (k, t, l) in families.items():
    wall = [statistics.median(r[0] for r in runs[row]) for row in (k, t, l)]
    cpu = [statistics.median(r[1] for r in runs[row]) for row in (k, t, l)]
    per_round = " ".join(f"{b[0] / a[0]:.2f}" for a, b in zip(runs[k], runs[l]))
    # The fastest sample of each run, row against row in the same round: the least noisy view.
    best = statistics.median(b[2] / a[2] for a, b in zip(runs[k], runs[l]))
    best_t = statistics.median(b[2] / a[2] for a, b in zip(runs[k], runs[t]))
    print(f"{name}: wall {ms(wall[0])} | tensors {ms(wall[1])} ({wall[1] / wall[0]:.2f}x) | "
          f"language {ms(wall[2])} ({wall[2] / wall[0]:.2f}x); CPU {ms(cpu[0])} | {ms(cpu[1])} "
          f"({cpu[1] / cpu[0]:.2f}x) | {ms(cpu[2])} ({cpu[2] / cpu[0]:.2f}x); language/kernels per round: {per_round}; "
          f"fastest samples, median over rounds: tensors {best_t:.2f}x, language {best:.2f}x")

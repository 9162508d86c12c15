#!/usr/bin/env python3
"""A/B: two (or more) glassbox-bench binaries run alternately on the same rows.

On a shared, noisy machine one run of each proves little; this runs the binaries in turn
(alternating which goes first), ROUNDS times, and reports per row the median over rounds of each
run's minimum sample time, relative to the first binary. Give the same binary twice (copied to
two paths) to see the noise floor.

    cp Benchmarks/.build/release/glassbox-bench /tmp/bench-old    # before the change
    ... change, swift build -c release --package-path Benchmarks ...
    python3 Benchmarks/ab.py /tmp/bench-old Benchmarks/.build/release/glassbox-bench \\
        --rows matmul_1024_1thread tanh_1e6_1thread --rounds 10
"""
import argparse, json, statistics, subprocess

parser = argparse.ArgumentParser()
parser.add_argument("binaries", nargs="+")
parser.add_argument("--rows", nargs="+", required=True)
parser.add_argument("--rounds", type=int, default=10)
args = parser.parse_args()

results = {(i, row): [] for i in range(len(args.binaries)) for row in args.rows}
for round in range(args.rounds):
    order = list(range(len(args.binaries)))
    if round % 2: order.reverse()
    for row in args.rows:
        for i in order:
            out = subprocess.run([args.binaries[i], row], capture_output=True, text=True, check=True).stdout
            results[(i, row)].append(json.loads(out.strip().splitlines()[-1])["min_s"])
for row in args.rows:
    base = statistics.median(results[(0, row)])
    cells = []
    for i, path in enumerate(args.binaries):
        m = statistics.median(results[(i, row)])
        cells.append(f"[{i}] {m * 1e3:.3f} ms ({m / base:.3f})")
    print(f"{row}: " + "  ".join(cells))

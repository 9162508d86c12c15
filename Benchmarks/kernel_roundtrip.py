#!/usr/bin/env python3
"""The notebook kernel's round trip, side by side with IPython's.

    python3 Benchmarks/kernel_roundtrip.py [GLASSBOX] [--runs 100] [--warmup 20]

Starts the glassbox kernel (GLASSBOX, default .build/release/glassbox, through a kernelspec
installed in a temporary prefix) and the IPython kernel (ipykernel's `python3`) with
jupyter_client's KernelManager, and times `execute_interactive("1 + 1")` — the request, the
busy status, execute_input, execute_result, the reply and the idle status — on each: the median
of RUNS after WARMUP requests, the kernels measured in alternation so both see the same machine.
Also prints how long each took from start to its first kernel_info reply (once, not a median).
Needs jupyter_client and ipykernel (`python3 -m pip install jupyter_client ipykernel`).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("glassbox", nargs="?", default=os.path.join(here, "..", ".build", "release", "glassbox"))
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    prefix = tempfile.TemporaryDirectory(prefix="glassbox-kernelspec-")
    subprocess.run([os.path.abspath(args.glassbox), "kernel", "install", "--prefix", prefix.name],
                   check=True, stdout=subprocess.DEVNULL)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix.name, "share", "jupyter")
    from jupyter_client.manager import start_new_kernel

    kernels = {}
    startup = {}
    for name in ("glassbox", "python3"):
        started = time.perf_counter()
        kernels[name] = start_new_kernel(kernel_name=name)   # returns once kernel_info is answered
        startup[name] = time.perf_counter() - started
    try:
        def once(kc) -> float:
            started = time.perf_counter()
            reply = kc.execute_interactive("1 + 1", output_hook=lambda msg: None, timeout=10)
            elapsed = time.perf_counter() - started
            assert reply["content"]["status"] == "ok", reply
            return elapsed

        times: dict[str, list[float]] = {name: [] for name in kernels}
        for i in range(args.warmup + args.runs):
            for name, (_, kc) in kernels.items():
                t = once(kc)
                if i >= args.warmup:
                    times[name].append(t)
        median = {name: statistics.median(ts) * 1e3 for name, ts in times.items()}
        for name, ts in times.items():
            print(f"{name:9} execute_interactive('1 + 1'): median {median[name]:.2f} ms"
                  f" (min {min(ts) * 1e3:.2f}, max {max(ts) * 1e3:.2f}) of {len(ts)} after {args.warmup} warm-up")
        print(f"ratio glassbox / ipython: {median['glassbox'] / median['python3']:.2f}x")
        print("start to first kernel_info reply: " + ", ".join(f"{n} {t * 1e3:.0f} ms" for n, t in startup.items()))
    finally:
        for km, kc in kernels.values():
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        prefix.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

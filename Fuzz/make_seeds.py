#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus, Fuzz/seeds/, from real programs in the repository:

- every script in Tests/GlassboxLanguageTests/Scripts/ (whole, as `glassbox run` sees it);
- every ```glassbox block of Docs/*.md and Lessons/*.md, alone, and each file's blocks joined
  in order (a notebook runs its cells in one session, so later cells use earlier names);
- the `solution:` and `expect:` lines of every lesson exercise, after the lesson's code;
- each line of Fuzz/edge-cases.gbx: hand-written hostile programs (empty and huge shapes,
  views with negative steps, autograd through views, explain of loops, NaN, deep ranks).

It also writes the libFuzzer dictionary Fuzz/glassbox.dict: every operator and keyword of the
language, the attribute names, keyword-argument names, and every built-in named in
Docs/BUILTINS.md (the file generated from the built-ins table).

Run from the repository root: `python3 Fuzz/make_seeds.py`. Names are stable (source + index),
so rerunning after a doc changes only rewrites what changed.
"""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fuzz", "seeds")


def write(name, text):
    text = text.strip("\n") + "\n"
    if len(text.encode()) > 4096:      # keep seeds under -max_len; long files are split anyway
        return
    with open(os.path.join(OUT, name), "w") as f:
        f.write(text)


def blocks(markdown, kind):
    return re.findall(r"^```" + kind + r"\n(.*?)^```", markdown, flags=re.S | re.M)


TOKENS = [
    "+", "-", "*", "/", "@", "^", "'", "=", "==", "!=", "<", "<=", ">", ">=", "...", "..<", "…",
    "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "\n", "#", "\"", "\\n", "e-3", "1e39", ".5",
    "for ", " in ", "if ", " else ", "while ", "explain ", "true", "false",
    ".shape", ".T", ".grad", ".rank", ".size", ".t", ".lr",
    "axis=", "mask=", "lr=", "momentum=", "beta1=", "beta2=", "eps=",
    "α", "θ", "x₁", "m̂", "−", "≤", "≥", "≠",
]


def dictionary():
    names = re.findall(r"^\| `([^`(]+)", open(os.path.join(ROOT, "Docs/BUILTINS.md")).read(), flags=re.M)
    entries = TOKENS + [n + "(" for n in names if n not in ("pi", "inf", "nan", "true", "false")] + names
    seen = []
    for e in entries:
        if e not in seen:
            seen.append(e)
    with open(os.path.join(ROOT, "Fuzz", "glassbox.dict"), "w") as f:
        f.write("# libFuzzer dictionary for the Glassbox language; written by Fuzz/make_seeds.py\n")
        for e in seen:
            escaped = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else
                              "".join(f"\\x{b:02x}" for b in c.encode()) for c in e)
            f.write(f'"{escaped}"\n')


def main():
    dictionary()
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*")):
        os.remove(old)
    with open(os.path.join(ROOT, "Fuzz", "edge-cases.gbx")) as f:
        for i, line in enumerate(l for l in f.read().split("\n") if l.strip()):
            write(f"edge-{i:03}.gbx", line)
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/GlassboxLanguageTests/Scripts/*.gbx"))):
        write("script-" + os.path.basename(path), open(path).read())
    for path in sorted(glob.glob(os.path.join(ROOT, "Docs/*.md")) + glob.glob(os.path.join(ROOT, "Lessons/*.md"))):
        stem = os.path.splitext(os.path.basename(path))[0].lower()
        text = open(path).read()
        code = blocks(text, "glassbox")
        for i, block in enumerate(code):
            write(f"{stem}-{i:02}.gbx", block)
        if code:
            write(f"{stem}-all.gbx", "\n".join(code))
        for i, exercise in enumerate(blocks(text, "exercise")):
            lines = [m.group(2) for m in re.finditer(r"^(solution|expect): (.*)$", exercise, flags=re.M)]
            if lines:
                write(f"{stem}-exercise-{i:02}.gbx", "\n".join(code + lines))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Validates .ipynb files against Jupyter's nbformat 4.5 JSON schema, strictly.

Usage: validate_ipynb.py FILE...

`nbformat.validate()` silently repairs some mistakes (it adds a missing cell `id` with only a
warning), so this script asks nbformat for the 4.5 schema validator and runs it on the file's
raw JSON instead. It also checks what nbformat would repair: every cell has a unique `id`.

Exit status: 0 when every file is valid, 1 when one is not (the reasons on stderr), 3 when the
nbformat package is missing (install it with `python3 -m pip install nbformat`).
"""
import json
import sys

try:
    from nbformat.validator import get_validator
except ImportError:
    print("nbformat is not installed: python3 -m pip install nbformat", file=sys.stderr)
    sys.exit(3)


def problems(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    found = []
    if (nb.get("nbformat"), nb.get("nbformat_minor")) != (4, 5):
        found.append("not nbformat 4.5: %r.%r" % (nb.get("nbformat"), nb.get("nbformat_minor")))
    validator = get_validator(version=4, version_minor=5, name="jsonschema")
    for error in validator.iter_errors(nb):
        where = "/".join(str(p) for p in error.path)
        found.append("%s: %s" % (where or "(top)", error.message))
    ids = [cell.get("id") for cell in nb.get("cells", [])]
    if any(i is None for i in ids):
        found.append("a cell has no id")
    if len(set(ids)) != len(ids):
        found.append("cell ids are not unique")
    return found


status = 0
for path in sys.argv[1:]:
    try:
        found = problems(path)
    except Exception as error:  # unreadable file or not JSON
        found = ["%s: %s" % (type(error).__name__, error)]
    for problem in found:
        print("%s: %s" % (path, problem), file=sys.stderr)
        status = 1
sys.exit(status)

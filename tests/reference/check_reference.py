#!/usr/bin/python3
"""Checks that the committed torch_reference.json is what this machine's PyTorch computes: runs
make_reference.py in a scratch directory and compares every number with the committed file
(relative 1e-12 for gradients and 1e-10 for optimizer trajectories and the cures' runs, as the C# tests, of
the number or of the largest in its array; absolute 1e-15 near zero; numbers inside a case's source text
likewise). The committed numbers are one machine's PyTorch: another machine's BLAS sums in another order,
and the last digits of a trajectory follow it. Run by ./test.sh when python3-torch is installed.

    /usr/bin/python3 tests/reference/check_reference.py
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# export --check's rule for an array's scale (the largest |x| of two arrays of numbers), from the exported module itself.
sys.path.insert(0, os.path.join(HERE, "..", "..", "runtime", "Grad.Runtime", "Export", "Python"))
from core import largest_magnitude  # noqa: E402


def tolerance(path):
    # The tolerances TorchAgreementTests uses: gradients to 1e-12; a 100-step optimizer trajectory to
    # 1e-10, as the judged runs and λmax (rounding differences between BLAS builds grow along a trajectory).
    return 1e-10 if path.startswith(("$.optimizers", "$.judgement", "$.training", "$.cures")) else 1e-12


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def close(path, a, b, scale=0.0):
    """Within the path's tolerance of the larger of the two numbers or of the largest magnitude in
    their array (scale), as export --check compares (docs/scale-out.md); absolute 1e-15 near zero."""
    if math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= max(tolerance(path) * max(abs(a), abs(b), scale), 1e-15)


def same_text(path, a, b):
    """Two texts that are the same apart from numbers within tolerance: a case's source embeds
    thresholds computed from PyTorch's own run (a run's `until loss < …`), whose last digits follow
    this machine's BLAS."""
    if NUMBER.split(a) != NUMBER.split(b):
        return False
    ours, theirs = NUMBER.findall(a), NUMBER.findall(b)
    return len(ours) == len(theirs) and all(close(path, float(x), float(y)) for x, y in zip(ours, theirs))


def compare(path, a, b, problems, scale=0.0):
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            problems.append(f"{path}: keys differ: {sorted(set(a) ^ set(b))}")
        for key in set(a) & set(b):
            compare(f"{path}.{key}", a[key], b[key], problems)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            problems.append(f"{path}: {len(a)} items, regenerated {len(b)}")
        scale = scale or largest_magnitude(a, b) or 0.0
        for i, (x, y) in enumerate(zip(a, b)):
            compare(f"{path}[{i}]", x, y, problems, scale)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if not close(path, a, b, scale):
            problems.append(f"{path}: committed {a!r}, PyTorch now {b!r}")
    elif isinstance(a, str) and isinstance(b, str):
        if a != b and not same_text(path, a, b):
            problems.append(f"{path}: committed {a!r}, PyTorch now {b!r}")
    elif a != b:
        problems.append(f"{path}: committed {a!r}, PyTorch now {b!r}")


def main():
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(os.path.join(HERE, "make_reference.py"), scratch)
        made = subprocess.run([sys.executable, os.path.join(scratch, "make_reference.py")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if made.returncode != 0:
            print(made.stderr)
            sys.exit(f"make_reference.py failed (exit {made.returncode})")
        with open(os.path.join(scratch, "torch_reference.json")) as f:
            regenerated = json.load(f)
    with open(os.path.join(HERE, "torch_reference.json")) as f:
        committed = json.load(f)
    committed.pop("torch", None)
    version = regenerated.pop("torch", "?")
    # The init cases are sample statistics of draws from torch's unseeded global generator (the
    # tests compare them with Grad's within a statistical tolerance): they differ on every run.
    committed.pop("inits", None)
    regenerated.pop("inits", None)
    problems = []
    compare("$", committed, regenerated, problems)
    count = sum(1 for _ in walk(committed))
    if problems:
        print(f"torch_reference.json differs from PyTorch {version} in {len(problems)} places:")
        for p in problems[:20]:
            print("  " + p)
        sys.exit(1)
    print(f"torch_reference.json: {count} numbers equal PyTorch {version}'s (gradients to 1e-12, optimizer trajectories to 1e-10)")


def walk(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        yield v


if __name__ == "__main__":
    main()

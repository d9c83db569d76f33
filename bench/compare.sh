#!/usr/bin/env bash
# One end-to-end table: workloads W1–W4 (bench/workloads/) run through the `grad` CLI, and the
# same workloads in PyTorch (eager) and NumPy (bench/reference_workloads.py), all float64 at one
# thread (W3 also at two), with Grad's speed-up against the targets of issue 13.
#
#   bench/compare.sh           the table (a few minutes)
#   bench/compare.sh --quick   fewer repetitions (about a minute; noisier)
#
# Grad's time per step is the slope between two step counts of the same file (best of several
# runs each), so start-up and data loading are excluded; start-up is measured on its own.
# The machine may be shared: the load average is printed before and after; compare ratios, not
# absolute times. Kernel-level numbers: dotnet run -c Release --project bench/Grad.Benchmarks.
# Needs Debian's python3-torch and python3-numpy (apt-get install -y python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/.."

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
export DOTNET_gcServer=0 DOTNET_TieredPGO=1
repeats=5
[[ "${1:-}" == "--quick" ]] && repeats=2

dotnet build -c Release runtime/Grad.Cli -nologo -v quiet >/dev/null
grad=runtime/Grad.Cli/bin/Release/net10.0/grad
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp bench/workloads/*.grad "$work/"

/usr/bin/python3 - "$work" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(0)
def write(name, x, target, y, fmt):
    with open(f"{sys.argv[1]}/{name}", "w") as f:
        f.write(",".join([f"x{i}" for i in range(x.shape[1])] + [target]) + "\n")
        for row, value in zip(x, y):
            f.write(",".join(f"{v:.6f}" for v in row) + "," + fmt(value) + "\n")
write("w3.csv", rng.random((128, 784)), "label", rng.integers(0, 10, 128), str)
write("w4.csv", rng.random((64, 32)), "y", rng.random(64), lambda v: f"{v:.6f}")
PY

echo "load before: $(uptime)"
reference=$(/usr/bin/python3 bench/reference_workloads.py "$work")
/usr/bin/python3 - "$grad" "$work" "$repeats" "$reference" <<'PY'
import subprocess, sys, time
grad, work, repeats, reference = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ref = {k: float(v) for k, v in (line.split() for line in reference.strip().splitlines())}

def wall(args):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best

def per_step(workload, few, many, threads=1):
    times = []
    for steps in (few, many):
        path = f"{work}/{workload}_{steps}.grad"
        with open(f"{work}/{workload}.grad") as source, open(path, "w") as target:
            target.write(source.read().replace("STEPS", str(steps)))
        times.append(wall([grad, "run", path, "--threads", str(threads)]))
    return (times[1] - times[0]) / (many - few) * 1e6

startup = wall([grad, "run", "examples/seed.grad", "--threads", "1"])
# Below 700,000 steps: later, w1 is a subnormal number that no longer changes, and slows every step.
w1 = per_step("w1_bowl", 10_000, 610_000)
w2 = per_step("w2_chain", 1000, 200_000)
w3 = per_step("w3_mlp", 3, 33)
w3_two = per_step("w3_mlp", 3, 33, threads=2)
w4 = per_step("w4_narrow", 10, 510)

rows = [
    ("W1 seed bowl, sgd", w1, ref["w1_torch"], ref["w1_python"], "python floats", 500),
    ("W2 50 × 1 sigmoid chain, train step", w2, ref["w2_torch"], ref["w2_numpy"], "numpy", 1000),
    ("W3 784-512-512-10 relu, batch 128", w3, ref["w3_torch"], ref["w3_numpy"], "numpy", 1.0),
    ("W4 32 → 20 × 64 sigmoid → 1, batch 64", w4, ref["w4_torch"], ref["w4_numpy"], "numpy", 2.0),
]
print(f"{'workload (µs per step, 1 thread)':40} {'Grad CLI':>10} {'PyTorch':>10} {'NumPy/Py':>10} {'vs PyTorch':>11} {'vs NumPy':>9} {'target':>8}")
for name, mine, torch_us, other_us, other_name, target in rows:
    ratio = torch_us / mine
    print(f"{name:40} {mine:10.3f} {torch_us:10.1f} {other_us:10.3f} {ratio:10.2f}x {other_us / mine:8.2f}x {target:7g}x {'ok' if ratio >= target else 'MISSED'}")
print(f"{'W1 against torch.optim.SGD':40} {w1:10.3f} {ref['w1_torch_optim']:10.1f} {'':10} {ref['w1_torch_optim'] / w1:10.2f}x")
speedup = w3 / w3_two
print(f"{'W3 at 2 threads':40} {w3_two:10.1f} {'':10} {'':10} {w3 / w3_two:10.2f}x (of its own 1-thread speed; target 1.7x) {'ok' if speedup >= 1.7 else 'MISSED'}")
print(f"{'start-up: grad run examples/seed.grad':40} {startup:9.3f}s {'':10} {'':10} {'':11} {'':9} {'< 0.3 s':>8} {'ok' if startup < 0.3 else 'MISSED'}")
PY
echo "load after: $(uptime)"

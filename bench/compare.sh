#!/usr/bin/env bash
# Runs the two benchmark workloads in Grad (BenchmarkDotNet) and in PyTorch (eager, float64),
# both on one thread, and prints Grad's speed-up over PyTorch for each.
#
#   bench/compare.sh           BenchmarkDotNet (short job) for Grad; a few minutes
#   bench/compare.sh --quick   a Stopwatch best-of-5 for Grad; seconds
#
# BenchmarkDotNet runs in-process: its generated project cannot rebuild the ANTLR-generated parser.
# Needs Debian's python3-torch (apt-get install -y python3-torch libopenblas0-pthread).
# Targets: chain ≥ 50× faster than PyTorch; MLP step ≥ 0.5× PyTorch's throughput.
set -euo pipefail
cd "$(dirname "$0")/.."

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Grad's kernels are single-threaded; keep the GC on one heap too.
export DOTNET_gcServer=0 DOTNET_GCHeapCount=1

dotnet build -c Release bench/Grad.Benchmarks -nologo -v quiet >/dev/null
bench_dll=bench/Grad.Benchmarks/bin/Release/net10.0/Grad.Benchmarks.dll

if [[ "${1:-}" == "--quick" ]]; then
  grad=$(dotnet "$bench_dll" quick)
else
  artifacts=$(mktemp -d)
  dotnet "$bench_dll" --filter '*' --job short --inProcess --exporters json --artifacts "$artifacts" >"$artifacts/log.txt"
  grad=$(/usr/bin/python3 - "$artifacts" <<'PY'
import glob, json, sys
means = {}
for path in glob.glob(f"{sys.argv[1]}/results/*-report-full-compressed.json") + glob.glob(f"{sys.argv[1]}/results/*-report.json"):
    for b in json.load(open(path))["Benchmarks"]:
        means[b["Method"]] = b["Statistics"]["Mean"] / 1000.0  # ns → µs
print(f"chain_us {means['ChainForwardBackward']:.3f}")
print(f"mlp_us {means['MlpTrainingStep']:.1f}")
PY
)
fi
torch=$(/usr/bin/python3 bench/torch_bench.py)

/usr/bin/python3 - "$grad" "$torch" <<'PY'
import sys
def parse(text):
    return {k: float(v) for k, v in (line.split() for line in text.strip().splitlines())}
grad, torch = parse(sys.argv[1]), parse(sys.argv[2])
rows = [("chain: 50-layer sigmoid chain, forward+backward", "chain_us", 50.0),
        ("mlp: 784-512-512-10 ReLU step, batch 128", "mlp_us", 0.5)]
print(f"{'workload':50} {'Grad µs':>12} {'PyTorch µs':>12} {'speed-up':>9} {'target':>8}")
for name, key, target in rows:
    ratio = torch[key] / grad[key]
    verdict = "ok" if ratio >= target else "MISSED"
    print(f"{name:50} {grad[key]:12.3f} {torch[key]:12.3f} {ratio:8.2f}x {target:7.1f}x {verdict}")
PY

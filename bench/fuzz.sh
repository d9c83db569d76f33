#!/usr/bin/env bash
# The grammar-aware fuzzer at scale: CASES cases (default 1,000,000) in JOBS shards (default 2),
# each shard a test process with its own seed, its peak memory measured by /usr/bin/time.
# Any crash (the process dies, e.g. a stack overflow), hang (a case over 20 s of CPU) or peak
# working set of 1 GB or more fails its shard. SECONDS_LIMIT (default: none) stops every shard after
# that many seconds and reports how many cases ran.
#   bench/fuzz.sh [CASES] [JOBS] [SECONDS_LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-1000000}
jobs=${2:-2}
seconds=${3:-0}
out=$(mktemp -d /tmp/grad-fuzz-XXXXXX)
dotnet build tests/Grad.Runtime.Tests -c Release -nologo -v:q >/dev/null
echo "fuzz: $cases cases in $jobs shards${seconds:+, at most $seconds s}; logs in $out"
start=$(date +%s)
pids=()
for shard in $(seq 1 "$jobs"); do
  GRAD_FUZZ_CASES=$(( (cases + jobs - 1) / jobs )) GRAD_FUZZ_SEED=$(( 1000 + shard )) GRAD_FUZZ_SECONDS=$seconds \
  GRAD_FUZZ_REPORT="$out/shard$shard.txt" \
    /usr/bin/time -v -o "$out/shard$shard.time" \
    dotnet test tests/Grad.Runtime.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~FuzzTests" >"$out/shard$shard.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  shard=$((i + 1))
  if ! wait "${pids[$i]}"; then
    failed=1
    echo "shard $shard FAILED:"; grep -E "hang|crash|peak memory|Stack overflow|fatal" "$out/shard$shard.log" | head -5
  fi
  cat "$out/shard$shard.txt" 2>/dev/null || true
  echo "  shard $shard: max RSS of the test process $(awk -F': ' '/Maximum resident/ {printf "%d MB", $2/1024}' "$out/shard$shard.time")"
done
total=$(cat "$out"/shard*.txt 2>/dev/null | awk '{s += $2} END {print s + 0}')
echo "fuzz: $total cases in $(( $(date +%s) - start )) s, $([ $failed = 0 ] && echo "0 crashes, 0 hangs" || echo "FAILURES (see above)")"
exit $failed

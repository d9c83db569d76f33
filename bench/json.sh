#!/usr/bin/env bash
# What --json costs: the same 2,000,000-step run of a 50-layer chain (bench/workloads/json_chain.grad)
# without and with `--json`, printing each one's wall time and peak RSS (GNU time), the ratio of the
# times, and whether the JSON is valid (python3 -m json.tool). Issue 11 asks for peak RSS < 150 MB and
# at most 1.3x the time. The machine may be shared: the load average is printed; compare the ratio.
#
#   bench/json.sh              the full 2,000,000 steps (a few minutes)
#   bench/json.sh STEPS        another step count, e.g. 200000 for a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-2000000}

dotnet build -c Release runtime/Grad.Cli -nologo -v quiet >/dev/null
grad=runtime/Grad.Cli/bin/Release/net10.0/grad
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s/steps 2000000/steps $steps/" bench/workloads/json_chain.grad > "$work/chain.grad"

measure() { # label, then the command; prints "label seconds peak-KB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  read -r seconds kilobytes < "$work/time"
  echo "$label $seconds $kilobytes"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
plain=$(measure plain "$grad" run "$work/chain.grad")
json=$(measure json "$grad" run "$work/chain.grad" --json "$work/chain.json")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

valid=no
/usr/bin/python3 -m json.tool "$work/chain.json" >/dev/null && valid=yes
bytes=$(stat -c %s "$work/chain.json")
read -r _ plain_s plain_kb <<<"$plain"
read -r _ json_s json_kb <<<"$json"
awk -v steps="$steps" -v ps="$plain_s" -v pk="$plain_kb" -v js="$json_s" -v jk="$json_kb" -v bytes="$bytes" -v valid="$valid" 'BEGIN {
  printf "%d steps of a 50-layer chain\n", steps
  printf "  without --json  %7.2f s  peak RSS %6.1f MB\n", ps, pk / 1024
  printf "  with --json     %7.2f s  peak RSS %6.1f MB  (%.1f MB of JSON, valid: %s)\n", js, jk / 1024, bytes / 1048576, valid
  printf "  time ratio      %7.3f    (target <= 1.3; peak RSS target < 150 MB)\n", js / ps
}'

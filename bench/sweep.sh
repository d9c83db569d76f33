#!/usr/bin/env bash
# The speed-up of a sweep's members running in parallel: the same 6-member sweep (3 learning rates
# × 2 inits of a mini-batch tanh network on 400 moons) with `grad run --jobs 1` and `--jobs 2`,
# best of REPEATS (default 3) wall-clock times each, and the ratio. Also checks that the two JSON
# files are byte-identical (each member runs alone on its thread: the same bits for any --jobs).
#
#   bench/sweep.sh [REPEATS]
#
# The machine may be shared: the load average is printed before and after; an ideal 2-core
# speed-up is 2 (start-up, compilation and the file's own base run are serial).
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-3}

export DOTNET_gcServer=0
dotnet build -c Release runtime/Grad.Cli -nologo -v quiet >/dev/null
grad=runtime/Grad.Cli/bin/Release/net10.0/grad
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The base run takes one epoch (e = 1) and the members 150 (vary e in [150]), so the time is the members'.
cat > "$work/sweep.grad" <<'GRAD'
let e = 1
network net {
  input 2
  dense 32 tanh
  dense 32 tanh
  dense 1 sigmoid
  loss bce
  seed 1
}
data moons = moons(n = 400, noise = 0.1, seed = 2)
run base {
  train net on moons
  optimizer sgd(lr = 0.1, momentum = 0.9)
  epochs e
  batch 16
}
sweep lrs {
  run base
  vary lr in [0.01, 0.1, 1]
  vary init in [normal(mean = 0, std = 1), he_normal]
  vary e in [150]
}
GRAD

best() { # jobs → best wall-clock seconds of $repeats runs
  local jobs=$1 best=""
  for _ in $(seq "$repeats"); do
    local start end took
    start=$(date +%s.%N)
    "$grad" run "$work/sweep.grad" --jobs "$jobs" --no-analysis --quiet --json "$work/jobs$jobs.json"
    end=$(date +%s.%N)
    took=$(echo "$end - $start" | bc -l)
    if [[ -z "$best" ]] || (( $(echo "$took < $best" | bc -l) )); then best=$took; fi
  done
  echo "$best"
}

echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
one=$(best 1)
two=$(best 2)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cmp -s "$work/jobs1.json" "$work/jobs2.json" && same="byte-identical" || same="DIFFERENT"
printf 'sweep of 6 members: --jobs 1 %.2f s, --jobs 2 %.2f s: speed-up %.2fx (JSON %s)\n' "$one" "$two" "$(echo "$one / $two" | bc -l)" "$same"
load=$(cut -d' ' -f1 /proc/loadavg)
if (( $(echo "$load >= $(nproc)" | bc -l) )); then
  echo "note: the load average ($load) is at least the number of cores ($(nproc)): the second job found no idle core, so this speed-up says little; run it again on a quiet machine"
fi
[[ "$same" == "byte-identical" ]]

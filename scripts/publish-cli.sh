#!/usr/bin/env bash
# Publishes the `grad` command standalone for this platform: self-contained (the .NET runtime inside,
# nothing to install where it runs) and compiled ahead of time as one composite ReadyToRun image of
# grad and the framework together, so that the generic framework code grad instantiates with its own
# types (collections, LINQ, ANTLR's) is native code too, not JIT-compiled at every start:
# `grad run examples/seed.grad` starts in about 0.27 s where the framework-dependent ReadyToRun build
# takes about 0.34 s (bench/compare.sh measures this build). About 120 MB; the build takes about two
# minutes (it compiles the framework). The .NET tool (README) is the small, portable install.
# Usage: scripts/publish-cli.sh OUT_DIR        then OUT_DIR/grad run FILE
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:?usage: scripts/publish-cli.sh OUT_DIR}"
case "$(uname -s)-$(uname -m)" in
  Linux-aarch64) RID=linux-arm64 ;;
  Darwin-arm64) RID=osx-arm64 ;;
  Darwin-x86_64) RID=osx-x64 ;;
  *) RID=linux-x64 ;;
esac
# Built in a copy of the sources with build directories of its own: a self-contained build's
# intermediate files must not meet those of the framework-dependent builds in obj/ (each would read
# the other's and make a grad that aborts at start-up).
OUT="$(mkdir -p "$OUT" && cd "$OUT" && pwd)"
COPY="$(mktemp -d)"
trap 'rm -rf "$COPY"' EXIT
(cd "$ROOT" && tar --exclude=./node_modules --exclude=./.git --exclude='*/bin' --exclude='*/obj' -cf - .) | tar -xf - -C "$COPY"
[ -d "$ROOT/node_modules" ] && ln -s "$ROOT/node_modules" "$COPY/node_modules"
dotnet publish "$COPY/runtime/Grad.Cli/Grad.Cli.csproj" -c Release -r "$RID" --self-contained \
  -p:PublishReadyToRunComposite=true -o "$OUT" -nologo -v quiet
[ -x "$OUT/grad" ] || { echo "dotnet publish did not produce $OUT/grad"; exit 1; }

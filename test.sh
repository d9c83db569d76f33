#!/usr/bin/env bash
# Runs every test of Grad: the C# solution (language, runtime, language server), the PyTorch reference
# check, and the VS Code extension's tests, including the webview in headless Chromium and the
# end-to-end test in a real VS Code. What those need (PyTorch, Dask, Chromium, code-server) is
# installed first when this machine allows it (root: apt, npm); what could not be run is listed at the end.
# Used as is by .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
SKIPPED="$(mktemp)"
TEST_LOG="$(mktemp)"
export GRAD_SKIPPED_LOG="$SKIPPED"
trap 'rm -f "$SKIPPED" "$TEST_LOG"' EXIT

echo "== test prerequisites (PyTorch, Dask, Chromium, code-server)"
bash scripts/install-test-deps.sh

echo "== npm ci (ANTLR tool jar, extension dependencies)"
npm ci --no-audit --no-fund

echo "== dotnet build (warnings are errors)"
dotnet build Dsl.sln -c Release -nologo -v:q

echo "== dotnet test"
# -v:q keeps the build quiet; the console logger at "minimal" still prints each failed test with its message and stack.
dotnet test Dsl.sln -c Release --no-build -nologo -v:q --logger "console;verbosity=minimal" 2>&1 | tee "$TEST_LOG"
# xUnit runs one of two theory cases whose data print alike and skips the other without counting it as skipped.
if grep -q "Skipping test case with duplicate ID" "$TEST_LOG"; then
  echo "FAILED: xUnit skipped theory cases whose data print alike (give each case data of its own):"
  grep -o "Skipping test case with duplicate ID.*" "$TEST_LOG" | sed 's/^/  /'
  exit 1
fi

echo "== PyTorch reference (tests/reference/torch_reference.json regenerated and compared)"
if /usr/bin/python3 -c "import torch" >/dev/null 2>&1; then
  /usr/bin/python3 tests/reference/check_reference.py
else
  echo "skipped PyTorch reference check: python3-torch is not installed" | tee -a "$SKIPPED"
fi

echo "== extension tests (and the end-to-end test in VS Code)"
bash scripts/test-all-node.sh

echo "== summary"
if [ -s "$SKIPPED" ]; then
  echo "NOT RUN on this machine:"; sed 's/^/  /' "$SKIPPED"
else
  echo "every test ran (nothing skipped)"
fi

#!/usr/bin/env bash
# The end-to-end test of the VS Code extension: packages the .vsix (npm run package), builds the CLI
# (the reference numbers), then runs scripts/e2e-test.js in code-server + headless Chromium.
# Needs scripts/e2e-setup.sh to have run once. Artefacts (screenshots, result.json, logs): artifacts/e2e/.
# Env: GRAD_E2E_DIR (default $HOME/.cache/grad-e2e); E2E_NO_PACKAGE=1 reuses the existing .vsix.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E_DIR="${GRAD_E2E_DIR:-$HOME/.cache/grad-e2e}"
cd "$ROOT"
if [ ! -f "$E2E_DIR/cs/node_modules/code-server/out/node/entry.js" ] || [ ! -d "$E2E_DIR/tools/node_modules/playwright-core" ]; then
  echo "code-server or playwright-core is not installed in $E2E_DIR: run scripts/e2e-setup.sh first"; exit 1
fi
T0=$(date +%s)
if [ "${E2E_NO_PACKAGE:-0}" != 1 ]; then bash scripts/package.sh; fi
echo "=== building the CLI (runtime/Grad.Cli, Release) for the reference numbers"
dotnet build runtime/Grad.Cli/Grad.Cli.csproj -c Release -nologo -v quiet
echo "=== e2e test"
GRAD_CLI="dotnet $ROOT/runtime/Grad.Cli/bin/Release/net10.0/grad.dll" node scripts/e2e-test.js
echo "=== e2e done in $(( $(date +%s) - T0 ))s; artefacts in $ROOT/artifacts/e2e"

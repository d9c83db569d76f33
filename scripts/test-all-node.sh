#!/usr/bin/env bash
# Every Node-side test: the extension's unit and grammar tests always; the end-to-end test in
# code-server only when scripts/e2e-setup.sh has installed it (otherwise a "skipped e2e" line).
# Usage: bash scripts/test-all-node.sh      (from anywhere; needs `npm ci` at the root)
# Env:   GRAD_E2E_DIR (default $HOME/.cache/grad-e2e); E2E=0 skips the e2e test even when installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E_DIR="${GRAD_E2E_DIR:-$HOME/.cache/grad-e2e}"
cd "$ROOT"
[ -d node_modules/vscode-textmate ] || npm ci --no-audit --no-fund
echo "=== extension: typecheck, unit and grammar tests"
npm run --silent test:extension
echo "=== e2e helper tests"
node --test scripts/test
if [ "${E2E:-1}" = 0 ]; then
  echo "skipped e2e: E2E=0"
elif [ -f "$E2E_DIR/cs/node_modules/code-server/out/node/entry.js" ] && [ -d "$E2E_DIR/tools/node_modules/playwright-core" ] && [ -x /usr/bin/chromium ]; then
  bash scripts/e2e.sh
else
  echo "skipped e2e: code-server not installed in $E2E_DIR; run scripts/e2e-setup.sh"
fi

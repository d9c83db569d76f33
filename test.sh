#!/usr/bin/env bash
# Runs every test of Grad: the C# solution (language, runtime, language server) and the VS Code
# extension's tests; the end-to-end test in a real VS Code runs when scripts/e2e-setup.sh has
# installed code-server. Used as is by .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

echo "== npm ci (ANTLR tool jar, extension dependencies)"
npm ci --no-audit --no-fund

echo "== dotnet build (warnings are errors)"
dotnet build Dsl.sln -c Release -nologo -v:q

echo "== dotnet test"
dotnet test Dsl.sln -c Release --no-build -nologo -v:q

echo "== extension tests (and the end-to-end test in VS Code when scripts/e2e-setup.sh has installed code-server)"
bash scripts/test-all-node.sh

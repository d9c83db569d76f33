#!/usr/bin/env bash
# Builds the VS Code extension with the language server inside and writes vscode-extension/grad-<version>.vsix.
#   1. esbuild bundles vscode-extension/src into dist/extension.js
#   2. dotnet publish of server/Grad.LanguageServer (framework-dependent, Release, ReadyToRun for this
#      platform so the server starts fast; its IL runs anywhere else) into vscode-extension/server/
#   3. @vscode/vsce packages it (offline). vsce (~140 MB with its dependencies) is not a dependency of the
#      repository: it is taken from $VSCE, or from the e2e tools dir, and installed there from npm if missing.
# Usage: npm run package     (or bash scripts/package.sh)
# Env:   GRAD_E2E_DIR (default $HOME/.cache/grad-e2e): where vsce is installed (tools/);  VSCE: a vsce to use.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/vscode-extension"
E2E_DIR="${GRAD_E2E_DIR:-$HOME/.cache/grad-e2e}"
VSCE_VERSION=3.9.2
T0=$(date +%s)
step() { echo "=== [$(( $(date +%s) - T0 ))s] $*"; }

cd "$ROOT"
if [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/vscode-languageclient ]; then
  step "npm ci (root and the vscode-extension workspace)"
  npm ci --no-audit --no-fund
fi

step "bundling the extension (esbuild)"
npm run --silent build -w vscode-extension

step "dotnet publish server/Grad.LanguageServer -> vscode-extension/server (framework-dependent, ReadyToRun)"
command -v dotnet > /dev/null || { echo "dotnet (the .NET 10 SDK) is needed to build the language server"; exit 1; }
rm -rf "$EXT/server"
# A runtime identifier turns on ReadyToRun (Grad.LanguageServer.csproj): this platform's native code
# next to the IL, which other platforms compile as usual (no apphost, no native dependencies).
case "$(uname -s)-$(uname -m)" in
  Linux-aarch64) RID=linux-arm64 ;;
  Darwin-arm64) RID=osx-arm64 ;;
  Darwin-x86_64) RID=osx-x64 ;;
  *) RID=linux-x64 ;;
esac
dotnet publish "$ROOT/server/Grad.LanguageServer/Grad.LanguageServer.csproj" -c Release -r "$RID" -o "$EXT/server" \
  --no-self-contained -p:UseAppHost=false -p:DebugType=none -p:SatelliteResourceLanguages=en -p:GenerateDocumentationFile=false -nologo -v quiet
[ -f "$EXT/server/Grad.LanguageServer.dll" ] || { echo "dotnet publish did not produce $EXT/server/Grad.LanguageServer.dll"; exit 1; }

VSCE_BIN="${VSCE:-$E2E_DIR/tools/node_modules/.bin/vsce}"
if [ ! -x "$VSCE_BIN" ]; then
  step "installing @vscode/vsce@$VSCE_VERSION into $E2E_DIR/tools (once)"
  mkdir -p "$E2E_DIR/tools"
  [ -f "$E2E_DIR/tools/package.json" ] || echo '{"name":"grad-e2e-tools","private":true}' > "$E2E_DIR/tools/package.json"
  (cd "$E2E_DIR/tools" && npm install --no-audit --no-fund "@vscode/vsce@$VSCE_VERSION") > "$E2E_DIR/vsce-install.log" 2>&1 \
    || { tail -30 "$E2E_DIR/vsce-install.log"; exit 1; }
fi

VERSION="$(node -p "require('$EXT/package.json').version")"
VSIX="$EXT/grad-$VERSION.vsix"
step "vsce package -> $VSIX"
rm -f "$VSIX"
# --no-dependencies: dist/extension.js is a bundle, node_modules is not shipped.
# --no-rewrite-relative-links: the README's screenshot stays a relative link (no marketplace repository here).
(cd "$EXT" && "$VSCE_BIN" package --no-dependencies --no-rewrite-relative-links --out "$VSIX" < /dev/null)
step "done: $VSIX ($(du -h "$VSIX" | cut -f1))"

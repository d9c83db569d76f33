#!/usr/bin/env bash
# Installs what the end-to-end test of the VS Code extension needs, into a cache dir outside the repo:
#   code-server 4.100.3 (real VS Code 1.100.3 workbench, from npm), playwright-core (driver only, it
#   never downloads a browser: the test uses Debian's /usr/bin/chromium) and @vscode/vsce (packages
#   the .vsix offline). The offline recipe: apt packages for the native
#   builds, Debian's ripgrep seeded into @vscode/ripgrep's download cache (its postinstall would
#   otherwise fetch rg from GitHub), and npm_config_* settings that let node-gyp/npx work offline.
#
# Usage: scripts/e2e-setup.sh            (cache dir: $GRAD_E2E_DIR, default $HOME/.cache/grad-e2e)
#        APT=0 scripts/e2e-setup.sh      (skip apt-get; only check that the packages are there)
#        CLEAN=1 scripts/e2e-setup.sh    (wipe the cache dir first)
# Idempotent: steps whose result is already there are skipped.
set -euo pipefail

E2E_DIR="${GRAD_E2E_DIR:-$HOME/.cache/grad-e2e}"
CODE_SERVER_VERSION=4.100.3   # newest code-server whose engines field accepts Node 20
RG_PKG_VERSION=1.15.11        # @vscode/ripgrep pinned in code-server's lib/vscode/npm-shrinkwrap.json
PLAYWRIGHT_VERSION=1.65.1
VSCE_VERSION=3.9.2
case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) echo "unsupported architecture $(uname -m)"; exit 1 ;;
esac
RG_ASSET="ripgrep-v13.0.0-10-$RG_TARGET.tar.gz"   # the asset name @vscode/ripgrep's postinstall looks for

APT_PKGS="build-essential python3 pkg-config libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev ripgrep chromium"
missing=()
for b in /usr/bin/chromium /usr/bin/rg /usr/bin/make /usr/bin/g++ /usr/bin/pkg-config /usr/include/krb5.h; do
  [ -e "$b" ] || missing+=("$b")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${APT:-1}" = 1 ] && [ "$(id -u)" = 0 ]; then
    echo "=== apt-get install $APT_PKGS (missing: ${missing[*]})"
    apt-get -o DPkg::Lock::Timeout=900 update
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y $APT_PKGS
  else
    echo "missing ${missing[*]}: run as root: apt-get install -y $APT_PKGS"; exit 1
  fi
fi
[ -e /usr/include/node/node_api.h ] || { echo "Node's headers are not in /usr/include/node (node-gyp would download them)"; exit 1; }
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] || { echo "code-server $CODE_SERVER_VERSION needs Node 20"; exit 1; }

[ "${CLEAN:-0}" = 1 ] && rm -rf "$E2E_DIR"
mkdir -p "$E2E_DIR"
cd "$E2E_DIR"
T0=$(date +%s)
step() { echo "=== [$(( $(date +%s) - T0 ))s] $*"; }

export npm_config_nodedir=/usr      # node-gyp: Node's headers from /usr/include/node, no download
export npm_config_yes=true          # node-pty's post-install runs `npx node-gyp …`; npx must not cancel
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export TMPDIR="$E2E_DIR/tmp"        # @vscode/ripgrep's download cache is $TMPDIR/vscode-ripgrep-cache-<version>/
mkdir -p "$TMPDIR"

if [ ! -x cs/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg ]; then
  step "seeding @vscode/ripgrep's download cache with Debian's /usr/bin/rg"
  mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION" rg-stage cs
  cp /usr/bin/rg rg-stage/rg
  tar czf "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C rg-stage rg
  step "npm install code-server@$CODE_SERVER_VERSION (compiles native modules, ~1 min; log: $E2E_DIR/cs-install.log)"
  [ -f cs/package.json ] || echo '{"name":"grad-e2e-code-server","private":true}' > cs/package.json
  # npm_config_unsafe_perm=true: code-server's postinstall.sh refuses to run as root without it.
  (cd cs && npm_config_unsafe_perm=true npm install --foreground-scripts "code-server@$CODE_SERVER_VERSION") > cs-install.log 2>&1 \
    || { tail -40 cs-install.log; echo "code-server install failed, see $E2E_DIR/cs-install.log"; exit 1; }
  grep -q "Using cached download" cs-install.log && echo "ripgrep: used the seeded cache (no GitHub download)"
else
  step "code-server already installed"
fi

if [ ! -d tools/node_modules/playwright-core ] || [ ! -d tools/node_modules/@vscode/vsce ]; then
  step "npm install playwright-core@$PLAYWRIGHT_VERSION @vscode/vsce@$VSCE_VERSION"
  mkdir -p tools
  [ -f tools/package.json ] || echo '{"name":"grad-e2e-tools","private":true}' > tools/package.json
  (cd tools && npm install "playwright-core@$PLAYWRIGHT_VERSION" "@vscode/vsce@$VSCE_VERSION") > tools-install.log 2>&1 \
    || { tail -40 tools-install.log; echo "tools install failed, see $E2E_DIR/tools-install.log"; exit 1; }
else
  step "playwright-core and @vscode/vsce already installed"
fi
step "done: $E2E_DIR ($(du -sh "$E2E_DIR" | cut -f1))"

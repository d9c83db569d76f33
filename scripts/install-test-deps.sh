#!/usr/bin/env bash
# Installs what the tests beyond the C# solution need, when it can (as root, from Debian's packages and
# npm): PyTorch and OpenBLAS (the PyTorch reference check and the export tests), Dask's distributed (the
# sweep-on-a-cluster test), and Chromium + code-server + playwright-core (the webview and real-VS-Code
# tests, through scripts/e2e-setup.sh). Idempotent: what is there is not installed again.
# Prints one "missing …" line per thing it could not install; the tests that need it then print their
# own "skipped …" line. Never fails the run: a machine without them still runs every other test.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

have_py() { /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }

pkgs=()
have_py torch || pkgs+=(python3-torch libopenblas0-pthread)
have_py distributed || pkgs+=(python3-distributed)
if [ ${#pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apt-get install ${pkgs[*]}"
    apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${pkgs[@]}" >/dev/null 2>&1 \
      || echo "missing: apt-get install ${pkgs[*]} failed"
  else
    echo "missing: ${pkgs[*]} (not root: run apt-get install -y ${pkgs[*]})"
  fi
fi
have_py torch && echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')" || echo "missing: python3-torch"
have_py distributed && echo "Dask distributed $(/usr/bin/python3 -c 'import distributed; print(distributed.__version__)')" || echo "missing: python3-distributed"

E2E_DIR="${GRAD_E2E_DIR:-$HOME/.cache/grad-e2e}"
if [ "${E2E:-1}" != 0 ] && { [ ! -f "$E2E_DIR/cs/node_modules/code-server/out/node/entry.js" ] || [ ! -d "$E2E_DIR/tools/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; }; then
  echo "installing code-server, playwright-core and Chromium for the VS Code tests (scripts/e2e-setup.sh)"
  APT=$([ "$(id -u)" = 0 ] && echo 1 || echo 0) bash "$ROOT/scripts/e2e-setup.sh" > /tmp/grad-e2e-setup.log 2>&1 \
    || { tail -5 /tmp/grad-e2e-setup.log; echo "missing: the VS Code e2e set-up failed (log: /tmp/grad-e2e-setup.log)"; }
fi
exit 0

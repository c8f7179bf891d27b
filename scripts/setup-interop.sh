#!/usr/bin/env bash
# Installs the real third-party clients the interop suite (tests/tests/interop.rs) runs against
# the emulator: simple-salesforce in tests/interop/.venv (pinned by requirements.txt) and
# jsforce in tests/interop/node_modules (pinned by package-lock.json). Idempotent and
# non-interactive: does nothing when both already match their pins.
set -euo pipefail
cd "$(dirname "$0")/../tests/interop"

python=${PYTHON:-python3}
venv=.venv
stamp_py=$venv/.requirements.sha256
stamp_js=node_modules/.package-lock.sha256

sum() { sha256sum "$1" | cut -d' ' -f1; }

# Python: a venv with exactly requirements.txt.
if [[ -x $venv/bin/python && -f $stamp_py && $(cat "$stamp_py") == "$(sum requirements.txt)" ]] &&
  "$venv/bin/python" -c 'import simple_salesforce' 2>/dev/null; then
  echo "setup-interop: $venv is up to date"
else
  echo "setup-interop: installing simple-salesforce into tests/interop/$venv"
  [[ -x $venv/bin/python ]] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r requirements.txt
  sum requirements.txt >"$stamp_py"
fi

# Node: node_modules exactly as package-lock.json says.
if [[ -f $stamp_js && $(cat "$stamp_js") == "$(sum package-lock.json)" ]] &&
  [[ $(node -p 'require("jsforce/package.json").version' 2>/dev/null) == 3.10.8 ]]; then
  echo "setup-interop: node_modules is up to date"
else
  echo "setup-interop: npm ci in tests/interop"
  npm ci --no-audit --no-fund --loglevel=error
  sum package-lock.json >"$stamp_js"
fi

"$venv/bin/python" -c 'from importlib.metadata import version as v; assert v("simple-salesforce") == "1.12.10", v("simple-salesforce")'
node -e 'const v = require("jsforce/package.json").version; if (v !== "3.10.8") throw new Error(v)'
echo "setup-interop: simple-salesforce 1.12.10 and jsforce 3.10.8 ready"

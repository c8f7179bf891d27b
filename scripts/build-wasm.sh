#!/usr/bin/env bash
# Build the plugin for wasm32 and generate the Node (CommonJS) glue into host-shim/js/pkg/.
# Installs the wasm toolchain first when missing (scripts/install-wasm-tools.sh is idempotent),
# so this one command works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-wasm-tools.sh
cargo build -p sfrpc-plugin --target wasm32-unknown-unknown --release
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
wasm-bindgen --target nodejs --out-dir host-shim/js/pkg \
  "${target_dir}/wasm32-unknown-unknown/release/sfrpc_plugin.wasm"
# The glue is CommonJS while host-shim/js is an ES-module package: mark pkg/ as CommonJS.
printf '{ "type": "commonjs" }\n' > host-shim/js/pkg/package.json
echo "build-wasm: wrote host-shim/js/pkg/sfrpc_plugin.js and sfrpc_plugin_bg.wasm"

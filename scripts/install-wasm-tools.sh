#!/usr/bin/env bash
# Install the wasm toolchain pieces sfrpc needs: the wasm32 target and the
# wasm-bindgen CLI at exactly the version of the `wasm-bindgen` crate in Cargo.lock.
# Non-interactive and idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  rustup target add wasm32-unknown-unknown
fi

version="$(awk '
  /^\[\[package\]\]/ { in_pkg = 1; name = ""; next }
  in_pkg && /^name = / { name = $3; gsub(/"/, "", name); next }
  in_pkg && /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
' Cargo.lock)"
if [ -z "${version}" ]; then
  echo "install-wasm-tools: no wasm-bindgen package in Cargo.lock" >&2
  exit 1
fi

if command -v wasm-bindgen >/dev/null 2>&1 \
  && [ "$(wasm-bindgen --version | awk '{print $2}')" = "${version}" ]; then
  echo "install-wasm-tools: wasm-bindgen ${version} already installed"
  exit 0
fi

# --locked first; if a locked dependency is missing from the registry mirror, fall back
# to resolving afresh (the CLI's own version is still pinned exactly).
if ! cargo install wasm-bindgen-cli --version "=${version}" --locked; then
  echo "install-wasm-tools: --locked install failed, retrying without --locked" >&2
  cargo install wasm-bindgen-cli --version "=${version}"
fi

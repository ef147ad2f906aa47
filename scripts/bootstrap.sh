#!/usr/bin/env bash
# Installs everything multi-call needs on a fresh Debian machine with rustup,
# Node 20 and npm: the wasm target, wasm-bindgen-cli at exactly the
# Cargo.lock version, npm packages, and Debian's Chromium for browser tests.
# Idempotent: each step is skipped when already done. `--no-chromium` skips
# the browser (the sandbox is opened in your own browser; only tests need it).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# The CLI must match the wasm-bindgen crate exactly (pinned with `=` in Cargo.toml).
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qF "$wb_version"; then
  echo "installing wasm-bindgen-cli $wb_version"
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

if [ "${1:-}" != --no-chromium ] && [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian chromium"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -d setup/node_modules ] || [ setup/package-lock.json -nt setup/node_modules/.package-lock.json ]; then
  npm ci --prefix setup --no-audit --no-fund
fi

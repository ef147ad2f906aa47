#!/usr/bin/env bash
# Runs every test: the engine and setup tool natively, the built bundle in
# headless Chromium against the Flex double, and the end-to-end sandbox runs
# with the real Voice SDK. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

echo "== native: engine scenarios, property tests, setup tool"
cargo test --workspace --locked

echo "== build: dist/plugin-multi-call.js"
node scripts/build.mjs

echo "== browser: the bundle in a Flex double (headless Chromium)"
node --test --test-concurrency=1 tests/browser/

echo "== end-to-end: the sandbox with the real Voice SDK"
node --test --test-concurrency=1 tests/e2e/

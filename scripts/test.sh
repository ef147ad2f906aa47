#!/usr/bin/env bash
# Runs every test: the engine and setup tool natively, the local Twilio's
# protocol tests, the built bundle in headless Chromium (a Flex double for the
# cases real Flex cannot be driven into), multi-call inside the real Flex UI
# against the local Twilio, the end-to-end runs with the real Voice SDK, the
# Twilio CLI route's build (cli-plugin/) and the benchmarks' report tooling.
# Installs what it needs first. FLEX_UI_VERSION picks another Flex UI 2.x.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

echo "== native: engine scenarios, property tests, setup tool"
cargo test --workspace --locked

echo "== build: dist/plugin-multi-call.js and its size gate (fails over 36 KB gzipped), the fault-injection test bundle, the real Flex UI bundle"
node scripts/build.mjs
node bench/run.mjs --check-payload --no-build
node scripts/build.mjs --fault-injection
node scripts/build-flex.mjs

echo "== benchmark tooling: BENCHMARKS.md keeps what a run did not measure"
node --test tests/bench/

echo "== local Twilio: Sync and twilsock with the real SDK clients"
node --test --test-concurrency=1 tests/sandbox/

echo "== browser: the bundle in a Flex double (headless Chromium)"
node --test --test-concurrency=1 tests/browser/

echo "== real Flex: multi-call inside @twilio/flex-ui against the local Twilio"
node --test --test-concurrency=1 tests/real-flex/

echo "== end-to-end: the sandbox with the real Voice SDK"
node --test --test-concurrency=1 tests/e2e/

echo "== the Twilio CLI route: cli-plugin's build ships dist/plugin-multi-call.js byte for byte"
(cd cli-plugin && npm ci --no-audit --no-fund && npm test)

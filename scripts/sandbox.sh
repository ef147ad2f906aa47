#!/usr/bin/env bash
# `npm start`: builds the plugin and the real Flex UI bundle, then starts the
# local Twilio with real Flex on http://127.0.0.1 (prints the one URL to open).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --no-chromium
node scripts/build.mjs
node scripts/build-flex.mjs
exec node sandbox/start.mjs "$@"

#!/usr/bin/env bash
# Builds the plugin and starts the local Flex sandbox (HTTPS on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --no-chromium
node scripts/build.mjs
exec node sandbox/start.mjs "$@"

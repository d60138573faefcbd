#!/usr/bin/env bash
# Rebuilds web/dist (committed; `cargo build` embeds it and needs no npm).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run build

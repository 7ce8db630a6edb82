#!/usr/bin/env bash
# `npm run dev`: installs what is missing, then brings the whole stack up with a demo logger streaming into it.
set -euo pipefail
cd "$(dirname "$0")/.."
ALCO_SKIP_BROWSER=1 bash scripts/setup.sh
exec node --import tsx workers/dev.ts

#!/usr/bin/env bash
# `npm run dev`: installs what is missing, then brings the whole stack up with a demo logger streaming into it, on
# a production build of the web app (rebuilt only when the source changed). `npm run dev:next` passes --next: the
# same stack on `next dev`, with hot reload.
set -euo pipefail
cd "$(dirname "$0")/.."
ALCO_SKIP_BROWSER=1 bash scripts/setup.sh
exec node --import tsx workers/dev.ts "$@"

#!/usr/bin/env bash
# Every test suite, on real services: unit, and integration (searchd, RabbitMQ, Redis, PostgreSQL).
# Ends with one line "N passed, N failed" summed over all suites; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
mkdir -p tmp
rm -f tmp/results-*.json

status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=tmp/results-unit.json || status=1
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=tmp/results-integration.json || status=1

node scripts/sum-results.mjs || status=1
exit $status

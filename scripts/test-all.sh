#!/usr/bin/env bash
# Every test: training (Python), unit and integration (Vitest), end to end in Chromium (Playwright).
# Prints one closing line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh || exit 1
results=$(mktemp -d)
status=0

echo "== training: exporter and BN folding (python unittest)"
/usr/bin/python3 -m unittest discover -s training/tests -v 2> "$results/python.txt" || status=1
cat "$results/python.txt"

echo "== types"
npx svelte-check --tsconfig ./tsconfig.json --threshold error --output human || status=1

echo "== unit and integration (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=1

echo "== end to end (playwright, Debian chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" npx playwright test --reporter=list,json || status=1

node scripts/test-summary.mjs "$results" || status=1
exit $status

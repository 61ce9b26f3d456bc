#!/usr/bin/env bash
# Runs the whole jest suite and ends with one plain line "N passed, N failed" (what CI reads).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .state
results=.state/test-results.json
rm -f "$results"
npx jest --json --outputFile="$results" "$@"
status=$?
if [[ -f "$results" ]]; then
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`${r.numPassedTests} passed, ${failed} failed`);
  ' "$PWD/$results"
else
  echo "0 passed, 1 failed"
  [[ $status -ne 0 ]] || status=1
fi
exit $status

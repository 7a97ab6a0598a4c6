#!/usr/bin/env bash
# The time of each step of the end-to-end journey (the real debug app under Xvfb over WebDriver,
# against a real companion and emulator): runs `make test-e2e` $RUNS times (default 3) and prints
# the median of each step from the test's steps.txt, then the requests the app made to Dfns and to
# the companion for one send and for a start with a warm cache (the last run's round-trips.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
steps=${CARGO_TARGET_DIR:-target}/tmp/app-e2e/steps.txt
round_trips=${CARGO_TARGET_DIR:-target}/tmp/app-e2e/round-trips.txt
collected=$(mktemp)
trap 'rm -f "$collected"' EXIT
for _ in $(seq "$runs"); do
  make --no-print-directory test-e2e >/dev/null 2>&1 || { echo "the end-to-end test failed; run make test-e2e" >&2; exit 1; }
  cat "$steps" >>"$collected"
done
echo "end-to-end steps, median of ${runs} runs:"
awk -F': ' '{ split($2, v, " "); t[$1] = t[$1] " " v[1]; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  END {
    for (i = 1; i <= n; i++) {
      k = split(substr(t[order[i]], 2), a, " ")
      for (x = 1; x <= k; x++) for (y = x + 1; y <= k; y++) if (a[y] < a[x]) { s = a[x]; a[x] = a[y]; a[y] = s }
      m = (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
      printf "  %s: %s ms\n", order[i], m
    }
  }' "$collected"
echo "round trips (the last run):"
sed 's/^/  /' "$round_trips"

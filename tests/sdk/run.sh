#!/usr/bin/env bash
# The official Dfns SDKs (npm @dfns/sdk + @dfns/sdk-keysigner, PyPI dfns-sdk), unchanged, against
# a fresh dfns-emulator (faucet on, transfers confirmed at once). Installs the pinned SDKs when
# missing, runs every node/*.test.mjs then every python/test_*.py, and ends with one line:
# "sdk: N passed, M failed". Exits non-zero on any failure.
set -uo pipefail

PY_SDK_VERSION=1.0.4 # npm versions are pinned in node/package.json and node/package-lock.json
WAIT_SECS=30         # for the emulator to come up
SUITE_SECS=300       # per SDK suite; a hung request must not hang CI

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1 # the repo root, where CARGO_TARGET_DIR is relative to
emulator=${CARGO_TARGET_DIR:-$(pwd)/target}/debug/dfns-emulator
venv=${XDG_CACHE_HOME:-$HOME/.cache}/sigil/sdk-venv # outside the checkout: survives git clean

passed=0
failed=0
work=$(mktemp -d)
emulator_pid=

finish() {
  echo "sdk: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

cleanup() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null
    # Graceful shutdown takes milliseconds; SIGKILL if it has not happened in 5 s.
    for _ in $(seq 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$emulator_pid" 2>/dev/null
    wait "$emulator_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A setup step that cannot succeed counts as one failed test, so the summary never says "0 failed".
setup_failed() {
  echo "sdk: $*"
  failed=$((failed + 1))
}

# --- the emulator -----------------------------------------------------------------------------
if [ ! -x "$emulator" ]; then
  setup_failed "no emulator at $emulator: run 'cargo build -p dfns-emulator' first"
  finish
fi
bootstrap=$work/emulator/bootstrap.json
# Debug logs name the check behind every refusal; they are printed when something fails.
# --emulator-api turns on the faucet; --confirm-after-ms 0 confirms a transfer as it is accepted.
RUST_LOG=${RUST_LOG:-info,dfns_emulator=debug,sqlx=warn} NO_COLOR=1 \
  "$emulator" --listen 127.0.0.1:0 --data-dir "$work/emulator" --emulator-api --confirm-after-ms 0 \
  </dev/null >"$work/emulator.log" 2>&1 &
emulator_pid=$!

api_url=
for _ in $(seq $((WAIT_SECS * 10))); do
  kill -0 "$emulator_pid" 2>/dev/null || break
  if [ -s "$bootstrap" ]; then
    api_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apiUrl"])' "$bootstrap" 2>/dev/null)
    # The file is written at start-up; the health check proves the socket answers too.
    [ -n "$api_url" ] && curl -fsS --max-time 2 "$api_url/_emulator/health" >/dev/null 2>&1 && break
    api_url=
  fi
  sleep 0.1
done
if [ -z "$api_url" ]; then
  cat "$work/emulator.log"
  if kill -0 "$emulator_pid" 2>/dev/null; then
    setup_failed "the emulator did not come up within ${WAIT_SECS}s"
  else
    setup_failed "the emulator exited during start-up"
  fi
  finish
fi
echo "sdk: emulator at $api_url"
export DFNS_EMULATOR_BOOTSTRAP=$bootstrap

# --- Node -------------------------------------------------------------------------------------
node_dir=$here/node
# npm ci wipes node_modules, so only run it when the install is missing or older than the lock.
if [ ! -f "$node_dir/node_modules/.package-lock.json" ] ||
  [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) || setup_failed "npm ci failed"
fi
if [ -d "$node_dir/node_modules/@dfns/sdk" ]; then
  echo "sdk: Node $(node --version), @dfns/sdk $(cd "$node_dir" && node -p 'require("@dfns/sdk/package.json").version')"
  # Every *.test.mjs, one process each; human-readable results on stdout, TAP in a file for the
  # counts.
  (cd "$node_dir" && timeout "$SUITE_SECS" node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$work/node.tap" \
    ./*.test.mjs)
  node_status=$?
  node_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$work/node.tap" 2>/dev/null)
  node_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$work/node.tap" 2>/dev/null)
  passed=$((passed + ${node_pass:-0}))
  failed=$((failed + ${node_fail:-0}))
  # A crash or timeout that left no failing test behind still fails the run.
  if [ "$node_status" -ne 0 ] && [ "${node_fail:-0}" -eq 0 ]; then
    setup_failed "node --test exited with status $node_status"
  fi
fi

# --- Python -----------------------------------------------------------------------------------
if ! "$venv/bin/python" -c 'import sys, importlib.metadata as m; sys.exit(m.version("dfns-sdk") != sys.argv[1])' \
  "$PY_SDK_VERSION" 2>/dev/null; then
  python3 -m venv --clear "$venv" &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "dfns-sdk==$PY_SDK_VERSION" ||
    setup_failed "could not install dfns-sdk==$PY_SDK_VERSION into $venv"
fi
if [ -x "$venv/bin/python" ]; then
  echo "sdk: $("$venv/bin/python" --version), dfns-sdk $PY_SDK_VERSION"
  # unittest over every test_*.py, with the counts written to a file for the summary; no
  # __pycache__ in the checkout.
  PYTHONDONTWRITEBYTECODE=1 timeout "$SUITE_SECS" "$venv/bin/python" -c '
import sys, unittest
suite = unittest.defaultTestLoader.discover(sys.argv[1], pattern="test_*.py", top_level_dir=sys.argv[1])
result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
with open(sys.argv[2], "w") as counts:
    counts.write(f"{result.testsRun - failed - len(result.skipped)} {failed}\n")
' "$here/python" "$work/python.counts"
  py_status=$?
  read -r py_pass py_fail 2>/dev/null <"$work/python.counts"
  passed=$((passed + ${py_pass:-0}))
  failed=$((failed + ${py_fail:-0}))
  if [ "$py_status" -ne 0 ] && [ -z "${py_pass:-}" ]; then
    setup_failed "the Python suite exited with status $py_status"
  fi
fi

if [ "$failed" -ne 0 ]; then
  echo "--- emulator log (last 60 lines) ---"
  tail -n 60 "$work/emulator.log"
fi
finish

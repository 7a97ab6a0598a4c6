#!/usr/bin/env bash
# Starts a release dfns-emulator on a loopback port with a fresh data dir, runs the bench example
# against it (arguments are passed on, e.g. --count 2000 --concurrency 8), and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p dfns-emulator --bin dfns-emulator --example emulator_bench
target=${CARGO_TARGET_DIR:-target}/release
data=$(mktemp -d)
# The faucet funds the transfer part; transfers confirm at once so history grows as they go.
"$target/dfns-emulator" --listen 127.0.0.1:0 --data-dir "$data" --emulator-api --confirm-after-ms 0 \
  2>"$data/emulator.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 300); do [ -s "$data/bootstrap.json" ] && break; sleep 0.1; done
[ -s "$data/bootstrap.json" ] || { cat "$data/emulator.log"; echo "the emulator did not start" >&2; exit 1; }
"$target/examples/emulator_bench" --data-dir "$data" "$@"

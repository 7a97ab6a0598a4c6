#!/usr/bin/env bash
# Load without errors (crates/sigil-companion/examples/load.rs): a fresh dfns-emulator and a
# fresh companion (SQLite), each its own process on a loopback port the OS picks, then mixed
# requests against each, `--concurrency 8` at a time; arguments are passed on (e.g.
# --requests 1000). Prints per server: requests by kind, rate, p50/p99, errors, rate-limited
# answers apart, and its memory (PSS) before and after. Fails if any request failed.
# The binaries are `make test`'s build (nothing is compiled twice); figures are a debug build's.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --no-run
bin=${CARGO_TARGET_DIR:-target}/debug
scratch=$(mktemp -d)
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$scratch"; }
trap stop EXIT

"$bin/dfns-emulator" --listen 127.0.0.1:0 --data-dir "$scratch/emulator" --emulator-api \
  --confirm-after-ms 0 2>"$scratch/emulator.log" &
emulator=$!
pids+=("$emulator")
for _ in $(seq 300); do [ -s "$scratch/emulator/bootstrap.json" ] && break; sleep 0.1; done
[ -s "$scratch/emulator/bootstrap.json" ] || { cat "$scratch/emulator.log"; echo "the emulator did not start" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(
  eval "$("$bin/dfns-emulator" env --data-dir "$scratch/emulator")"
  exec "$bin/sigil-companion" --listen "127.0.0.1:$port" --public-url "http://127.0.0.1:$port" \
    --database-url "sqlite://$scratch/companion.db?mode=rwc" --mail-outbox
) 2>"$scratch/companion.log" &
companion=$!
pids+=("$companion")
for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$scratch/companion.log"; echo "the companion did not start" >&2; exit 1; }

"$bin/examples/load" --emulator-data-dir "$scratch/emulator" --emulator-pid "$emulator" \
  --companion-url "http://127.0.0.1:$port" --companion-pid "$companion" "$@"

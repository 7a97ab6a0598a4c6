#!/usr/bin/env bash
# `make run`: the Dfns emulator and the companion on loopback, wired together (the companion gets
# the emulator's service account from `dfns-emulator env`). Data under DATA_DIR (default .data).
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA_DIR:-.data}
emulator_port=${EMULATOR_PORT:-8787}
companion_port=${COMPANION_PORT:-8788}
cargo build -p dfns-emulator -p sigil-companion
bin=${CARGO_TARGET_DIR:-target}/debug
mkdir -p "$data/dfns-emulator" "$data/companion"

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin/dfns-emulator" --listen "127.0.0.1:$emulator_port" --data-dir "$data/dfns-emulator" \
  --emulator-api &
pids+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$emulator_port/_emulator/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$emulator_port/_emulator/health" >/dev/null \
  || { echo "the Dfns emulator did not start on port $emulator_port" >&2; exit 1; }

# DFNS_API_URL and the service account, from the emulator's bootstrap.
eval "$("$bin/dfns-emulator" env --data-dir "$data/dfns-emulator")"
"$bin/sigil-companion" --listen "127.0.0.1:$companion_port" \
  --public-url "http://127.0.0.1:$companion_port" \
  --database-url "sqlite://$data/companion/companion.db?mode=rwc" &
pids+=($!)

echo
echo "  Dfns emulator   http://127.0.0.1:$emulator_port   (data: $data/dfns-emulator)"
echo "  Companion site  http://127.0.0.1:$companion_port   (data: $data/companion)"
echo "  Ctrl-C stops both."
echo
wait -n "${pids[@]}"

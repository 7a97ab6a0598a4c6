#!/usr/bin/env bash
# `make run`: the Dfns emulator, the companion and the Sigil app on this machine, wired together:
# the companion gets the emulator's service account from `dfns-emulator env`, the app the
# companion's URL; new wallets are funded by the emulator. Everything keeps its data under
# DATA_DIR (default .data). Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA_DIR:-.data}
emulator_port=${EMULATOR_PORT:-8787}
companion_port=${COMPANION_PORT:-8788}
# Built as `make test` builds them (cargo test --workspace --no-run, what nextest runs): the
# tests' dev-dependencies turn features on in shared crates (tauri's `test`, the companion's
# `testing`), so a plain `cargo build -p …` resolves other features and recompiles minutes of
# dependencies after a `make test`, and `make test` after it. One build serves both commands.
cargo test --workspace --no-run
bin=${CARGO_TARGET_DIR:-target}/debug
# The data folders hold the service account's key, password hashes, sessions and the app's
# journal: new ones are made 0700 (existing ones are left as they are).
(umask 077 && mkdir -p "$data/dfns-emulator" "$data/companion" "$data/app")

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin/dfns-emulator" --listen "127.0.0.1:$emulator_port" --data-dir "$data/dfns-emulator" \
  --emulator-api --fund-new-wallets &
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
  --database-url "sqlite://$data/companion/companion.db?mode=rwc" --mail-outbox &
pids+=($!)

for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$companion_port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# The app: its data (cache, journal, settings) under $data/app; the OS keyring keeps its secrets.
# Without a desktop session it gets a virtual display and a throw-away keyring.
app=(env SIGIL_COMPANION_URL="http://127.0.0.1:$companion_port" XDG_DATA_HOME="$(cd "$data/app" && pwd)" "$bin/sigil")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "no display: the app runs under Xvfb (xvfb-run)"
  app=(xvfb-run -a "${app[@]}")
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "no D-Bus session: the app gets a throw-away keyring (signing in lasts until Ctrl-C)"
  app=(scripts/with-secret-service.sh "${app[@]}")
fi
"${app[@]}" &
pids+=($!)

echo
echo "  Dfns emulator   http://127.0.0.1:$emulator_port   (data: $data/dfns-emulator)"
echo "  Companion site  http://127.0.0.1:$companion_port   (data: $data/companion)"
echo "  Its mails       http://127.0.0.1:$companion_port/dev/outbox   (recovery codes)"
echo "  Sigil app       device passkey by default          (data: $data/app)"
echo "  Ctrl-C stops all of it."
echo
wait -n "${pids[@]}"

#!/usr/bin/env bash
# Measures the release app on this machine: the time from launch until its engine is open and
# its WebKit web process is up (the first screen itself is timed by the end-to-end test over
# WebDriver), and its idle memory: the resident set of the app and of every process it started
# (WebKit's web and network processes), 15 s after start.
# Runs under Xvfb with a throw-away keyring when the machine has no display or D-Bus session.
# Usage: scripts/measure-app.sh   (builds the release app first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p sigil-app
bin=${CARGO_TARGET_DIR:-target}/release/sigil
scratch=$(mktemp -d)
trap 'kill "$app" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$scratch"' EXIT

run=(env XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" SIGIL_COMPANION_URL=http://127.0.0.1:9 "$bin")
[ -n "${DISPLAY:-}" ] || run=(xvfb-run -a "${run[@]}")
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || run=(scripts/with-secret-service.sh "${run[@]}")

start=$(date +%s%N)
"${run[@]}" >"$scratch/app.log" 2>&1 &
app=$!
# Every process below $1.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}
# Ready: the engine opened and a WebKit web process runs under the app.
for _ in $(seq 300); do
  if grep -q "engine ready" "$scratch/app.log" \
    && descendants "$app" | xargs -r ps -o comm= -p 2>/dev/null | grep -q WebKitWebProces; then
    break
  fi
  sleep 0.05
done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 15
pids=$(descendants "$app" | while read -r pid; do
  case "$(ps -o comm= -p "$pid" 2>/dev/null)" in sigil|WebKit*) echo "$pid" ;; esac
done | tr '\n' ' ')
rss_kb=0
for pid in $pids; do
  kb=$(ps -o rss= -p "$pid" 2>/dev/null || echo 0)
  rss_kb=$(( rss_kb + ${kb:-0} ))
done
echo "start to engine open and web process up: ${ready} ms"
echo "idle resident memory (app + WebKit processes, 15 s after start): $(( rss_kb / 1024 )) MiB"
# shellcheck disable=SC2086 # one pid per word
ps -o pid=,rss=,comm= -p $(echo $pids | tr ' ' ',') 2>/dev/null || true

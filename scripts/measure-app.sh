#!/usr/bin/env bash
# Measures the release app on this machine:
# - cold start to first screen, over $RUNS launches (default 5), median and each: from launch to
#   the moment the UI, loaded and mounted in WebKit, has the state it draws its first screen from
#   (the shell's "app state served" log line, timestamped by the app);
# - idle memory: the resident set of the app and of every process it started (WebKit's web and
#   network processes), 15 s after the last start.
# Runs under Xvfb with a throw-away keyring when the machine has no display or D-Bus session.
# Usage: scripts/measure-app.sh   (builds the release app first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
# As the installers build it (the Tauri CLI adds this feature), so it is what users run.
cargo build --release -p sigil-app --features tauri/custom-protocol
bin=${CARGO_TARGET_DIR:-target}/release/sigil
scratch=$(mktemp -d)
app=

# Every process below $1.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}

# Stops the running app with its wrappers and WebKit processes.
stop() {
  [ -n "$app" ] || return 0
  # shellcheck disable=SC2046 # one pid per word
  kill $(descendants "$app") "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  app=
}
trap 'stop; rm -rf "$scratch"' EXIT

# Starts the app on a fresh data folder; prints nothing, sets $app and $log.
launch() {
  local home="$scratch/run-$1"
  mkdir -p "$home"
  log="$home/app.log"
  local run=(env RUST_LOG=info,sigil_app=debug NO_COLOR=1 XDG_DATA_HOME="$home/data"
    XDG_CONFIG_HOME="$home/config" SIGIL_COMPANION_URL=http://127.0.0.1:9 "$bin")
  [ -n "${DISPLAY:-}" ] || run=(xvfb-run -a "${run[@]}")
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || run=(scripts/with-secret-service.sh "${run[@]}")
  start=$(date +%s%N)
  "${run[@]}" >"$log" 2>&1 &
  app=$!
}

# Milliseconds from launch to the first "app state served" line (its own timestamp).
first_screen() {
  local line
  for _ in $(seq 600); do
    line=$(grep -m1 "app state served" "$log" || true)
    if [ -n "$line" ]; then
      echo $(( ($(date -d "${line%% *}" +%s%N) - start) / 1000000 ))
      return
    fi
    sleep 0.05
  done
  echo "the app showed no first screen within 30 s; its log:" >&2
  cat "$log" >&2
  exit 1
}

times=()
for i in $(seq "$runs"); do
  launch "$i"
  times+=("$(first_screen)")
  [ "$i" -eq "$runs" ] || stop
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "start to first screen: median ${median} ms over ${runs} launches (each: ${times[*]} ms)"

sleep 15
pids=$(descendants "$app" | while read -r pid; do
  case "$(ps -o comm= -p "$pid" 2>/dev/null)" in sigil|WebKit*) echo "$pid" ;; esac
done | tr '\n' ' ')
rss_kb=0
for pid in $pids; do
  kb=$(ps -o rss= -p "$pid" 2>/dev/null || echo 0)
  rss_kb=$(( rss_kb + ${kb:-0} ))
done
echo "idle resident memory (app + WebKit processes, 15 s after start): $(( rss_kb / 1024 )) MiB"
# shellcheck disable=SC2086 # one pid per word
ps -o pid=,rss=,comm= -p $(echo $pids | tr ' ' ',') 2>/dev/null || true

#!/usr/bin/env bash
# Measures the release app beside a minimal Tauri 2 app (crates/tauri-baseline: one window, one
# static page; the same Tauri from the same Cargo.lock), both built first in one cargo command
# as the installers build the app (the workspace's installer profile, the Tauri CLI's
# custom-protocol feature: the UI served from the binary):
# - start to first screen, over $RUNS launches of each (default 5, the two apps alternating):
#   from launch to the moment the UI, loaded in WebKit, has what it draws its first screen from:
#   Sigil's "app state served" log line (the mounted UI asked for the app's state and got it),
#   the baseline's "page loaded" line (its page, parsed, called its one command), each
#   timestamped by the app. Each launch gets empty data, config and cache folders; the system's
#   file cache is warm after the first launch.
# - memory: the PSS (proportional set size: the sum of Pss in /proc/PID/smaps_rollup, pages
#   shared with other processes counted by their share) of the app and every process below it
#   (WebKitWebProcess, WebKitNetworkProcess and any sandbox between them), 15 s after each start.
# Prints each app's medians and Sigil's ratios to the baseline's, with the targets of issue 17
# (first screen ≤ 1.2×, memory ≤ 1.3×). The apps run one at a time, never side by side, in one
# Xvfb display and one private D-Bus session with a throw-away keyring when the machine has no
# display or D-Bus session (started once, so their start-up is not timed).
# Usage: scripts/measure-app.sh   (RUNS=9 scripts/measure-app.sh for more launches)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}

if [ -z "${SIGIL_MEASURE_INSIDE:-}" ]; then
  cargo build --profile installer -p sigil-app -p tauri-baseline --features tauri/custom-protocol
  target=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps \
    | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)}
  run=(env SIGIL_MEASURE_INSIDE=1 "SIGIL_MEASURE_TARGET=$target" "$0")
  # A screen the 1100×760 windows fit in, in colour (xvfb-run's default is 640×480, 8 bits).
  [ -n "${DISPLAY:-}" ] || run=(xvfb-run -a -s "-screen 0 1280x1024x24" "${run[@]}")
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || run=(scripts/with-secret-service.sh "${run[@]}")
  exec "${run[@]}"
fi

sigil=$SIGIL_MEASURE_TARGET/installer/sigil
baseline=$SIGIL_MEASURE_TARGET/installer/tauri-baseline
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

# Stops the running app and every process below it.
stop() {
  [ -n "$app" ] || return 0
  # shellcheck disable=SC2046 # one pid per word
  kill $(descendants "$app") "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  app=
}
trap 'stop; rm -rf "$scratch"' EXIT

# Starts $2 (a binary) on fresh folders, as launch $1; sets $app (its pid), $log and $start.
launch() {
  local home="$scratch/$1"
  mkdir -p "$home"
  log="$home/app.log"
  start=$(date +%s%N)
  # `env` runs the app in its own process: $! is the app.
  env RUST_LOG=info,sigil_core::service=debug NO_COLOR=1 XDG_DATA_HOME="$home/data" \
    XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
    SIGIL_COMPANION_URL=http://127.0.0.1:9 "$2" >"$log" 2>&1 &
  app=$!
}

# Milliseconds from launch to the app's first line matching $1 (by the line's own timestamp).
first_screen() {
  local line
  for _ in $(seq 600); do
    line=$(grep -m1 "$1" "$log" 2>/dev/null || true)
    if [ -n "$line" ]; then
      echo $(( ($(date -d "${line%% *}" +%s%N) - start) / 1000000 ))
      return
    fi
    sleep 0.05
  done
  echo "no \"$1\" within 30 s; the app's log:" >&2
  cat "$log" >&2
  exit 1
}

# KiB of PSS of the running app and every process below it; each process's share to $log.pss.
pss() {
  local pid kb total=0
  for pid in "$app" $(descendants "$app"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    echo "$pid $(ps -o comm= -p "$pid" 2>/dev/null || echo gone) ${kb:-0}" >>"$log.pss"
    total=$(( total + ${kb:-0} ))
  done
  echo "$total"
}

# One launch of $2 (a binary) named $1, first screen by its log line $3: sets $ms (launch to
# first screen) and $kb (PSS 15 s after launch).
measure() {
  launch "$1" "$2"
  ms=$(first_screen "$3")
  sleep "$(awk -v s="$start" -v now="$(date +%s%N)" 'BEGIN {w = 15 - (now - s) / 1e9; print (w > 0) ? w : 0}')"
  kb=$(pss)
  stop
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

sigil_ms=() sigil_kb=() base_ms=() base_kb=()
for i in $(seq "$runs"); do
  measure "sigil-$i" "$sigil" "app state served"
  sigil_ms+=("$ms") sigil_kb+=("$kb")
  measure "baseline-$i" "$baseline" "page loaded"
  base_ms+=("$ms") base_kb+=("$kb")
done

mib() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
each_mib() { for kb in "$@"; do printf '%s ' "$(mib "$kb")"; done; }
s_ms=$(median "${sigil_ms[@]}") b_ms=$(median "${base_ms[@]}")
s_kb=$(median "${sigil_kb[@]}") b_kb=$(median "${base_kb[@]}")
echo "start to first screen (launch to Sigil's \"app state served\", to the baseline's \"page loaded\"), median of ${runs} launches:"
echo "  Sigil     ${s_ms} ms   (each: ${sigil_ms[*]} ms)"
echo "  baseline  ${b_ms} ms   (each: ${base_ms[*]} ms)"
echo "  ratio     $(ratio "$s_ms" "$b_ms")   (target ≤ 1.2)"
echo "memory 15 s after start (PSS of the app and every process below it), median of ${runs} launches:"
echo "  Sigil     $(mib "$s_kb") MiB   (each: $(each_mib "${sigil_kb[@]}")MiB)"
echo "  baseline  $(mib "$b_kb") MiB   (each: $(each_mib "${base_kb[@]}")MiB)"
echo "  ratio     $(ratio "$s_kb" "$b_kb")   (target ≤ 1.3)"
echo "PSS by process at the last launch of each (MiB):"
for name in "sigil-$runs" "baseline-$runs"; do
  awk -v name="${name%-*}" '{printf "  %-9s %-16s %6.1f\n", name, $2, $3 / 1024}' "$scratch/$name/app.log.pss"
done

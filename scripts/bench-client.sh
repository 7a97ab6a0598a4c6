#!/usr/bin/env bash
# Our dfns-client against the official TypeScript SDK (@dfns/sdk + @dfns/sdk-keysigner) on the
# same sequential signed native transfer (/auth/action/init -> sign -> /auth/action -> POST
# /wallets/{id}/transfers), against ONE release dfns-emulator on a loopback port with a fresh data
# dir. crates/dfns-client/examples/transfer_bench.rs makes two custodial wallets and funds the
# first through the faucet; then, in --turns turns, it times its transfers and
# tests/sdk/node/bench/transfer.mjs times the SDK's wallets.transferAsset between the same wallets
# (each side warmed up in each turn). Many short turns, so that a machine busy with something else
# for a while weighs on both sides alike: on a shared 2-core machine, five runs of 20 turns gave
# ratios within 0.42-0.48 where four runs of 5 turns gave 0.40-0.52. Prints each turn's medians,
# then one line per side over all its transfers (N transfers, p50, p99) and the ratio of the two
# medians.
#
# Options: --count N (per side, default 2000), --turns T (default 20), --warmup N (untimed, per side
# and turn, default 100), --max-secs S (per side and turn, default 120).
set -euo pipefail
cd "$(dirname "$0")/.."

count=2000 turns=20 warmup=100 max_secs=120
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --turns) turns=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --max-secs) max_secs=$2; shift 2 ;;
    *) echo "usage: $0 [--count N] [--turns T] [--warmup N] [--max-secs S]" >&2; exit 2 ;;
  esac
done
[ "$count" -ge "$turns" ] && [ "$turns" -ge 1 ] || { echo "need --count >= --turns >= 1" >&2; exit 2; }

cargo build --release -p dfns-emulator --bin dfns-emulator
cargo build --release -p dfns-client --example transfer_bench
# Wherever cargo put them (CARGO_TARGET_DIR, or a target-dir in .cargo/config.toml).
target=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release

# The official SDK, pinned by tests/sdk/node's lockfile; npm ci only when the install is missing
# or older than the lock (as tests/sdk/run.sh does).
node_dir=tests/sdk/node
if [ ! -f "$node_dir/node_modules/.package-lock.json" ] ||
  [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
sdk_version=$(cd "$node_dir" && node -p 'require("@dfns/sdk/package.json").version')

data=$(mktemp -d)
"$target/dfns-emulator" --listen 127.0.0.1:0 --data-dir "$data" --emulator-api --confirm-after-ms 0 \
  </dev/null 2>"$data/emulator.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 300); do [ -s "$data/bootstrap.json" ] && break; sleep 0.1; done
[ -s "$data/bootstrap.json" ] || { cat "$data/emulator.log"; echo "the emulator did not start" >&2; exit 1; }

"$target/examples/transfer_bench" --data-dir "$data" --setup "$data/wallets.json"
p50() { sed -n 's/.* p50 \([0-9.]*\) ms.*/\1/p' <<<"$1"; }
for turn in $(seq "$turns"); do
  n=$((count / turns + (turn <= count % turns ? 1 : 0))) # the count shared out evenly
  ours=$("$target/examples/transfer_bench" --data-dir "$data" --wallets "$data/wallets.json" \
    --count "$n" --warmup "$warmup" --max-secs "$max_secs" --latencies-out "$data/ours.$turn")
  theirs=$(DFNS_EMULATOR_BOOTSTRAP=$data/bootstrap.json node "$node_dir/bench/transfer.mjs" \
    --wallets "$data/wallets.json" --count "$n" --warmup "$warmup" --max-secs "$max_secs" \
    --latencies-out "$data/theirs.$turn")
  echo "turn $turn/$turns: dfns-client p50 $(p50 "$ours") ms, TS SDK p50 $(p50 "$theirs") ms"
done

# Over all turns: nearest rank, as each side computes it for one turn.
summary() {
  cat "$@" | sort -g | awk '{ v[NR] = $1 } END {
    i50 = int((NR - 1) * 0.50 + 0.5) + 1; i99 = int((NR - 1) * 0.99 + 0.5) + 1
    printf "%d transfers, p50 %.3f ms, p99 %.3f ms\n", NR, v[i50], v[i99] }'
}
ours=$(summary "$data"/ours.*)
theirs=$(summary "$data"/theirs.*)
echo "dfns-client (ServiceAccountClient): $ours"
echo "official TS SDK (@dfns/sdk $sdk_version, Node $(node --version)): $theirs"
awk -v ours="$(p50 "$ours")" -v theirs="$(p50 "$theirs")" \
  'BEGIN { printf "p50 ratio (dfns-client / TS SDK): %.2f\n", ours / theirs }'

#!/usr/bin/env bash
# `make fuzz`: every cargo-fuzz target for FUZZ_SECONDS each (600 by default) on the nightly
# toolchain, one after the other: the Dfns answers dfns-client reads (`responses`), the deep-link
# parser (`deep_link`), every request body the dfns-emulator takes (`bodies`), and the companion's
# `/api/v1` bodies and website forms (`forms_and_api`); the last two go through each server's real
# router on a scratch folder (see their crates' tests/*/every_body.rs). cargo-fuzz is installed if it is missing. Each target keeps its
# corpus in <crate>/fuzz/corpus/<target> (so a second run starts where the first stopped) and
# any crashing input in <crate>/fuzz/artifacts/<target>; libFuzzer's last status line (execs,
# corpus size) is printed for each. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-600}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

run() { # crate folder, target, extra libFuzzer flags...
  local crate=$1 target=$2 log status seeds=()
  shift 2
  log=$(mktemp)
  echo "== $crate: $target for ${seconds}s"
  mkdir -p "$crate/fuzz/corpus/$target"
  # Committed seeds (one real body per route) are read, never written: new inputs go to corpus.
  if [ -d "$crate/fuzz/seeds/$target" ]; then seeds=("fuzz/seeds/$target"); fi
  set +e
  # Its own target dir: sanitizer builds on nightly share nothing with the workspace's.
  (cd "$crate" && cargo +nightly fuzz run --target-dir fuzz/target "$target" \
    "fuzz/corpus/$target" "${seeds[@]}" -- -max_total_time="$seconds" -print_final_stats=1 "$@") 2>&1 \
    | tee "$log" | grep --line-buffered -E '^#[0-9]+.*(pulse|DONE)|ERROR|SUMMARY|panicked|stat::'
  status=${PIPESTATUS[0]}
  set -e
  echo "== $target: $(grep -E '^#[0-9]+' "$log" | tail -1)"
  echo "== $target: crashing inputs: $(find "$crate/fuzz/artifacts/$target" -type f 2>/dev/null | wc -l)"
  rm -f "$log"
  return "$status"
}

# Arguments name the targets to run (`scripts/fuzz.sh responses`); none: all of them.
targets=("$@")
wanted() { [ ${#targets[@]} -eq 0 ] || [[ " ${targets[*]} " == *" $1 "* ]]; }
failed=0
if wanted responses; then run crates/dfns-client responses -dict=fuzz/json.dict || failed=1; fi
if wanted deep_link; then run crates/sigil-core deep_link || failed=1; fi
if wanted bodies; then run crates/dfns-emulator bodies -dict=fuzz/json.dict || failed=1; fi
if wanted forms_and_api; then
  run crates/sigil-companion forms_and_api -dict=fuzz/bodies.dict || failed=1
fi
exit "$failed"

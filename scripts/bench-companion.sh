#!/usr/bin/env bash
# The companion's login-chain benchmark (crates/sigil-companion/examples/companion_bench.rs), release build,
# first on a SQLite file, then on a throw-away PostgreSQL (scripts/with-postgres.sh). Arguments
# are passed on, e.g. --chains 1000 --concurrency 8.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p sigil-companion --example companion_bench
bench=${CARGO_TARGET_DIR:-target}/release/examples/companion_bench
echo "== SQLite"
"$bench" "$@"
echo "== PostgreSQL"
scripts/with-postgres.sh sh -c '"$0" --database-url "$SIGIL_TEST_POSTGRES_URL" "$@"' "$bench" "$@"

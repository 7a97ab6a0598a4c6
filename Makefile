# The two commands of the README, and the pieces they are made of.
SHELL := /bin/bash
DATA_DIR ?= .data
EMULATOR_PORT ?= 8787

COMPANION_PORT ?= 8788
FUZZ_SECONDS ?= 600
CRASH_KILLS ?= 60

.PHONY: test-load load test-crash test-update run test fuzz deps deps-test build ui ui-test contract test-e2e lint test-rust test-keyring test-postgres test-tpm test-browser test-sdk bench bench-emulator bench-client bench-companion bench-authn measure-app measure-e2e bundle

## make run: the product on this machine: the Dfns emulator on 127.0.0.1:$(EMULATOR_PORT), the
## companion website on 127.0.0.1:$(COMPANION_PORT) and the Sigil app, wired together; Ctrl-C
## stops all of it.
run: deps ui
	DATA_DIR=$(DATA_DIR) EMULATOR_PORT=$(EMULATOR_PORT) COMPANION_PORT=$(COMPANION_PORT) scripts/run-stack.sh

## make test: every test (formatting, lints, Rust tests, real-keyring, PostgreSQL and software-TPM
## tests, the companion's pages in headless Chromium, official-SDK conformance).
test: deps-test ui ui-test lint test-rust test-keyring test-postgres test-tpm test-browser test-e2e test-sdk test-load

deps:
	scripts/install-deps.sh run

deps-test:
	scripts/install-deps.sh test

## The UI (ui/, Svelte + Vite): installed from the lockfile and built into ui/dist, which the
## desktop app embeds at compile time (so every cargo build of the workspace needs it first).
ui:
	cd ui && npm ci --no-audit --no-fund && npm run build

## The UI's own checks: Vitest (forms, formatting, the screens against a fake shell) and
## svelte-check.
ui-test: ui
	cd ui && npm test && npm run check && npm run lint

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

test-rust: ui
	cargo nextest run --workspace --no-fail-fast

## The UI's IPC contract (ui/src/generated/contract.ts), rewritten from the Rust definitions
## (src-tauri/src/contract.rs and the types it names). test-rust fails while it is stale.
contract: ui
	SIGIL_WRITE_CONTRACT=1 cargo nextest run --workspace -E 'package(sigil-app) & test(/contract/)'

## The OS-keyring tests (#[ignore]d in test-rust) against a real Secret Service: a private D-Bus
## session with a throw-away, unlocked gnome-keyring. Same build as test-rust, nothing recompiled.
test-keyring: deps-test ui
	scripts/with-secret-service.sh cargo nextest run --workspace --no-fail-fast --run-ignored only -E 'package(sigil-store) | (package(sigil-authn) & !test(/tpm/))'

## The companion's store and HTTP suites (#[ignore]d in test-rust) against a real PostgreSQL
## server: a throw-away cluster on a unix socket in a temporary folder. Same build as test-rust.
test-postgres: deps-test ui
	scripts/with-postgres.sh cargo nextest run --workspace --no-fail-fast --run-ignored only -E 'package(sigil-companion) & test(/postgres/)'

## The TPM platform passkey's tests (#[ignore]d in test-rust) against real software TPMs: each test
## starts its own swtpm; scripts/with-swtpm.sh provides the one detection finds. Same build.
test-tpm: deps-test ui
	scripts/with-swtpm.sh cargo nextest run --workspace --no-fail-fast --run-ignored only -E 'package(sigil-authn) & test(/tpm/)'

## The companion's login pages in headless Chromium over WebDriver (Debian chromium and
## chromium-driver). Screenshots land in $(or $(CARGO_TARGET_DIR),target)/tmp/companion-pages.
test-browser: deps-test ui
	cargo nextest run --workspace --no-fail-fast --run-ignored only -E 'package(sigil-companion) & test(/browser/)'
	@echo "screenshots of the login pages: $(or $(CARGO_TARGET_DIR),target)/tmp/companion-pages"

## The real app under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver), with a
## throw-away keyring and D-Bus session, against a real companion and emulator. Screenshots of
## each screen land in $(or $(CARGO_TARGET_DIR),target)/tmp/app-e2e.
test-e2e: deps-test ui
	scripts/with-secret-service.sh xvfb-run -a cargo nextest run --workspace --no-fail-fast --run-ignored only -E 'package(sigil-app) & test(/e2e/)'
	@echo "screenshots of the app: $(or $(CARGO_TARGET_DIR),target)/tmp/app-e2e"

## The official Dfns SDKs (npm and PyPI) against a fresh emulator. The emulator binary comes
## from the same build as the Rust tests (same features), so nothing is compiled twice.
test-sdk: ui
	cargo nextest run --workspace --no-run
	tests/sdk/run.sh

## The time of each step of the end-to-end journey, median of three runs of test-e2e, and the
## requests the app makes to Dfns and to the companion for one send and for a warm start.
measure-e2e: deps-test ui
	scripts/measure-e2e.sh

## make test-crash: the engine (sigil-core in a child process sending transfers) and the emulator
## killed with SIGKILL $(CRASH_KILLS) times at seeded random points, each restarted on its data
## folder, with the money invariants checked after every round (crates/sigil-core/tests/core/
## crash.rs). make test runs the same test with 8 kills. CRASH_SEED=… repeats a printed run.
test-crash: deps-test ui
	SIGIL_CRASH_KILLS=$(CRASH_KILLS) $(if $(CRASH_SEED),SIGIL_CRASH_SEED=$(CRASH_SEED)) \
	  cargo nextest run --workspace --no-capture -E 'package(sigil-core) & test(/^crash::/)'

## Load without errors (scripts/load.sh, crates/sigil-companion/examples/load.rs): a fresh
## emulator and companion, each its own process on loopback, then mixed requests against each,
## 8 at once: per server the requests by kind, rate, p50/p99, errors (must be 0), rate-limited
## answers apart, and its memory (PSS) before and after. test-load (in make test) sends 1,000 to
## each, make load 10,000. Same build as test-rust.
test-load: deps-test ui
	scripts/load.sh --requests 1000

load: deps-test ui
	scripts/load.sh --requests 10000

## make fuzz: each cargo-fuzz target (or those in FUZZ_TARGETS, e.g. responses) for FUZZ_SECONDS
## (default 600) on the nightly toolchain, cargo-fuzz installed if missing: the Dfns answers
## dfns-client reads, the deep-link parser, the emulator's request bodies (bodies), the
## companion's /api/v1 bodies and forms (forms_and_api); prints executions, corpus size and
## crashing inputs. Not part of make test (its fast mutation tests of the same entry points are).
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

## make test-update: signed updates end to end, as root (not part of make test: two installer
## builds, 10-25 minutes): a throw-away key pair, a signed .deb of 0.1.0 installed with dpkg, a
## signed .deb of 0.2.0 served by a companion (--updates-dir); the installed app under Xvfb over
## WebDriver offers it, installs it on the click and starts as 0.2.0; a tampered installer
## served as 0.3.0 is refused. Prints each step's time.
test-update: deps-test ui
	scripts/test-update.sh

## make bundle: the installers for this system (Linux: .deb and .rpm), from a release build.
## Not part of make test. Printed at the end with their sizes.
bundle: deps ui
	scripts/bundle.sh

## The release app's start time and idle memory (with its WebKit processes) on this machine.
measure-app: deps ui
	scripts/measure-app.sh

## Benchmarks (release builds, medians and p99): the emulator, then the companion.
bench: bench-emulator bench-companion

## Service-account user actions against a fresh release emulator (p50/p99, throughput).
bench-emulator: deps
	scripts/bench.sh $(BENCH_ARGS)

## dfns-client against the official TypeScript SDK on the same sequential signed transfer, against
## one fresh release emulator, in turns: both medians (and p99) and the ratio of the medians.
bench-client: deps
	scripts/bench-client.sh $(BENCH_ARGS)

## Passkeys on this machine: the median time of a TPM signature (swtpm) and of a PIN unseal of the
## device passkey (argon2id), 50 runs each. Same build as test-rust: our code unoptimised, its
## dependencies (argon2, the TSS) at opt-level 2, swtpm a separate Debian binary.
bench-authn: deps-test ui
	cargo build --workspace --example authn_bench
	scripts/with-swtpm.sh $(or $(CARGO_TARGET_DIR),target)/debug/examples/authn_bench $(BENCH_ARGS)

## The app's login chain through the companion (sign-in, code, session, Dfns token), on SQLite
## and on PostgreSQL.
bench-companion: deps-test
	scripts/bench-companion.sh $(BENCH_ARGS)

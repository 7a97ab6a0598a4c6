# The two commands of the README, and the pieces they are made of.
SHELL := /bin/bash
DATA_DIR ?= .data
EMULATOR_PORT ?= 8787

.PHONY: run test deps deps-test build lint test-rust test-keyring test-postgres test-sdk bench

## make run: the product on this machine (for now: the Dfns emulator on 127.0.0.1:$(EMULATOR_PORT)).
run: deps
	cargo build -p dfns-emulator
	@echo "Dfns emulator on http://127.0.0.1:$(EMULATOR_PORT), data in $(DATA_DIR)/dfns-emulator"
	@echo "Service-account environment: cargo run -q -p dfns-emulator -- env --data-dir $(DATA_DIR)/dfns-emulator"
	cargo run -q -p dfns-emulator -- --listen 127.0.0.1:$(EMULATOR_PORT) --data-dir $(DATA_DIR)/dfns-emulator --emulator-api

## make test: every test (formatting, lints, Rust tests, real-keyring and PostgreSQL tests,
## official-SDK conformance).
test: deps-test lint test-rust test-keyring test-postgres test-sdk

deps:
	scripts/install-deps.sh run

deps-test:
	scripts/install-deps.sh test

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

test-rust:
	cargo nextest run --workspace --no-fail-fast

## The OS-keyring tests (#[ignore]d in test-rust) against a real Secret Service: a private D-Bus
## session with a throw-away, unlocked gnome-keyring. Same build as test-rust, nothing recompiled.
test-keyring: deps-test
	scripts/with-secret-service.sh cargo nextest run --workspace --no-fail-fast --run-ignored only -E 'package(sigil-store) | package(sigil-authn)'

## The companion's store suite (#[ignore]d in test-rust) against a real PostgreSQL server: a
## throw-away cluster on a unix socket in a temporary folder. Same build as test-rust.
test-postgres: deps-test
	scripts/with-postgres.sh cargo nextest run --workspace --no-fail-fast --run-ignored only -E 'package(sigil-companion)'

## The official Dfns SDKs (npm and PyPI) against a fresh emulator. The emulator binary comes
## from the same build as the Rust tests (same features), so nothing is compiled twice.
test-sdk:
	cargo nextest run --workspace --no-run
	tests/sdk/run.sh

## Benchmark: service-account user actions against a fresh release emulator (p50/p99, throughput).
bench: deps
	scripts/bench.sh $(BENCH_ARGS)

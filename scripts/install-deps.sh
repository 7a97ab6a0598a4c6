#!/usr/bin/env bash
# Installs what building and testing Sigil needs on Debian/Ubuntu, skipping what is present.
# Usage: scripts/install-deps.sh [run|test]
set -euo pipefail

need_apt=()
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$1"); }

# Building: a C compiler for the -sys crates, pkg-config; libdbus headers for the Secret Service
# keyring backend of sigil-store (dbus crate, Linux).
for pkg in build-essential pkg-config ca-certificates curl libdbus-1-dev; do want "$pkg"; done
# Security keys (sigil-authn, webauthn-authenticator-rs): OpenSSL for its CTAP2 code, libudev for
# USB HID, libclang for the bindings its HID layer generates, PC/SC for NFC readers.
for pkg in libssl-dev libudev-dev libclang-dev libpcsclite-dev; do want "$pkg"; done
# The TPM platform passkey (sigil-authn, tss-esapi): the TSS 2.0 libraries and headers.
want libtss2-dev
# The desktop app (Tauri 2 on WebKitGTK); xdg-utils registers the sigil:// scheme at run time.
for pkg in libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev xdg-utils; do
  want "$pkg"
done
# Headless machines: `make run` gives the app a virtual display and, without a desktop session,
# a throw-away Secret Service (scripts/with-secret-service.sh). `make bundle` checks the .deb's
# desktop entry and opens a sigil:// link through the desktop (desktop-file-utils, gio).
for pkg in xvfb xauth gnome-keyring dbus-daemon dbus-bin dbus-user-session desktop-file-utils libglib2.0-bin; do
  want "$pkg"
done
# Testing: a real Secret Service for sigil-store's keyring tests (`make test-keyring` runs them
# under dbus-run-session with a throw-away, unlocked gnome-keyring).
if [ "${1:-}" = test ]; then
  # A real PostgreSQL server for sigil-companion's store tests (`make test-postgres` starts a
  # throw-away cluster with scripts/with-postgres.sh; the packaged cluster is not used).
  want postgresql
  # A software TPM 2.0 for the TPM passkey tests and benchmark (`make test-tpm`, `make
  # bench-authn`, scripts/with-swtpm.sh), and tpm2-tools, which the tests use as the chip's owner.
  for pkg in swtpm swtpm-tools tpm2-tools; do want "$pkg"; done
  # Headless Chromium and its WebDriver for the companion's login pages (`make test-browser`).
  for pkg in chromium chromium-driver; do want "$pkg"; done
  # The app under a virtual display for its command-layer and end-to-end tests.
  want webkit2gtk-driver
fi
# The official Dfns SDKs check the emulator in `make test`: Node.js with npm, Python with venv.
command -v node >/dev/null 2>&1 || want nodejs
command -v npm >/dev/null 2>&1 || want npm
command -v python3 >/dev/null 2>&1 || want python3
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || want python3-venv

if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust (rustup) first; rust-toolchain.toml names the version" >&2
  exit 1
fi

# The UI needs Node.js 20.19 or newer (Vite 8); older distributions ship an older one.
if command -v node >/dev/null 2>&1 && ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Node.js $(node --version) is too old for the UI (20.19 or newer is needed): install a newer Node.js" >&2
  exit 1
fi

# WebDriver for the app's end-to-end test (`make test-e2e`), with Debian's WebKitWebDriver.
if [ "${1:-}" = test ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "installing tauri-driver"
  cargo install tauri-driver --locked
fi

if [ "${1:-}" = test ] && ! cargo nextest --version >/dev/null 2>&1; then
  echo "installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

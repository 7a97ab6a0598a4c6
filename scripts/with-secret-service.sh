#!/usr/bin/env bash
# Runs a command against a real Secret Service: a private D-Bus session (dbus-run-session) with a
# throw-away gnome-keyring whose login keyring is unlocked. Nothing touches the user's own session
# bus or keyrings: the keyring files live in a temporary folder removed afterwards. Works headless
# and as root (CI); needs `scripts/install-deps.sh test`.
# Usage: scripts/with-secret-service.sh COMMAND [ARG...]
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is missing: run scripts/install-deps.sh test" >&2
    exit 1
  fi
done

if [ -z "${SIGIL_SECRET_SERVICE_SESSION:-}" ]; then
  # Outside: make the scratch folders, then run this script again inside a new session bus.
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/sigil-keyring.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  mkdir -m 700 "$scratch/data" "$scratch/runtime"
  status=0
  SIGIL_SECRET_SERVICE_SESSION="$scratch" XDG_DATA_HOME="$scratch/data" \
    XDG_RUNTIME_DIR="$scratch/runtime" dbus-run-session -- "$0" "$@" || status=$?
  exit "$status"
fi

# Inside the session: start gnome-keyring with a known password (this creates and unlocks the
# login keyring), then make sure it owns the Secret Service name and its default keyring is open.
printf '%s' sigil-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
bus() { dbus-send --session --print-reply "$@"; }
bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName \
  string:org.freedesktop.secrets uint32:0 >/dev/null
locked="$(bus --dest=org.freedesktop.secrets /org/freedesktop/secrets/aliases/default \
  org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked)"
if ! grep -q 'boolean false' <<<"$locked"; then
  echo "gnome-keyring started, but its default keyring is not unlocked:" >&2
  echo "$locked" >&2
  exit 1
fi
echo "Secret Service: gnome-keyring on a private D-Bus session, keyrings in $SIGIL_SECRET_SERVICE_SESSION"

# Tests that need a real Secret Service may check this.
export SIGIL_SECRET_SERVICE=1
"$@"

#!/usr/bin/env bash
# Checks a built .deb the way a desktop uses it, without installing it system-wide: its files are
# unpacked into a temporary folder put on the XDG search paths, its desktop entry must validate
# and become the sigil:// handler, and a sigil:// link opened through the desktop (gio) while the
# packaged app runs must reach that app (the second instance started by the link hands it over).
# Runs under Xvfb and a private D-Bus session with a throw-away keyring when there are none.
# Usage: scripts/check-deb.sh PATH/TO/Sigil_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")

if [ -z "${SIGIL_CHECK_DEB_INSIDE:-}" ]; then
  run=(env SIGIL_CHECK_DEB_INSIDE=1 "$0" "$deb")
  [ -n "${DISPLAY:-}" ] || run=(xvfb-run -a "${run[@]}")
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || run=(scripts/with-secret-service.sh "${run[@]}")
  exec "${run[@]}"
fi

scratch=$(mktemp -d)
app=
trap '[ -z "$app" ] || kill "$app" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$scratch"' EXIT
dpkg-deb -x "$deb" "$scratch/root"
entry=$(find "$scratch/root/usr/share/applications" -name '*.desktop' | head -n1)
desktop-file-validate "$entry"
grep -qx 'MimeType=x-scheme-handler/sigil' "$entry" || { echo "FAIL: $entry does not handle sigil://" >&2; exit 1; }
grep -q '^Exec=.* %u$' "$entry" || { echo "FAIL: $entry does not pass the link (%u)" >&2; exit 1; }

export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config"
export XDG_DATA_DIRS="$scratch/root/usr/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
export PATH="$scratch/root/usr/bin:$PATH" NO_COLOR=1 SIGIL_COMPANION_URL=http://127.0.0.1:9
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
update-desktop-database "$scratch/root/usr/share/applications"
handler=$(basename "$entry")
xdg-mime default "$handler" x-scheme-handler/sigil

sigil >"$scratch/app.log" 2>&1 &
app=$!
for _ in $(seq 200); do grep -q "engine ready" "$scratch/app.log" && break; sleep 0.1; done
grep -q "engine ready" "$scratch/app.log" || { cat "$scratch/app.log" >&2; echo "FAIL: the packaged app did not start" >&2; exit 1; }
[ "$(xdg-mime query default x-scheme-handler/sigil)" = "$handler" ] \
  || { echo "FAIL: the running app replaced the package's sigil:// handler" >&2; exit 1; }

# A link Sigil refuses by name: seeing its refusal proves the running app received it.
gio open 'sigil://package-check'
for _ in $(seq 200); do grep -q 'package-check' "$scratch/app.log" && break; sleep 0.1; done
grep -q 'package-check' "$scratch/app.log" || { cat "$scratch/app.log" >&2; echo "FAIL: the link did not reach the running app" >&2; exit 1; }
echo "ok: $(basename "$deb"): desktop entry valid, sigil:// handled by the package, a link opened by the desktop reached the running app"

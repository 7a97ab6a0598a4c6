#!/usr/bin/env bash
# make test-update: signed updates end to end on this machine (root: it installs a .deb).
#  1. a throw-away minisign key pair (the app's public key, the installers' private key);
#  2. the installer build of version $OLD (default 0.1.0) and of $NEW (default 0.2.0), each
#     through scripts/bundle.sh with that key, so the .deb and its .sig are made as a company's are;
#  3. `dpkg -i` of the old .deb; the new one published in an updates folder;
#  4. an emulator and a companion (--updates-dir) on loopback;
#  5. the installed app under Xvfb over WebDriver (src-tauri/tests/shell/update.rs): the offer is
#     shown, "Install and restart" installs it, and the app comes back as $NEW (dpkg agrees);
#  6. a tampered installer published as a newer version: the app refuses it
#     (UPDATE_SIGNATURE_INVALID) and $NEW stays installed.
# Prints each step's time. The installer builds use the installer profile in
# $SIGIL_RELEASE_TARGET (default /var/tmp/sigil-release-target); the rest is `make test`'s build.
# The app is removed again at the end unless a Sigil package was installed before.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${OLD:-0.1.0} new=${NEW:-0.2.0} tampered=${TAMPERED:-0.3.0}
release_target=${SIGIL_RELEASE_TARGET:-/var/tmp/sigil-release-target}
emulator_port=${EMULATOR_PORT:-8797} companion_port=${COMPANION_PORT:-8798}
[ "$(id -u)" = 0 ] || { echo "make test-update installs a .deb: run it as root" >&2; exit 1; }
if dpkg-query -W sigil >/dev/null 2>&1; then
  echo "a Sigil package is installed already ($(dpkg-query -W -f '${Version}' sigil)): remove it first (dpkg -r sigil)" >&2
  exit 1
fi

scratch=$(mktemp -d /var/tmp/sigil-test-update.XXXXXX)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  dpkg -r sigil >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
began=$(date +%s) lap=$began
step() {
  local now
  now=$(date +%s)
  echo "== $1: $((now - lap)) s"
  lap=$now
}

# The updater installs a .deb with pkexec, else a graphical sudo, else sudo; this machine has no
# polkit agent, and root runs sudo without a password.
command -v sudo >/dev/null || apt-get install -y --no-install-recommends sudo >/dev/null
# The WebDriver test's binary is run directly later: the machine's other builds may hold cargo's
# lock on the build folder for many minutes.
cargo test --workspace --no-run 2>&1 | tee "$scratch/build.log"
shell_test=$(sed -n 's/^ *Executable src-tauri\/tests\/shell\/main.rs (\(.*\))$/\1/p' "$scratch/build.log")
[ -x "$shell_test" ] || { echo "FAIL: no test binary for src-tauri/tests/shell" >&2; exit 1; }
# Copies: a build folder shared with other checkouts may get their binaries meanwhile.
bin=$scratch/bin
mkdir -p "$bin"
cp "${CARGO_TARGET_DIR:-target}/debug/dfns-emulator" "${CARGO_TARGET_DIR:-target}/debug/sigil-companion" "$shell_test" "$bin/"
shell_test=$bin/$(basename "$shell_test")
step "make test's build (emulator, companion, the WebDriver test)"

password=$(head -c 18 /dev/urandom | base64)
ui/node_modules/.bin/tauri signer generate --ci -w "$scratch/key" -p "$password" >/dev/null
export TAURI_SIGNING_PRIVATE_KEY=$scratch/key TAURI_SIGNING_PRIVATE_KEY_PASSWORD=$password
export SIGIL_UPDATER_PUBKEY
SIGIL_UPDATER_PUBKEY=$(cat "$scratch/key.pub")
step "throw-away key pair"

# One installer build at a time on this machine: wait for any other to end.
while pgrep -f 'profile installer' >/dev/null; do sleep 10; done
# The .deb of version $1, signed, copied to $scratch. A loopback company is plain http, which a
# release build's updater refuses unless told (a real company is https).
build() {
  CARGO_TARGET_DIR=$release_target SIGIL_BUNDLES=deb \
    SIGIL_BUNDLE_CONFIG="{\"version\":\"$1\",\"plugins\":{\"updater\":{\"dangerousInsecureTransportProtocol\":true}}}" \
    scripts/bundle.sh
  cp "$release_target/installer/bundle/deb/Sigil_$1_amd64.deb" "$release_target/installer/bundle/deb/Sigil_$1_amd64.deb.sig" "$scratch/"
}
build "$old"
step "installer build of $old (signed .deb)"
build "$new"
step "installer build of $new (signed .deb)"

dpkg -i "$scratch/Sigil_${old}_amd64.deb" >/dev/null
[ "$(dpkg-query -W -f '${Version}' sigil)" = "$old" ]
step "dpkg -i of $old"

# The updates folder (crates/sigil-companion/README.md): one folder per release.
publish() { # version, installer, signature
  mkdir -p "$scratch/updates/$1"
  cp "$2" "$scratch/updates/$1/Sigil_$1_amd64.deb"
  cp "$3" "$scratch/updates/$1/Sigil_$1_amd64.deb.sig"
  printf '{"version":"%s","notes":"Sigil %s, from make test-update.","pub_date":"%s","platforms":{"linux-x86_64-deb":"Sigil_%s_amd64.deb"}}\n' \
    "$1" "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" >"$scratch/updates/$1/release.json"
}
publish "$new" "$scratch/Sigil_${new}_amd64.deb" "$scratch/Sigil_${new}_amd64.deb.sig"

mkdir -p "$scratch/emulator" "$scratch/companion"
"$bin/dfns-emulator" --listen "127.0.0.1:$emulator_port" --data-dir "$scratch/emulator" --emulator-api &
pids+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$emulator_port/_emulator/health" >/dev/null 2>&1 && break; sleep 0.1; done
(
  eval "$("$bin/dfns-emulator" env --data-dir "$scratch/emulator")"
  exec "$bin/sigil-companion" --listen "127.0.0.1:$companion_port" \
    --public-url "http://127.0.0.1:$companion_port" \
    --database-url "sqlite://$scratch/companion/companion.db?mode=rwc" \
    --updates-dir "$scratch/updates"
) &
pids+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$companion_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$companion_port/updates/linux/x86_64/$old?bundle=deb" | grep -q "\"version\":\"$new\"" \
  || { echo "FAIL: the companion does not offer $new" >&2; exit 1; }
step "emulator and companion serving $new"

# The installed app, driven over WebDriver under Xvfb with a throw-away keyring.
drive() { # offered version, expected outcome
  scripts/with-secret-service.sh xvfb-run -a -s "-screen 0 1280x1024x24" env \
    SIGIL_UPDATE_APP=/usr/bin/sigil SIGIL_COMPANION_URL="http://127.0.0.1:$companion_port" \
    SIGIL_UPDATE_OFFERED="$1" SIGIL_UPDATE_OUTCOME="$2" \
    "$shell_test" --ignored --exact update::the_installed_app_updates_itself_only_when_the_person_agrees
}
drive "$new" restarted
[ "$(dpkg-query -W -f '${Version}' sigil)" = "$new" ] || { echo "FAIL: dpkg does not show $new installed" >&2; exit 1; }
step "the app offered $new, installed it on the click and started as $new"

# A tampered installer: the new .deb with one byte changed, under its genuine signature.
cp "$scratch/Sigil_${new}_amd64.deb" "$scratch/tampered.deb"
size=$(stat -c %s "$scratch/tampered.deb")
byte=$(od -An -tu1 -j $((size / 2)) -N1 "$scratch/tampered.deb" | tr -d ' ')
# shellcheck disable=SC2059 # the format is the flipped byte's octal escape
printf "$(printf '\\%03o' $((byte ^ 255)))" | dd of="$scratch/tampered.deb" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s "$scratch/tampered.deb" "$scratch/Sigil_${new}_amd64.deb" && { echo "FAIL: the copy was not changed" >&2; exit 1; }
publish "$tampered" "$scratch/tampered.deb" "$scratch/Sigil_${new}_amd64.deb.sig"
drive "$tampered" UPDATE_SIGNATURE_INVALID
[ "$(dpkg-query -W -f '${Version}' sigil)" = "$new" ] || { echo "FAIL: the tampered installer was installed" >&2; exit 1; }
step "a tampered $tampered was refused (UPDATE_SIGNATURE_INVALID), $new still installed"

echo "ok: make test-update in $(( $(date +%s) - began )) s; screenshots in ${CARGO_TARGET_DIR:-target}/tmp/app-e2e"

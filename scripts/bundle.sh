#!/usr/bin/env bash
# The installers, from the workspace's installer profile (Cargo.toml: fat LTO, one codegen unit,
# opt-level "s", no symbols), with the Tauri CLI of ui/'s lockfile. On Linux: the .deb and the
# .rpm (the AppImage bundler downloads a runtime at build time, so it is left out); the .deb's
# files are then recompressed with xz, as Debian's own packages are (Tauri's bundler uses gzip;
# every dpkg reads both), and the .deb is checked as a desktop would use it (scripts/check-deb.sh).
# Elsewhere: the targets of tauri.conf.json for that system (MSI and NSIS on Windows, .app and
# .dmg on macOS); README.md says what signing them needs. Prints the time the build took, then
# each installer made and the app's binary with their sizes in MiB.
# Update signatures (minisign, for the app's updater): with TAURI_SIGNING_PRIVATE_KEY (the key,
# or a path to it) and TAURI_SIGNING_PRIVATE_KEY_PASSWORD set, each installer gets its `.sig`
# beside it, bound to the app's version (the .deb's is made again after its recompression);
# without them the installers are built unsigned for updates. SIGIL_UPDATER_PUBKEY replaces the
# public key of tauri.conf.json (a company's own key pair); SIGIL_BUNDLE_CONFIG is more JSON
# merged into the configuration (scripts/test-update.sh sets the version); SIGIL_BUNDLES picks
# the Linux installers (default deb,rpm).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=installer
target=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps \
  | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)}
out=$target/$profile
bundles=()
if [ "$(uname -s)" = Linux ]; then bundles=(--bundles "${SIGIL_BUNDLES:-deb,rpm}"); fi
configs=()
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  echo "TAURI_SIGNING_PRIVATE_KEY is not set: the installers get no update signature"
  configs+=(--config '{"bundle":{"createUpdaterArtifacts":false}}')
fi
if [ -n "${SIGIL_UPDATER_PUBKEY:-}" ]; then
  configs+=(--config "{\"plugins\":{\"updater\":{\"pubkey\":\"$SIGIL_UPDATER_PUBKEY\"}}}")
fi
if [ -n "${SIGIL_BUNDLE_CONFIG:-}" ]; then configs+=(--config "$SIGIL_BUNDLE_CONFIG"); fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/stamp"
# A signature left by an earlier build would sit beside an installer it does not sign.
if [ -d "$out/bundle" ]; then find "$out/bundle" -name '*.sig' -delete; fi
began=$(date +%s)
ui/node_modules/.bin/tauri build --ci "${bundles[@]}" "${configs[@]}" -- --profile "$profile"
echo "installer build: $(( $(date +%s) - began )) s"

# Rewrites the .deb $1 with its files compressed by xz (control and files as they were).
recompress_deb() {
  rm -rf "$scratch/deb"
  dpkg-deb --raw-extract "$1" "$scratch/deb"
  dpkg-deb --root-owner-group -Zxz -z9 --build "$scratch/deb" "$scratch/repacked.deb" >/dev/null
  mv "$scratch/repacked.deb" "$1"
}

# Signs $1 again for the updater (its bytes changed), bound to the version in its control file.
resign_deb() {
  # `tauri build` takes the key or its path in TAURI_SIGNING_PRIVATE_KEY; `signer sign` reads
  # that variable as the key itself, so a path goes to it as TAURI_SIGNING_PRIVATE_KEY_PATH.
  local sign=(ui/node_modules/.bin/tauri signer sign)
  if [ -f "$TAURI_SIGNING_PRIVATE_KEY" ]; then
    sign=(env -u TAURI_SIGNING_PRIVATE_KEY "TAURI_SIGNING_PRIVATE_KEY_PATH=$TAURI_SIGNING_PRIVATE_KEY" "${sign[@]}")
  fi
  rm -f "$1.sig"
  "${sign[@]}" --app-version "$(dpkg-deb -f "$1" Version)" "$1" >/dev/null
  [ -s "$1.sig" ] || { echo "FAIL: no update signature was made for $1" >&2; exit 1; }
}

# Each path with its size in MiB.
sizes() {
  local file
  for file in "$@"; do
    awk -v bytes="$(wc -c <"$file")" -v file="$file" 'BEGIN {printf "  %6.2f MiB  %s\n", bytes / 1048576, file}'
  done
}
installers=()
while IFS= read -r file; do installers+=("$file"); done < <(find "$out/bundle" \
  -maxdepth 2 -type f -newer "$scratch/stamp" \
  \( -name '*.deb' -o -name '*.rpm' -o -name '*.msi' -o -name '*.exe' -o -name '*.dmg' \) | sort)
for file in "${installers[@]}"; do
  case "$file" in *.deb)
    recompress_deb "$file"
    if [ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then resign_deb "$file"; fi
    ;;
  esac
done
echo "installers, and the app's binary they carry:"
sizes "${installers[@]}"
for file in "${installers[@]}"; do
  if [ -f "$file.sig" ]; then echo "  update signature: $file.sig"; fi
done
for bin in "$out/sigil" "$out/sigil.exe"; do
  if [ -f "$bin" ]; then sizes "$bin"; fi
done
if [ "$(uname -s)" = Linux ]; then
  for file in "${installers[@]}"; do
    case "$file" in *.deb) scripts/check-deb.sh "$file" ;; esac
  done
fi

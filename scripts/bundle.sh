#!/usr/bin/env bash
# The installers, from a release build, with the Tauri CLI of ui/'s lockfile. On Linux: the .deb
# and the .rpm (the AppImage bundler downloads a runtime at build time, so it is left out).
# Elsewhere: the targets of tauri.conf.json for that system (MSI and NSIS on Windows, .app and
# .dmg on macOS); README.md says what signing them needs. On Linux the .deb is then checked as a
# desktop would use it (scripts/check-deb.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bundles=()
if [ "$(uname -s)" = Linux ]; then bundles=(--bundles deb,rpm); fi
ui/node_modules/.bin/tauri build --ci "${bundles[@]}"
echo "installers:"
find "${CARGO_TARGET_DIR:-target}/release/bundle" -maxdepth 2 -type f \
  \( -name '*.deb' -o -name '*.rpm' -o -name '*.msi' -o -name '*.exe' -o -name '*.dmg' \) \
  -exec ls -l {} +
if [ "$(uname -s)" = Linux ]; then
  scripts/check-deb.sh "$(ls -t "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb | head -n1)"
fi

#!/usr/bin/env bash
# Runs a command against a real software TPM 2.0: swtpm with a throw-away state folder in a
# temporary folder, listening on two free loopback ports (TPM commands on P, control on P+1),
# started and cleared (no tpm2_startup needed). The command gets its TCTI in SIGIL_TPM_TCTI
# (and TPM2TOOLS_TCTI, for tpm2-tools): `swtpm:host=127.0.0.1,port=P`. swtpm is stopped and its
# state removed afterwards, also when the command fails or is interrupted. Installs nothing
# (scripts/install-deps.sh test installs Debian's swtpm, swtpm-tools and tpm2-tools).
# The TPM tests of sigil-authn start their own swtpm per test; this one is the machine's TPM
# that detection finds, and the one `make bench-authn` measures.
# Usage: scripts/with-swtpm.sh COMMAND [ARG...]
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
if ! command -v swtpm >/dev/null 2>&1; then
  echo "swtpm is missing: run scripts/install-deps.sh test" >&2
  exit 1
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sigil-swtpm.XXXXXX")"
swtpm_pid=
cleanup() {
  if [ -n "$swtpm_pid" ]; then
    kill "$swtpm_pid" 2>/dev/null || true
    wait "$swtpm_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
mkdir -m 700 "$scratch/state"

# A port is free when nothing answers on it; swtpm exits at once if it lost a race for one.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 20); do
  port=$((20000 + RANDOM % 40000))
  port_free "$port" && port_free "$((port + 1))" || continue
  swtpm socket --tpm2 --tpmstate "dir=$scratch/state" \
    --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
    --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
    --flags not-need-init,startup-clear --log "file=$scratch/swtpm.log" &
  swtpm_pid=$!
  # Ready when the control port answers (the TPM port is left to the command).
  for _ in $(seq 1 100); do
    if ! kill -0 "$swtpm_pid" 2>/dev/null; then break; fi
    if ! port_free "$((port + 1))"; then break 2; fi
    sleep 0.05
  done
  kill "$swtpm_pid" 2>/dev/null || true
  wait "$swtpm_pid" 2>/dev/null || true
  swtpm_pid=
done
if [ -z "$swtpm_pid" ]; then
  echo "swtpm did not start:" >&2
  cat "$scratch/swtpm.log" >&2 2>/dev/null || true
  exit 1
fi

export SIGIL_TPM_TCTI="swtpm:host=127.0.0.1,port=$port"
export TPM2TOOLS_TCTI="$SIGIL_TPM_TCTI"
echo "swtpm $(swtpm --version 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p'): throw-away TPM 2.0 at $SIGIL_TPM_TCTI, state in $scratch"
# The command runs in the background so that an interrupt reaches this script at once (bash
# waits for a foreground command before it runs traps); the script passes it on, then cleans up.
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" || true; exit 130' INT
trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" || true; exit 143' TERM
status=0
wait "$child" || status=$?
exit "$status"

// The official TypeScript SDK's side of `make bench-client` (scripts/bench-client.sh): sequential
// signed native transfers through its public API, DfnsApiClient with an AsymmetricKeySigner for
// the emulator's service account (token + P-256 key, as tests/sdk's conformance suite uses it),
// `wallets.transferAsset` between the wallets `transfer_bench --setup` made and funded. Each is
// timed from the call to the parsed answer. Prints `N transfers, p50 X ms, p99 Y ms` (nearest rank,
// as the Rust side computes it) and, with --latencies-out, writes each latency in ms, one a line.
//
//   DFNS_EMULATOR_BOOTSTRAP=…/bootstrap.json node transfer.mjs --wallets FILE \
//     [--count 2000] [--warmup 100] [--max-secs 120] [--latencies-out FILE]
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

import { DfnsApiClient } from '@dfns/sdk'
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner'

const { values } = parseArgs({
  options: {
    wallets: { type: 'string' },
    count: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '100' },
    'max-secs': { type: 'string', default: '120' },
    'latencies-out': { type: 'string' },
  },
})
const count = Number(values.count)
const warmup = Number(values.warmup)
const maxMs = Number(values['max-secs']) * 1000
if (!values.wallets || !(count > 0)) throw new Error('usage: transfer.mjs --wallets FILE [--count N > 0]')
const bootPath = process.env.DFNS_EMULATOR_BOOTSTRAP
if (!bootPath) throw new Error('DFNS_EMULATOR_BOOTSTRAP is not set')
const boot = JSON.parse(readFileSync(bootPath, 'utf8'))
const { from, to } = JSON.parse(readFileSync(values.wallets, 'utf8'))

const client = new DfnsApiClient({
  baseUrl: boot.apiUrl,
  orgId: boot.orgId,
  authToken: boot.serviceAccount.token,
  signer: new AsymmetricKeySigner({
    credId: boot.serviceAccount.credId,
    privateKey: boot.serviceAccount.privateKeyPem,
  }),
})

const ACCEPTED = new Set(['Pending', 'Executing', 'Broadcasted', 'Signed', 'Confirmed'])
const transfer = () =>
  client.wallets.transferAsset({ walletId: from, body: { kind: 'Native', to, amount: '1000' } })
// The transfer really went out: an id, from this wallet, not failed or rejected.
const check = (sent) => {
  if (!/^xfr-/.test(sent.id) || sent.walletId !== from || !ACCEPTED.has(sent.status)) {
    throw new Error(`unexpected transfer: ${JSON.stringify(sent)}`)
  }
}

for (let i = 0; i < warmup; i++) check(await transfer())
const deadline = performance.now() + maxMs
const latencies = []
while (latencies.length < count && performance.now() < deadline) {
  const begun = performance.now()
  const sent = await transfer()
  latencies.push(performance.now() - begun)
  check(sent)
}
if (values['latencies-out']) {
  writeFileSync(values['latencies-out'], latencies.map((ms) => `${ms.toFixed(6)}\n`).join(''))
}
latencies.sort((a, b) => a - b)
const percentile = (p) => latencies[Math.round((latencies.length - 1) * p)]
console.log(
  `${latencies.length} transfers, p50 ${percentile(0.5).toFixed(3)} ms, p99 ${percentile(0.99).toFixed(3)} ms`,
)

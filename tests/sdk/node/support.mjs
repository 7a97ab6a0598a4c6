// What every Node conformance test needs: the emulator's bootstrap.json and Key credentials
// made with node:crypto the way the contract describes (dfns-api.md §2.5).
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** The emulator's bootstrap.json; run.sh passes its path. */
export function loadBootstrap() {
  const path = process.env.DFNS_EMULATOR_BOOTSTRAP
  if (!path) throw new Error('DFNS_EMULATOR_BOOTSTRAP is not set: run tests/sdk/run.sh')
  return JSON.parse(readFileSync(path, 'utf8'))
}

const b64url = (bytes) => Buffer.from(bytes).toString('base64url') // no padding

/** A new P-256 key pair as PEM: SPKI public, PKCS#8 private. */
export function newKeyPair() {
  return generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
}

/**
 * A Key credential answering `challenge` (a registration or credential challenge string):
 * { credentialKind: 'Key', credentialInfo: { credId, clientData, attestationData } }.
 */
export function keyCredential(challenge, keys, credentialName) {
  const credId = b64url(randomBytes(32))
  const clientData = Buffer.from(JSON.stringify({ type: 'key.create', challenge }))
  const clientDataHash = createHash('sha256').update(clientData).digest('hex')
  // Compact JSON, this key order: the server recomputes these exact bytes.
  const fingerprint = JSON.stringify({ clientDataHash, publicKey: keys.publicKey })
  // node:crypto gives DER for ECDSA, which is what Dfns expects.
  const signature = sign('sha256', Buffer.from(fingerprint), keys.privateKey).toString('hex')
  const attestationData = b64url(JSON.stringify({ publicKey: keys.publicKey, signature }))
  const credential = {
    credentialKind: 'Key',
    credentialInfo: { credId, clientData: b64url(clientData), attestationData },
  }
  if (credentialName) credential.credentialName = credentialName
  return credential
}

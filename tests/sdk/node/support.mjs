// What every Node conformance test needs: the emulator's bootstrap.json, Key credentials made
// with node:crypto the way the contract describes (dfns-api.md §2.5), a freshly registered end
// user, the emulator's faucet and a check of the fields an SDK type requires.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'

import { DfnsApiClient } from '@dfns/sdk'
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner'

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

/**
 * What in `value` does not match `shape`, as readable lines (empty when all is well). A shape
 * names the fields an SDK type marks as required: 'string' | 'number' | 'boolean' | 'array' |
 * 'object' for a leaf, a nested shape for an object, or [shape] for an array of such objects.
 */
export function requiredFieldProblems(what, value, shape) {
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${what} should be an array, is ${JSON.stringify(value)}`]
    return value.flatMap((item, i) => requiredFieldProblems(`${what}[${i}]`, item, shape[0]))
  }
  if (typeof shape === 'string') {
    const ok =
      shape === 'array'
        ? Array.isArray(value)
        : typeof value === shape && value !== null && !(shape === 'object' && Array.isArray(value))
    return ok ? [] : [`${what} should be a ${shape}, is ${JSON.stringify(value)}`]
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${what} should be an object, is ${JSON.stringify(value)}`]
  }
  return Object.entries(shape).flatMap(([field, inner]) =>
    requiredFieldProblems(`${what}.${field}`, value[field], inner),
  )
}

/** The emulator-only faucet: a plain HTTP POST, not a Dfns endpoint (no token, no SDK). */
export async function faucet(apiUrl, body) {
  const response = await fetch(`${apiUrl}/_emulator/faucet`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`faucet answered ${response.status}: ${text}`)
  return JSON.parse(text)
}

/**
 * A new end user registered the way an application backend does it: the service account asks
 * for a delegated registration challenge, the user answers it with a fresh Key credential through
 * a client holding the temporary token, then the service account logs the user in.
 * Gives { userId, email, credId, keys, token }.
 */
export async function registerEndUser(serviceAccount, { baseUrl, orgId }, prefix = 'node') {
  const email = `${prefix}-${randomUUID()}@example.test`
  const challenge = await serviceAccount.auth.createDelegatedRegistrationChallenge({
    body: { kind: 'EndUser', email },
  })
  const keys = newKeyPair()
  const credential = keyCredential(challenge.challenge, keys)
  const withTemporaryToken = new DfnsApiClient({
    baseUrl,
    orgId,
    authToken: challenge.temporaryAuthenticationToken,
  })
  const registered = await withTemporaryToken.auth.register({
    body: { firstFactorCredential: credential },
  })
  const { token } = await serviceAccount.auth.delegatedLogin({ body: { username: email } })
  return { userId: registered.user.id, email, credId: credential.credentialInfo.credId, keys, token }
}

// The application backend: the service account with its Key signer. `orgId` makes the SDK
// check the org claim inside every token it sends.
export function serviceAccountClient(boot) {
  return new DfnsApiClient({
    baseUrl: boot.apiUrl,
    orgId: boot.orgId,
    authToken: boot.serviceAccount.token,
    signer: new AsymmetricKeySigner({
      credId: boot.serviceAccount.credId,
      privateKey: boot.serviceAccount.privateKeyPem,
    }),
  })
}

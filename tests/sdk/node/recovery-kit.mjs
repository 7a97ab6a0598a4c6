// The Dfns recovery kit (dfns-api.md §3.6) made and opened with WebCrypto, the API the official
// browser SDK's recovery signer uses (dfns/dfns-sdk-ts packages/sdk-browser/signers/recovery.ts
// and worker/isolatedKey.ts; @dfns/sdk-browser 0.6.12, the newest on the registry, does not ship
// it yet). Written from the algorithm, not from that code:
//   code       D1- and 32 characters of ABCDEFGHJKLMNPQRSTUVWXYZ23456789 in groups 6-5-5-5-5-6
//   wrapping   PBKDF2-HMAC-SHA-256(code, sha256(lower(trim(username))), 100 000) -> AES-256-GCM key
//   wrapped    wrapKey('pkcs8', P-256 private key, AES-GCM with a random 16-byte IV)
//   stored     base64(JSON {iv: base64(iv), key: base64(wrapped)}) as encryptedPrivateKey
//   credId     base64url(sha256(SPKI DER of the public key))
import { KeyObject, createHash, randomBytes, sign, webcrypto } from 'node:crypto'

const { subtle } = webcrypto
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
const GROUPS = [6, 5, 5, 5, 5, 6]

const b64url = (bytes) => Buffer.from(bytes).toString('base64url')

/** A new recovery code, D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX. */
export function newRecoveryCode() {
  // 256 is a multiple of 32: every character is equally likely.
  const chars = [...randomBytes(32)].map((byte) => ALPHABET[byte % 32]).join('')
  let at = 0
  return `D1-${GROUPS.map((size) => chars.slice(at, (at += size))).join('-')}`
}

async function wrappingKey(code, username) {
  const salt = createHash('sha256').update(username.toLowerCase().trim(), 'utf8').digest()
  const material = await subtle.importKey('raw', Buffer.from(code, 'utf8'), 'PBKDF2', false, [
    'deriveKey',
  ])
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 100_000 },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  )
}

function publicKeyPem(spki) {
  const lines = Buffer.from(spki).toString('base64').match(/.{1,64}/g).join('\n')
  return `-----BEGIN PUBLIC KEY-----\n${lines}\n-----END PUBLIC KEY-----`
}

/**
 * A new kit for `username`: { code, credId, publicKey (PEM), encryptedPrivateKey, privateKey }.
 */
export async function makeRecoveryKit(username) {
  const code = newRecoveryCode()
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  const iv = randomBytes(16)
  const wrapped = await subtle.wrapKey('pkcs8', pair.privateKey, await wrappingKey(code, username), {
    name: 'AES-GCM',
    iv,
  })
  const envelope = JSON.stringify({
    iv: iv.toString('base64'),
    key: Buffer.from(wrapped).toString('base64'),
  })
  const spki = await subtle.exportKey('spki', pair.publicKey)
  return {
    code,
    credId: b64url(createHash('sha256').update(Buffer.from(spki)).digest()),
    publicKey: publicKeyPem(spki),
    encryptedPrivateKey: Buffer.from(envelope, 'utf8').toString('base64'),
    privateKey: pair.privateKey,
  }
}

/** The private key of a kit, unwrapped with its code; WebCrypto throws for a wrong code. */
export async function openRecoveryKit(username, code, encryptedPrivateKey) {
  const envelope = JSON.parse(Buffer.from(encryptedPrivateKey, 'base64').toString('utf8'))
  return subtle.unwrapKey(
    'pkcs8',
    Buffer.from(envelope.key, 'base64'),
    await wrappingKey(code, username),
    { name: 'AES-GCM', iv: Buffer.from(envelope.iv, 'base64') },
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['sign'],
  )
}

/** DER ECDSA-SHA-256 of `bytes`, as Dfns wants Key signatures. */
export function derSign(privateKey, bytes) {
  return sign('sha256', Buffer.from(bytes), KeyObject.from(privateKey))
}

/**
 * The kit as a RecoveryKey credential answering `challenge` (registration, new credential or a
 * recovery's new credentials): the Key attestation of §2.5 plus the wrapped key.
 */
export function recoveryKeyCredential(challenge, kit, credentialName) {
  const clientData = Buffer.from(JSON.stringify({ type: 'key.create', challenge }))
  const clientDataHash = createHash('sha256').update(clientData).digest('hex')
  const fingerprint = JSON.stringify({ clientDataHash, publicKey: kit.publicKey })
  const signature = derSign(kit.privateKey, fingerprint).toString('hex')
  const attestationData = b64url(
    JSON.stringify({ algorithm: 'SHA256', publicKey: kit.publicKey, signature }),
  )
  const credential = {
    credentialKind: 'RecoveryKey',
    credentialInfo: { credId: kit.credId, clientData: b64url(clientData), attestationData },
    encryptedPrivateKey: kit.encryptedPrivateKey,
  }
  if (credentialName) credential.credentialName = credentialName
  return credential
}

/** The recovery key's signature over a recovery challenge, the newest official form. */
export function signRecovery(challenge, credId, privateKey) {
  const clientData = Buffer.from(JSON.stringify({ challenge, type: 'key.get' }))
  return {
    kind: 'RecoveryKey',
    credentialAssertion: {
      credId,
      clientData: b64url(clientData),
      signature: b64url(derSign(privateKey, clientData)),
    },
  }
}

// Writes a recovery kit made with WebCrypto (recovery-kit.mjs) as JSON, the vector that
// dfns-client's tests open (crates/dfns-client/tests/fixtures/recovery-kit-webcrypto.json):
//   node tests/sdk/node/make-recovery-kit-vector.mjs > crates/dfns-client/tests/fixtures/recovery-kit-webcrypto.json
// The username carries spaces and capitals on purpose: the salt is sha256(lower(trim(username))).
import { derSign, makeRecoveryKit } from './recovery-kit.mjs'

const username = '  Vector.User@Example.COM '
const kit = await makeRecoveryKit(username)
const message = 'signed by the key inside the kit'
const vector = {
  madeBy: `Node ${process.version} WebCrypto (tests/sdk/node/recovery-kit.mjs)`,
  username,
  recoveryCode: kit.code,
  credentialId: kit.credId,
  publicKey: kit.publicKey,
  encryptedPrivateKey: kit.encryptedPrivateKey,
  message,
  signature: derSign(kit.privateKey, message).toString('base64url'),
}
process.stdout.write(`${JSON.stringify(vector, null, 2)}\n`)

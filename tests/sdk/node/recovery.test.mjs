// The official @dfns/sdk, unchanged, against dfns-emulator for recovery keys, account recovery
// (delegated, and through an emailed code) and one-time credential codes for a new device; and
// the recovery kit format across implementations: a kit Sigil's Rust code made opens here.
import assert from 'node:assert/strict'
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { DfnsApiClient, DfnsDelegatedApiClient, DfnsError } from '@dfns/sdk'
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner'

import {
  derSign,
  makeRecoveryKit,
  openRecoveryKit,
  recoveryKeyCredential,
  signRecovery,
} from './recovery-kit.mjs'
import { keyCredential, loadBootstrap, newKeyPair, requiredFieldProblems, serviceAccountClient } from './support.mjs'

const boot = loadBootstrap()
const baseUrl = boot.apiUrl
const orgId = boot.orgId
const serviceAccount = serviceAccountClient(boot)
// The calls Dfns takes without a token: a new device, or a user who recovers.
const anonymous = new DfnsApiClient({ baseUrl, orgId })
const withToken = (authToken) => new DfnsApiClient({ baseUrl, orgId, authToken })

async function rejectsWith(promise, status, message) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof DfnsError, `expected a DfnsError, got ${error}`)
    assert.equal(error.httpStatus, status, `status of ${JSON.stringify(error.context?.body)}`)
    if (message !== undefined) assert.equal(error.message, message)
    return true
  })
}

/** An end user registered with a Key credential and a recovery kit, as Sigil registers one. */
async function registerWithRecoveryKit(prefix) {
  const email = `${prefix}-${randomUUID()}@example.test`
  const challenge = await serviceAccount.auth.createDelegatedRegistrationChallenge({
    body: { kind: 'EndUser', email },
  })
  const keys = newKeyPair()
  const first = keyCredential(challenge.challenge, keys, 'first key')
  const kit = await makeRecoveryKit(email)
  const registered = await withToken(challenge.temporaryAuthenticationToken).auth.register({
    body: {
      firstFactorCredential: first,
      recoveryCredential: recoveryKeyCredential(challenge.challenge, kit, 'recovery kit'),
    },
  })
  return { email, userId: registered.user.id, keys, credId: first.credentialInfo.credId, kit }
}

/** The credential list of `email` as [credentialId, kind, isActive], after a delegated login. */
async function credentials(email) {
  const { token } = await serviceAccount.auth.delegatedLogin({ body: { username: email } })
  const { items } = await new DfnsDelegatedApiClient({ baseUrl, orgId, authToken: token }).auth.listCredentials()
  return items.map((item) => [item.credentialId, item.kind, item.isActive])
}

/** The device's part of a recovery: open the kit with its code, sign, make a new Key credential. */
async function recoverBody(user, challenge, newKeys) {
  const [allowed] = challenge.allowedRecoveryCredentials
  const privateKey = await openRecoveryKit(user.email, user.kit.code, allowed.encryptedRecoveryKey)
  return {
    recovery: signRecovery(challenge.challenge, allowed.id, privateKey),
    newCredentials: { firstFactorCredential: keyCredential(challenge.challenge, newKeys, 'new key') },
  }
}

test('a recovery kit made by Sigil opens with WebCrypto and holds the key it names', async () => {
  const path = new URL('../../../crates/dfns-client/tests/fixtures/recovery-kit-sigil.json', import.meta.url)
  const vector = JSON.parse(readFileSync(path, 'utf8'))
  // The username as the kit was made, trimmed and lower-cased by the salt.
  const privateKey = await openRecoveryKit('vector.user@example.com', vector.recoveryCode, vector.encryptedPrivateKey)
  const message = Buffer.from('signed by the unwrapped key')
  assert.ok(verify('sha256', message, vector.publicKey, derSign(privateKey, message)), 'the kit holds its public key')
  const spki = createPublicKey(vector.publicKey).export({ type: 'spki', format: 'der' })
  assert.equal(createHash('sha256').update(spki).digest('base64url'), vector.credentialId)
  await assert.rejects(
    openRecoveryKit('vector.user@example.com', 'D1-AAAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAAA', vector.encryptedPrivateKey),
  )
})

test('a recovery key registers with the user and is listed as RecoveryKey', async () => {
  const user = await registerWithRecoveryKit('node-recovery-key')
  const listed = await credentials(user.email)
  assert.deepEqual(
    listed.sort(),
    [[user.credId, 'Key', true], [user.kit.credId, 'RecoveryKey', true]].sort(),
  )
})

test('a delegated recovery replaces every credential, with the SDK unchanged', async () => {
  const user = await registerWithRecoveryKit('node-delegated-recovery')
  const challenge = await serviceAccount.auth.createDelegatedRecoveryChallenge({
    body: { username: user.email, credentialId: user.kit.credId },
  })
  // The fields @dfns/sdk's CreateDelegatedRecoveryChallengeResponse marks as required.
  const problems = requiredFieldProblems('recovery challenge', challenge, {
    user: { id: 'string', displayName: 'string', name: 'string' },
    temporaryAuthenticationToken: 'string',
    challenge: 'string',
    supportedCredentialKinds: { firstFactor: 'array', secondFactor: 'array' },
    authenticatorSelection: { residentKey: 'string', requireResidentKey: 'boolean', userVerification: 'string' },
    attestation: 'string',
    pubKeyCredParams: [{ type: 'string', alg: 'number' }],
    excludeCredentials: 'array',
    otpUrl: 'string',
    allowedRecoveryCredentials: [{ id: 'string', encryptedRecoveryKey: 'string' }],
  })
  assert.deepEqual(problems, [])
  assert.deepEqual(challenge.allowedRecoveryCredentials, [
    { id: user.kit.credId, encryptedRecoveryKey: user.kit.encryptedPrivateKey },
  ])

  const newKeys = newKeyPair()
  const body = await recoverBody(user, challenge, newKeys)
  const recovering = withToken(challenge.temporaryAuthenticationToken)
  const recovered = await recovering.auth.recover({ body })
  assert.equal(recovered.credential.kind, 'Key')
  assert.equal(recovered.credential.name, 'new key')
  assert.deepEqual(recovered.user, { id: user.userId, username: user.email, orgId })
  // The temporary token was issued before the recovery, which ended every earlier session.
  await rejectsWith(recovering.auth.recover({ body }), 401)

  const newCredId = body.newCredentials.firstFactorCredential.credentialInfo.credId
  const listed = await credentials(user.email)
  assert.deepEqual(
    listed.sort(),
    [[user.credId, 'Key', false], [user.kit.credId, 'RecoveryKey', false], [newCredId, 'Key', true]].sort(),
  )
  // The old key no longer signs; the new one does.
  const { token } = await serviceAccount.auth.delegatedLogin({ body: { username: user.email } })
  const signerOf = (credId, privateKey) => new AsymmetricKeySigner({ credId, privateKey })
  const asUser = (signer) => new DfnsApiClient({ baseUrl, orgId, authToken: token, signer })
  await assert.rejects(
    asUser(signerOf(user.credId, user.keys.privateKey)).auth.createCredentialCode({
      body: { expiration: new Date(Date.now() + 60_000).toISOString() },
    }),
  )
  const code = await asUser(signerOf(newCredId, newKeys.privateKey)).auth.createCredentialCode({
    body: { expiration: new Date(Date.now() + 60_000).toISOString() },
  })
  assert.equal(code.code.length, 9)
})

test('a forged recovery signature is refused with 401 and the recovery stays open', async () => {
  const user = await registerWithRecoveryKit('node-forged-recovery')
  const challenge = await serviceAccount.auth.createDelegatedRecoveryChallenge({
    body: { username: user.email, credentialId: user.kit.credId },
  })
  const body = await recoverBody(user, challenge, newKeyPair())
  const forger = await makeRecoveryKit(user.email)
  const forged = { ...body, recovery: signRecovery(challenge.challenge, user.kit.credId, forger.privateKey) }
  const recovering = withToken(challenge.temporaryAuthenticationToken)
  await rejectsWith(recovering.auth.recover({ body: forged }), 401, 'The credential assertion could not be verified')
  await recovering.auth.recover({ body })
})

test('a user recovers with the code the emulator emailed', async () => {
  const user = await registerWithRecoveryKit('node-code-recovery')
  const sent = await anonymous.auth.sendRecoveryCode({ body: { username: user.email, orgId } })
  assert.equal(typeof sent.message, 'string')
  const outbox = await fetch(`${baseUrl}/_emulator/outbox?to=${encodeURIComponent(user.email)}`)
  const [email] = (await outbox.json()).items
  assert.equal(email.to, user.email)
  const request = {
    body: { username: user.email, verificationCode: email.code, orgId, credentialId: user.kit.credId },
  }
  const challenge = await anonymous.auth.createRecoveryChallenge(request)
  await rejectsWith(anonymous.auth.createRecoveryChallenge(request), 400, 'Invalid or expired code.')
  const recovered = await withToken(challenge.temporaryAuthenticationToken).auth.recover({
    body: await recoverBody(user, challenge, newKeyPair()),
  })
  assert.equal(recovered.user.id, user.userId)
})

test('a one-time code from a device with a credential adds a credential on another', async () => {
  const user = await registerWithRecoveryKit('node-credential-code')
  const { token } = await serviceAccount.auth.delegatedLogin({ body: { username: user.email } })
  const delegated = new DfnsDelegatedApiClient({ baseUrl, orgId, authToken: token })
  const signer = new AsymmetricKeySigner({ credId: user.credId, privateKey: user.keys.privateKey })
  const codeBody = { expiration: new Date(Date.now() + 60_000).toISOString() }
  const action = await delegated.auth.createCredentialCodeInit({ body: codeBody })
  const made = await delegated.auth.createCredentialCodeComplete(
    { body: codeBody },
    { challengeIdentifier: action.challengeIdentifier, firstFactor: await signer.sign(action) },
  )
  assert.equal(made.code.length, 9)
  assert.equal(typeof made.expiration, 'string')

  // The new device has no token.
  const challenge = await anonymous.auth.createCredentialChallengeWithCode({
    body: { credentialKind: 'Key', code: made.code },
  })
  assert.equal(challenge.kind, 'Key')
  assert.equal(challenge.user.id, user.userId)
  await rejectsWith(
    anonymous.auth.createCredentialChallengeWithCode({ body: { credentialKind: 'Key', code: made.code } }),
    400,
    'Invalid or expired code.',
  )
  const laptop = keyCredential(challenge.challenge, newKeyPair())
  const created = await anonymous.auth.createCredentialWithCode({
    body: { ...laptop, credentialName: 'laptop', challengeIdentifier: challenge.challengeIdentifier },
  })
  assert.equal(created.kind, 'Key')
  assert.equal(created.credentialId, laptop.credentialInfo.credId)
  assert.equal(created.isActive, true)
  assert.ok((await credentials(user.email)).some(([id, , active]) => id === created.credentialId && active))
})

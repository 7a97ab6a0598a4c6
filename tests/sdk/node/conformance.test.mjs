// The official @dfns/sdk + @dfns/sdk-keysigner, unchanged, against dfns-emulator.
// The tests run in order and share one end user: each step builds on the one before, as an
// application backend would.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'

import { DfnsApiClient, DfnsDelegatedApiClient, DfnsError } from '@dfns/sdk'
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner'

import { keyCredential, loadBootstrap, newKeyPair, serviceAccountClient } from './support.mjs'

const boot = loadBootstrap()
const baseUrl = boot.apiUrl
const orgId = boot.orgId // makes the SDK check the org claim inside every token it sends

const serviceAccount = serviceAccountClient(boot)

const email = `node-${randomUUID()}@example.test`
const firstKeys = newKeyPair()
const shared = {} // filled in by earlier tests

function need(key) {
  if (shared[key] === undefined) throw new Error(`needs ${key} from an earlier test`)
  return shared[key]
}

// The end user's own key, signing the user-action challenges of the delegated client.
const endUserSigner = () =>
  new AsymmetricKeySigner({ credId: need('firstCredId'), privateKey: firstKeys.privateKey })

const delegated = (authToken) => new DfnsDelegatedApiClient({ baseUrl, orgId, authToken })

async function rejectsWith(promise, status, message) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof DfnsError, `expected a DfnsError, got ${error}`)
    assert.equal(error.httpStatus, status, `status of ${JSON.stringify(error.context?.body)}`)
    if (message !== undefined) assert.equal(error.message, message)
    return true
  })
}

// Completes a registration the way the Dfns guide does: a client holding the temporary token.
function registerWithKey(challenge, keys, credentialName) {
  const credential = keyCredential(challenge.challenge, keys, credentialName)
  const withTemporaryToken = new DfnsApiClient({
    baseUrl,
    orgId,
    authToken: challenge.temporaryAuthenticationToken,
  })
  const registration = withTemporaryToken.auth.register({
    body: { firstFactorCredential: credential },
  })
  return { credential, registration }
}

// The fields of `object` missing or not of the type `fields` names.
function wrongFields(what, object, fields) {
  return Object.entries(fields)
    .filter(([field, type]) => typeof object[field] !== type || object[field] === null)
    .map(([field, type]) => `${what}: ${field} should be a ${type}, is ${JSON.stringify(object[field])}`)
}

test('the service account creates a delegated registration challenge for a new email', async () => {
  const challenge = await serviceAccount.auth.createDelegatedRegistrationChallenge({
    body: { kind: 'EndUser', email },
  })
  assert.match(challenge.user.id, /^us-/)
  assert.equal(challenge.user.name, email)
  assert.equal(typeof challenge.challenge, 'string')
  assert.ok(challenge.challenge.length > 0)
  assert.equal(typeof challenge.temporaryAuthenticationToken, 'string')
  assert.ok(challenge.supportedCredentialKinds.firstFactor.includes('Key'))
  assert.ok(Array.isArray(challenge.pubKeyCredParams))
  shared.registration = challenge
})

test('the end user completes registration with a Key credential and the temporary token', async () => {
  const challenge = need('registration')
  const { credential, registration } = registerWithKey(challenge, firstKeys, 'first key')
  const registered = await registration
  assert.match(registered.credential.uuid, /^cr-/)
  assert.equal(registered.credential.kind, 'Key')
  assert.equal(registered.credential.name, 'first key')
  assert.match(registered.user.id, /^us-/)
  assert.equal(registered.user.id, challenge.user.id)
  assert.equal(registered.user.username, email)
  assert.equal(registered.user.orgId, orgId)
  shared.firstCredId = credential.credentialInfo.credId
  shared.firstCredUuid = registered.credential.uuid
})

test('delegated login gives a token whose credential list shows the Key credential active', async () => {
  const firstCredId = need('firstCredId')
  const { token } = await serviceAccount.auth.delegatedLogin({ body: { username: email } })
  assert.equal(typeof token, 'string')
  const { items } = await delegated(token).auth.listCredentials()
  const first = items.find((item) => item.credentialId === firstCredId)
  assert.ok(first, `credential ${firstCredId} not in ${JSON.stringify(items)}`)
  assert.equal(first.kind, 'Key')
  assert.equal(first.credentialUuid, need('firstCredUuid'))
  assert.equal(first.isActive, true)
  shared.endUserToken = token
})

test('the end user adds a second Key credential, then deactivates it', async () => {
  const client = delegated(need('endUserToken'))
  const signer = endUserSigner()

  const credentialChallenge = await client.auth.createCredentialChallenge({ body: { kind: 'Key' } })
  assert.equal(credentialChallenge.kind, 'Key')
  const second = keyCredential(credentialChallenge.challenge, newKeyPair())
  const createBody = {
    ...second,
    credentialName: 'second key',
    challengeIdentifier: credentialChallenge.challengeIdentifier,
  }
  const createAction = await client.auth.createCredentialInit({ body: createBody })
  const created = await client.auth.createCredentialComplete(
    { body: createBody },
    {
      challengeIdentifier: createAction.challengeIdentifier,
      firstFactor: await signer.sign(createAction),
    },
  )
  assert.match(created.credentialUuid, /^cr-/)
  assert.equal(created.credentialId, second.credentialInfo.credId)
  assert.equal(created.kind, 'Key')
  assert.equal(created.name, 'second key')
  assert.equal(created.isActive, true)
  shared.keyCredentialChallenge = credentialChallenge
  shared.createdCredential = created

  const deactivateBody = { credentialUuid: created.credentialUuid }
  const deactivateAction = await client.auth.deactivateCredentialInit({ body: deactivateBody })
  const deactivated = await client.auth.deactivateCredentialComplete(
    { body: deactivateBody },
    {
      challengeIdentifier: deactivateAction.challengeIdentifier,
      firstFactor: await signer.sign(deactivateAction),
    },
  )
  assert.equal(typeof deactivated.message, 'string')

  const { items } = await client.auth.listCredentials()
  const byUuid = new Map(items.map((item) => [item.credentialUuid, item]))
  assert.equal(byUuid.get(created.credentialUuid)?.isActive, false)
  assert.equal(byUuid.get(need('firstCredUuid'))?.isActive, true)
})

test('credential responses carry every field the SDK types declare as required', async () => {
  // From @dfns/sdk's generated/auth/types.d.ts: the Key variant of
  // CreateCredentialChallengeResponse, CreateCredentialResponse, ListCredentialsResponse items.
  const credentialFields = {
    kind: 'string', credentialId: 'string', credentialUuid: 'string', dateCreated: 'string',
    isActive: 'boolean', name: 'string', publicKey: 'string', relyingPartyId: 'string',
    origin: 'string',
  }
  const challengeFields = {
    kind: 'string', user: 'object', challengeIdentifier: 'string', challenge: 'string',
    attestation: 'string', pubKeyCredParams: 'object', temporaryAuthenticationToken: 'string',
  }
  const { items } = await delegated(need('endUserToken')).auth.listCredentials()
  const problems = [
    ...wrongFields('Key credential challenge', need('keyCredentialChallenge'), challengeFields),
    ...wrongFields('created credential', need('createdCredential'), credentialFields),
    ...items.flatMap((item, i) => wrongFields(`listed credential ${i}`, item, credentialFields)),
  ]
  assert.deepEqual(problems, [])
})

test('registration with registerEndUser and no wallets logs the end user in', async () => {
  const endUserEmail = `node-${randomUUID()}@example.test`
  const challenge = await serviceAccount.auth.createDelegatedRegistrationChallenge({
    body: { kind: 'EndUser', email: endUserEmail },
  })
  const keys = newKeyPair()
  const credential = keyCredential(challenge.challenge, keys)
  const withTemporaryToken = new DfnsApiClient({
    baseUrl,
    orgId,
    authToken: challenge.temporaryAuthenticationToken,
  })
  const registered = await withTemporaryToken.auth.registerEndUser({
    body: { firstFactorCredential: credential, wallets: [] },
  })
  assert.match(registered.credential.uuid, /^cr-/)
  assert.equal(registered.user.id, challenge.user.id)
  assert.equal(registered.user.username, endUserEmail)
  assert.deepEqual(registered.wallets, [])
  const { items } = await delegated(registered.authentication.token).auth.listCredentials()
  assert.deepEqual(
    items.map((item) => [item.credentialId, item.isActive]),
    [[credential.credentialInfo.credId, true]],
  )
})

test('delegated login for an unknown username is refused with 401', async () => {
  await rejectsWith(
    serviceAccount.auth.delegatedLogin({ body: { username: `nobody-${randomUUID()}@example.test` } }),
    401,
  )
})

test('a read without a token is refused with 401', async () => {
  const anonymous = new DfnsDelegatedApiClient({ baseUrl })
  await rejectsWith(anonymous.auth.listCredentials(), 401)
})

test('a read with a forged token is refused with 401', async () => {
  // A real token with its signature changed: well formed, but not issued by the emulator.
  const [header, payload, signature] = need('endUserToken').split('.')
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)
  const forged = new DfnsDelegatedApiClient({ baseUrl, authToken: `${header}.${payload}.${flipped}` })
  await rejectsWith(forged.auth.listCredentials(), 401)
  const garbage = new DfnsDelegatedApiClient({ baseUrl, authToken: 'not-a-token' })
  await rejectsWith(garbage.auth.listCredentials(), 401)
})

test('registering the same email again after completion is refused with 401 "User already exists."', async () => {
  need('firstCredUuid')
  await rejectsWith(
    serviceAccount.auth.createDelegatedRegistrationChallenge({ body: { kind: 'EndUser', email } }),
    401,
    'User already exists.',
  )
})

test('a second registration challenge for the same email cannot register the user again', async () => {
  // E.g. the user reloaded the sign-up page: two challenges are out, the first one completes.
  const twiceEmail = `node-${randomUUID()}@example.test`
  const body = { kind: 'EndUser', email: twiceEmail }
  const first = await serviceAccount.auth.createDelegatedRegistrationChallenge({ body })
  const second = await serviceAccount.auth.createDelegatedRegistrationChallenge({ body })
  assert.equal(second.user.id, first.user.id)
  await registerWithKey(first, newKeyPair()).registration
  await rejectsWith(registerWithKey(second, newKeyPair()).registration, 401, 'User already exists.')
})

test('after logout the end-user token is refused with 401', async () => {
  const client = delegated(need('endUserToken'))
  const loggedOut = await client.auth.logout()
  assert.equal(typeof loggedOut.message, 'string')
  await rejectsWith(client.auth.listCredentials(), 401)
})

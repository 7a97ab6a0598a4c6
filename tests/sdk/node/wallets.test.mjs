// The official @dfns/sdk + @dfns/sdk-keysigner, unchanged, against dfns-emulator: wallets,
// assets, history, transfers, signatures and fees. The tests run in order and share one end user
// and one delegated wallet: each step builds on the one before, as an application backend would.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { test } from 'node:test'

import { DfnsApiClient, DfnsDelegatedApiClient, DfnsError } from '@dfns/sdk'
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner'

import { faucet, loadBootstrap, registerEndUser, requiredFieldProblems, serviceAccountClient } from './support.mjs'

const boot = loadBootstrap()
const baseUrl = boot.apiUrl
const orgId = boot.orgId

const serviceAccount = serviceAccountClient(boot)

const NETWORK = 'EthereumSepolia'
const FUNDING = 10n ** 18n // 1 ETH, in wei
const SENT = 10n ** 15n // 0.001 ETH
const RECIPIENT = '0x000000000000000000000000000000000000dead' // all lower case: no checksum
const shared = {} // filled in by earlier tests

function need(key) {
  if (shared[key] === undefined) throw new Error(`needs ${key} from an earlier test`)
  return shared[key]
}

const endUserClient = () =>
  new DfnsDelegatedApiClient({ baseUrl, orgId, authToken: need('endUser').token })

const endUserSigner = () => {
  const { credId, keys } = need('endUser')
  return new AsymmetricKeySigner({ credId, privateKey: keys.privateKey })
}

// A delegated Init/Complete pair, the user action signed with the end user's Key credential.
async function asEndUser(init, complete) {
  const challenge = await init()
  return complete({
    challengeIdentifier: challenge.challengeIdentifier,
    firstFactor: await endUserSigner().sign(challenge),
  })
}

async function rejectsWith(promise, status) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof DfnsError, `expected a DfnsError, got ${error}`)
    assert.equal(error.httpStatus, status, `status of ${JSON.stringify(error.context?.body)}`)
    return true
  })
}

const HEX_32 = /^0x[0-9a-f]{64}$/i

function assertSignatureShape(signature) {
  assert.match(signature.id, /^sig-/)
  assert.equal(signature.status, 'Signed')
  assert.match(signature.signature?.r ?? '', HEX_32, JSON.stringify(signature.signature))
  assert.match(signature.signature.s, HEX_32)
  assert.ok([0, 1].includes(signature.signature.recid), `recid ${signature.signature.recid}`)
}

// Fields each SDK response type (@dfns/sdk generated/{wallets,keys,networks}/types.d.ts) marks
// as required, for the variants these tests meet.
const WALLET = {
  id: 'string', network: 'string',
  signingKey: { id: 'string', scheme: 'string', curve: 'string', publicKey: 'string' },
  status: 'string', dateCreated: 'string', custodial: 'boolean', tags: 'array',
}
const ASSETS = {
  walletId: 'string', network: 'string',
  assets: [{ kind: 'string', decimals: 'number', balance: 'string' }],
}
const NATIVE_HISTORY_ITEM = {
  walletId: 'string', direction: 'string', network: 'string', blockNumber: 'number',
  txHash: 'string', timestamp: 'string', metadata: { asset: 'object' }, kind: 'string',
  value: 'string', symbol: 'string', decimals: 'number', // symbol, decimals: deprecated, required
}
const HISTORY = { items: [NATIVE_HISTORY_ITEM], walletId: 'string', network: 'string' }
const NATIVE_TRANSFER = {
  id: 'string', walletId: 'string', network: 'string', requester: { userId: 'string' },
  requestBody: { kind: 'string', to: 'string', amount: 'string' },
  metadata: { asset: 'object' }, status: 'string', dateRequested: 'string',
}
const TRANSFERS = { items: [NATIVE_TRANSFER], walletId: 'string' }
const SIGNATURE = {
  id: 'string', keyId: 'string', requester: { userId: 'string' }, requestBody: 'object',
  status: 'string', dateRequested: 'string',
}
// POST /wallets/{walletId}/signatures: the wallet variant also requires network and walletId.
const WALLET_SIGNATURE = { ...SIGNATURE, network: 'string', walletId: 'string' }
const SIGNATURES = { items: [SIGNATURE], keyId: 'string' }
const EIP1559_TIER = { maxPriorityFeePerGas: 'string', maxFeePerGas: 'string' }
const EIP1559_FEES = {
  kind: 'string', network: 'string', blockNumber: 'number',
  slow: EIP1559_TIER, standard: EIP1559_TIER, fast: EIP1559_TIER, baseFeePerGas: 'string',
}

test('the service account creates an EthereumSepolia wallet delegated to a freshly registered end user, with an externalId', async () => {
  const endUser = await registerEndUser(serviceAccount, { baseUrl, orgId }, 'node-wallets')
  shared.endUser = endUser
  const body = {
    network: NETWORK,
    name: 'node conformance',
    externalId: `node-wallet-${randomUUID()}`,
    delegateTo: endUser.userId,
  }
  const wallet = await serviceAccount.wallets.createWallet({ body })
  assert.match(wallet.id, /^wa-/)
  assert.equal(wallet.network, NETWORK)
  assert.equal(wallet.name, body.name)
  assert.equal(wallet.externalId, body.externalId)
  assert.equal(wallet.status, 'Active')
  assert.match(wallet.address, /^0x[0-9a-fA-F]{40}$/)
  assert.equal(wallet.signingKey.scheme, 'ECDSA')
  assert.equal(wallet.signingKey.curve, 'secp256k1')
  assert.match(wallet.signingKey.id, /^key-/)
  assert.match(wallet.signingKey.publicKey, /^[0-9a-fA-F]+$/)
  assert.equal(wallet.signingKey.delegatedTo, endUser.userId)
  assert.equal(wallet.custodial, false)
  shared.walletBody = body
  shared.wallet = wallet
})

test('creating the wallet again with the same body returns the same wallet id', async () => {
  const again = await serviceAccount.wallets.createWallet({ body: need('walletBody') })
  assert.equal(again.id, need('wallet').id)
  assert.equal(again.address, need('wallet').address)
})

test('listing wallets finds the wallet, for the service account and for the end user', async () => {
  const { id } = need('wallet')
  const all = await serviceAccount.wallets.listWallets()
  assert.ok(all.items.some((item) => item.id === id), `${id} not in the service account's list`)
  const owned = await serviceAccount.wallets.listWallets({ query: { owner: need('endUser').userId } })
  assert.deepEqual(owned.items.map((item) => item.id), [id])
  const mine = await endUserClient().wallets.listWallets()
  assert.deepEqual(mine.items.map((item) => item.id), [id])
  assert.equal(mine.items[0].signingKey.delegatedTo, need('endUser').userId)
  shared.listed = mine
})

test('getWallet shows the wallet delegated to the end user and not custodial', async () => {
  const wallet = need('wallet')
  for (const client of [serviceAccount, endUserClient()]) {
    const got = await client.wallets.getWallet({ walletId: wallet.id })
    assert.equal(got.id, wallet.id)
    assert.equal(got.address, wallet.address)
    assert.equal(got.signingKey.publicKey, wallet.signingKey.publicKey)
    assert.equal(got.signingKey.delegatedTo, need('endUser').userId)
    assert.equal(got.custodial, false)
    assert.equal(got.externalId, wallet.externalId)
  }
})

test('the faucet funds the wallet and getWalletAssets shows the native balance as a string', async () => {
  const wallet = need('wallet')
  const funded = await faucet(baseUrl, {
    network: NETWORK,
    address: wallet.address,
    amount: FUNDING.toString(),
  })
  assert.equal(funded.balance, FUNDING.toString())
  const assets = await endUserClient().wallets.getWalletAssets({
    walletId: wallet.id,
    query: { netWorth: 'true' },
  })
  assert.equal(assets.walletId, wallet.id)
  assert.equal(assets.network, NETWORK)
  const native = assets.assets.find((asset) => asset.kind === 'Native')
  assert.ok(native, `no Native asset in ${JSON.stringify(assets.assets)}`)
  assert.equal(typeof native.balance, 'string')
  assert.equal(native.balance, FUNDING.toString())
  assert.equal(native.decimals, 18)
  assert.equal(typeof assets.netWorth?.USD, 'number', `netWorth ${JSON.stringify(assets.netWorth)}`)
  shared.assets = assets
})

test('the end user sends a Native transfer with transferAsset Init/Complete signed by their Key credential', async () => {
  const wallet = need('wallet')
  const client = endUserClient()
  const request = {
    walletId: wallet.id,
    body: { kind: 'Native', to: RECIPIENT, amount: SENT.toString(), externalId: `node-xfr-${randomUUID()}` },
  }
  const transfer = await asEndUser(
    () => client.wallets.transferAssetInit(request),
    (signed) => client.wallets.transferAssetComplete(request, signed),
  )
  assert.match(transfer.id, /^xfr-/)
  assert.equal(transfer.walletId, wallet.id)
  assert.equal(transfer.network, NETWORK)
  assert.equal(transfer.requester.userId, need('endUser').userId)
  assert.equal(transfer.requestBody.kind, 'Native')
  assert.equal(transfer.requestBody.amount, SENT.toString())
  assert.equal(transfer.requestBody.to.toLowerCase(), RECIPIENT)
  assert.equal(transfer.externalId, request.body.externalId)
  assert.ok(
    ['Pending', 'Executing', 'Broadcasted', 'Confirmed'].includes(transfer.status),
    `status ${transfer.status}`,
  )
  shared.transfer = transfer
})

test('getTransfer shows the transfer, which reaches Confirmed with --confirm-after-ms 0', async () => {
  const { id, walletId } = need('transfer')
  let transfer
  for (let attempt = 0; attempt < 50; attempt++) {
    transfer = await endUserClient().wallets.getTransfer({ walletId, transferId: id })
    if (transfer.status === 'Confirmed') break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.equal(transfer.id, id)
  assert.equal(transfer.status, 'Confirmed')
  assert.match(transfer.txHash ?? '', HEX_32)
  assert.equal(typeof transfer.dateConfirmed, 'string')
  assert.match(transfer.fee ?? '', /^[0-9]+$/)
  shared.confirmed = transfer
})

test('after the transfer the native balance is the funding less amount and fee', async () => {
  const { walletId, fee } = need('confirmed')
  const assets = await endUserClient().wallets.getWalletAssets({ walletId })
  const native = assets.assets.find((asset) => asset.kind === 'Native')
  assert.equal(native?.balance, (FUNDING - SENT - BigInt(fee)).toString())
})

test('getWalletHistory shows the Out item of the transfer', async () => {
  const transfer = need('confirmed')
  const history = await endUserClient().wallets.getWalletHistory({
    walletId: transfer.walletId,
    query: { direction: 'Out' },
  })
  assert.equal(history.walletId, transfer.walletId)
  assert.equal(history.network, NETWORK)
  const out = history.items.find((item) => item.txHash === transfer.txHash)
  assert.ok(out, `no item with txHash ${transfer.txHash} in ${JSON.stringify(history.items)}`)
  assert.equal(out.direction, 'Out')
  assert.equal(out.kind, 'NativeTransfer')
  assert.equal(out.value, SENT.toString())
  assert.equal(out.to?.toLowerCase(), RECIPIENT)
  assert.equal(out.from?.toLowerCase(), need('wallet').address.toLowerCase())
  assert.ok(history.items.every((item) => item.direction === 'Out'))
  shared.history = await endUserClient().wallets.getWalletHistory({ walletId: transfer.walletId })
  assert.ok(shared.history.items.some((item) => item.direction === 'In'), 'no In item from the faucet')
})

test('listTransfers finds the transfer', async () => {
  const transfer = need('confirmed')
  const list = await endUserClient().wallets.listTransfers({ walletId: transfer.walletId })
  assert.equal(list.walletId, transfer.walletId)
  const found = list.items.find((item) => item.id === transfer.id)
  assert.ok(found, `${transfer.id} not in ${JSON.stringify(list.items.map((item) => item.id))}`)
  assert.equal(found.status, 'Confirmed')
  shared.transfers = list
})

test('the end user signs Eip712 typed data through the keys endpoint and gets r, s and recid', async () => {
  const wallet = need('wallet')
  const client = endUserClient()
  const request = {
    keyId: wallet.signingKey.id,
    body: {
      kind: 'Eip712',
      blockchainKind: 'Evm',
      types: {
        Person: [
          { name: 'name', type: 'string' },
          { name: 'wallet', type: 'address' },
        ],
        Mail: [
          { name: 'from', type: 'Person' },
          { name: 'to', type: 'Person' },
          { name: 'contents', type: 'string' },
        ],
      },
      domain: {
        name: 'Ether Mail',
        version: '1',
        chainId: 11155111,
        verifyingContract: '0xcccccccccccccccccccccccccccccccccccccccc',
      },
      message: {
        from: { name: 'Cow', wallet: '0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826' },
        to: { name: 'Bob', wallet: '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
        contents: 'Hello, Bob!',
      },
    },
  }
  const signature = await asEndUser(
    () => client.keys.generateSignatureInit(request),
    (signed) => client.keys.generateSignatureComplete(request, signed),
  )
  // Node's crypto cannot recover a secp256k1 public key, so only the shape is checked here.
  assertSignatureShape(signature)
  assert.equal(signature.keyId, wallet.signingKey.id)
  assert.equal(signature.requester.userId, need('endUser').userId)
  assert.equal(signature.requestBody.kind, 'Eip712')
  const got = await client.keys.getSignature({ keyId: wallet.signingKey.id, signatureId: signature.id })
  assert.equal(got.id, signature.id)
  assert.deepEqual(got.signature, signature.signature)
  shared.keySignature = signature
  shared.keySignatures = await client.keys.listSignatures({ keyId: wallet.signingKey.id })
  assert.ok(shared.keySignatures.items.some((item) => item.id === signature.id))
})

test('the end user signs a Hash through the deprecated wallet endpoint and gets r, s and recid', async () => {
  const wallet = need('wallet')
  const client = endUserClient()
  const request = {
    walletId: wallet.id,
    body: { kind: 'Hash', hash: `0x${randomBytes(32).toString('hex')}` },
  }
  const signature = await asEndUser(
    () => client.wallets.generateSignatureInit(request),
    (signed) => client.wallets.generateSignatureComplete(request, signed),
  )
  assertSignatureShape(signature)
  assert.equal(signature.walletId, wallet.id)
  assert.equal(signature.keyId, wallet.signingKey.id)
  assert.equal(signature.network, NETWORK)
  const got = await client.wallets.getSignature({ walletId: wallet.id, signatureId: signature.id })
  assert.deepEqual(got.signature, signature.signature)
  shared.walletSignature = signature
  shared.walletSignatures = await client.wallets.listSignatures({ walletId: wallet.id })
  assert.ok(shared.walletSignatures.items.some((item) => item.id === signature.id))
})

test('getFees for EthereumSepolia has kind Eip1559', async () => {
  const fees = await endUserClient().networks.getFees({ query: { network: NETWORK } })
  assert.equal(fees.kind, 'Eip1559')
  assert.equal(fees.network, NETWORK)
  assert.match(fees.baseFeePerGas, /^[0-9]+$/)
  assert.match(fees.standard.maxFeePerGas, /^[0-9]+$/)
  shared.fees = fees
})

test('a transfer of amount "1.5" is refused with a DfnsError of status 400', async () => {
  const client = endUserClient()
  const request = {
    walletId: need('wallet').id,
    body: { kind: 'Native', to: RECIPIENT, amount: '1.5' },
  }
  await rejectsWith(
    asEndUser(
      () => client.wallets.transferAssetInit(request),
      (signed) => client.wallets.transferAssetComplete(request, signed),
    ),
    400,
  )
})

test('the service account trying to transfer from the delegated wallet is refused with 403', async () => {
  await rejectsWith(
    serviceAccount.wallets.transferAsset({
      walletId: need('wallet').id,
      body: { kind: 'Native', to: RECIPIENT, amount: '1' },
    }),
    403,
  )
})

test('wallet, assets, history, transfer, signature and fee responses carry every field the SDK types declare as required', async () => {
  const problems = [
    ...requiredFieldProblems('createWallet', need('wallet'), WALLET),
    ...requiredFieldProblems('listWallets', need('listed'), { items: [WALLET] }),
    ...requiredFieldProblems('getWalletAssets', need('assets'), ASSETS),
    ...requiredFieldProblems('getWalletHistory', need('history'), HISTORY),
    ...requiredFieldProblems('transferAsset', need('transfer'), NATIVE_TRANSFER),
    ...requiredFieldProblems('getTransfer', need('confirmed'), NATIVE_TRANSFER),
    ...requiredFieldProblems('listTransfers', need('transfers'), TRANSFERS),
    ...requiredFieldProblems('keys.generateSignature', need('keySignature'), SIGNATURE),
    ...requiredFieldProblems('keys.listSignatures', need('keySignatures'), SIGNATURES),
    ...requiredFieldProblems('wallets.generateSignature', need('walletSignature'), WALLET_SIGNATURE),
    ...requiredFieldProblems('wallets.listSignatures', need('walletSignatures'), SIGNATURES),
    ...requiredFieldProblems('getFees', need('fees'), EIP1559_FEES),
  ]
  assert.deepEqual(problems, [])
})

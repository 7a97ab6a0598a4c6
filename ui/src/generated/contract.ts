// Generated from the Rust definitions by src-tauri/src/typescript.rs: do not edit.
// `make contract` rewrites it; a test fails while it is stale.

/**
 * What this computer can do for the signed-in person, and what is missing: Home offers the
 * way forward.
 */
export type AccessView = { 
/**
 * A passkey of the account lives on this computer (else: a code from another computer,
 * a security key, or the recovery kit).
 */
passkeyHere: boolean, 
/**
 * The account has a recovery kit.
 */
hasRecoveryKit: boolean, 
/**
 * The code of a new kit, shown until the person types it back.
 */
kitToConfirm: string | null, 
/**
 * The session came from the website's recovery check: access can be recovered now.
 */
recovering: boolean, };

/**
 * `app_state`.
 */
export type AppState = { 
/**
 * Whether a companion session is stored.
 */
signedIn: boolean, 
/**
 * Who is signed in.
 */
user?: User, 
/**
 * Whether the user is registered with Dfns (unknown while offline).
 */
registered?: boolean, 
/**
 * The company server.
 */
companionUrl: string, 
/**
 * Its host (and port), as the person confirms it.
 */
companyHost: string, 
/**
 * Whether the person (or the installer) confirmed the company: no sign-in before.
 */
companyConfirmed: boolean, 
/**
 * Where new passkeys are made: the person's choice, else the strongest this computer
 * offers.
 */
authenticator: AuthenticatorChoice, 
/**
 * Those this machine offers.
 */
availableAuthenticators: Array<AuthenticatorChoice>, 
/**
 * Whether this computer's security chip can hold passkeys for this user.
 */
tpm: TpmState, 
/**
 * Whether the "security key" is the development build's software one.
 */
devSecurityKey: boolean, 
/**
 * Whether desktop notifications are on.
 */
notifications: boolean, 
/**
 * Whether the last network call failed for want of a network.
 */
offline: boolean, 
/**
 * The networks the company offers (empty until the company server answered).
 */
networks: Array<string>, };

/**
 * What the approval window shows: built in Rust (the intent decoded from the journaled body),
 * never from data the main page passed.
 */
export type ApprovalView = { 
/**
 * What the passkey is about to do.
 */
ceremony: CeremonyKind, 
/**
 * For a signed action: what it does, decoded from the exact body that will be signed.
 */
intent?: Intent, 
/**
 * The passkey domain.
 */
rpId: string, 
/**
 * The account, when known.
 */
user?: string, 
/**
 * The authenticator that will be used.
 */
authenticator: AuthenticatorChoice, 
/**
 * Set when the authenticator asks for its PIN.
 */
pin?: PinRequest, 
/**
 * For a signed action: the warnings shown when it was prepared.
 */
warnings: Array<Warning>, };

/**
 * Which asset of a wallet to send.
 */
export type AssetRef = { "kind": "Native" } | { "kind": "Erc20", 
/**
 * Its contract.
 */
contract: string, } | { "kind": "Spl", 
/**
 * Its mint.
 */
mint: string, };

/**
 * One asset of a wallet and its balance.
 */
export type AssetView = { 
/**
 * `Native`, `Erc20`, `Spl`, …
 */
kind: string, 
/**
 * Erc20: the token contract.
 */
contract?: string, 
/**
 * Spl: the token mint.
 */
mint?: string, 
/**
 * Ticker, when known.
 */
symbol?: string, 
/**
 * Decimals of the smallest unit.
 */
decimals: number, 
/**
 * Whether Dfns vouches for the token.
 */
verified?: boolean, 
/**
 * In the smallest unit, base 10.
 */
balance: string, 
/**
 * Fiat value of one whole unit, e.g. `{"USD": 3020.8}`.
 */
quotes?: { [key in string]: number }, };

/**
 * Where a new passkey is made.
 */
export type AuthenticatorChoice = "platform-tpm" | "device" | "security-key" | "windows-hello";

/**
 * The stable codes of [`AuthnError`], serialised as the UI knows them (`AUTHN_CANCELLED`, …).
 */
export type AuthnCode = "AUTHN_CANCELLED" | "AUTHN_TIMEOUT" | "AUTHN_NO_AUTHENTICATOR" | "AUTHN_NO_CREDENTIAL" | "AUTHN_ALREADY_REGISTERED" | "AUTHN_DECLINED" | "AUTHN_ORIGIN_MISMATCH" | "AUTHN_INVALID_CHALLENGE" | "AUTHN_UNSUPPORTED_ALGORITHM" | "AUTHN_PIN_REQUIRED" | "AUTHN_PIN_INVALID" | "AUTHN_PIN_TOO_SHORT" | "AUTHN_PIN_DELAYED" | "AUTHN_PIN_BLOCKED" | "AUTHN_DEVICE_ACCESS" | "AUTHN_TPM_UNAVAILABLE" | "AUTHN_TPM_BUSY" | "AUTHN_TPM_RESET" | "AUTHN_TPM_ACCESS" | "AUTHN_TPM_MISMATCH" | "AUTHN_PASSKEY_DAMAGED" | "AUTHN_STORAGE" | "AUTHN_INVALID_RESPONSE" | "AUTHN_AUTHENTICATOR_ERROR";

/**
 * A company page a sign-in or a recovery continues on, and whether the system browser opened
 * it. When none could be opened, the UI shows the address to copy into a browser, as
 * command-line tools do; the deep link back is accepted either way.
 */
export type BrowserPage = { 
/**
 * The page's address.
 */
url: string, 
/**
 * Whether the system browser was asked to open it without an error.
 */
opened: boolean, };

/**
 * The passkey ceremonies the person approves.
 */
export type CeremonyKind = "register" | "createPasskey" | "sign" | "recover";

/**
 * What went wrong, for programs: branch on this, never on the message. New codes may
 * appear; an app reads an unknown one as [`ErrorCode::Unknown`].
 */
export type CompanionCode = "INVALID_REQUEST" | "UNAUTHENTICATED" | "CODE_UNKNOWN" | "CODE_EXPIRED" | "CODE_REPLAYED" | "PKCE_VERIFIER_MISMATCH" | "PKCE_METHOD_UNSUPPORTED" | "REDIRECT_URI_MISMATCH" | "REDIRECT_URI_NOT_ALLOWED" | "RATE_LIMITED" | "ALREADY_REGISTERED" | "NOT_REGISTERED" | "REGISTRATION_NOT_STARTED" | "CREDENTIAL_REJECTED" | "RECOVERY_NOT_ALLOWED" | "NO_RECOVERY_KIT" | "RECOVERY_RATE_LIMITED" | "RECOVERY_NOT_STARTED" | "RECOVERY_EXPIRED" | "RECOVERY_ALREADY_COMPLETED" | "RECOVERY_REFUSED" | "RECOVERY_KIT_UNKNOWN" | "NETWORK_NOT_SUPPORTED" | "DFNS_USER_INACTIVE" | "DFNS_UNAVAILABLE" | "DFNS_FAILED" | "STORE_UNAVAILABLE" | "UPDATES_OFF" | "UPDATE_VERSION_INVALID" | "UPDATE_RELEASE_INVALID" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "INTERNAL" | "UNKNOWN";

/**
 * A one-time code for another computer.
 */
export type ComputerCodeView = { 
/**
 * The code, to type on the other computer.
 */
code: string, 
/**
 * When it stops working, Unix milliseconds.
 */
expiresAtMs: number, };

/**
 * A recipient the person saved with a name.
 */
export type ContactView = { 
/**
 * The Dfns network.
 */
network: string, 
/**
 * The address, as the network writes it canonically.
 */
address: string, 
/**
 * The name they gave it.
 */
name: string, };

/**
 * Every code the app's errors carry: the UI branches on these, never on a message. Serialised
 * as the strings the UI has always seen; the codes of the crates below keep their own enums.
 */
export type ErrorCode = "DEEP_LINK_INVALID" | "LOGIN_NOT_PENDING" | "LOGIN_STATE_MISMATCH" | "LOGIN_EXPIRED" | "LOGIN_REFUSED" | "ACCOUNT_MISMATCH" | "SIGNED_OUT" | "COMPANION_FAILED" | "COMPANION_UNREACHABLE" | "COMPANION_URL_INVALID" | "COMPANY_URL_INVALID" | "COMPANY_RP_ID_INVALID" | "COMPANY_CHANGED" | "COMPANY_UNCONFIRMED" | "DFNS_UNREACHABLE" | "DFNS_UNAVAILABLE" | "DFNS_REFUSED" | "DFNS_FAILED" | "CONFIG_INVALID" | "BUSY" | "NETWORK_UNSUPPORTED" | "ADDRESS_INVALID" | "AMOUNT_INVALID" | "AMOUNT_NEGATIVE" | "AMOUNT_ZERO" | "AMOUNT_TOO_PRECISE" | "AMOUNT_TOO_LARGE" | "INSUFFICIENT_FUNDS" | "INSUFFICIENT_FUNDS_FOR_FEE" | "FEE_UNAVAILABLE" | "GUARDRAIL_INVALID" | "CONTACT_NAME_INVALID" | "RECOVERY_CODE_MALFORMED" | "RECOVERY_CODE_WRONG" | "RECOVERY_KIT_UNUSABLE" | "RECOVERY_CODE_MISMATCH" | "NO_RECOVERY_KIT_TO_CONFIRM" | "COMPUTER_CODE_REFUSED" | "WALLET_UNKNOWN" | "ASSET_UNKNOWN" | "DAILY_LIMIT_EXCEEDED" | "SIGNATURE_REQUEST_INVALID" | "SIGNATURE_KIND_UNSUPPORTED" | "TYPED_DATA_WRONG_CHAIN" | "PASSKEY_NAME_INVALID" | "PASSKEY_UNKNOWN" | "SESSION_ENDED_RETRY" | "OPERATION_UNKNOWN" | "OPERATION_FINISHED" | "OPERATION_EXPIRED" | "OUTCOME_UNKNOWN" | "INVALID_ARGUMENT" | "NO_APPROVAL_PENDING" | "RANDOMNESS_UNAVAILABLE" | "UPDATE_CHECK_FAILED" | "UPDATE_NOT_NEWER" | "UPDATE_SIGNATURE_INVALID" | "UPDATE_INSTALL_FAILED" | "NO_UPDATE_PENDING" | "UPDATES_UNSUPPORTED" | "INTERNAL" | CompanionCode | AuthnCode | StoreCode;

/**
 * The one error shape the UI sees: `{code, message}`. It branches on `code`.
 */
export type ErrorView = { 
/**
 * Stable, for the UI to branch on.
 */
code: ErrorCode, 
/**
 * For people.
 */
message: string, };

/**
 * What to show on a block explorer.
 */
export type ExplorerTarget = { "kind": "transaction", 
/**
 * As the network writes it.
 */
hash: string, } | { "kind": "address", 
/**
 * As the network writes it.
 */
address: string, };

/**
 * A fee tier.
 */
export type FeeTier = "Slow" | "Standard" | "Fast";

/**
 * The person's guardrails; until they set their own, the company's defaults for their wallets.
 */
export type Guardrails = { 
/**
 * Per wallet id, then per asset (`Native`, or a token's contract or mint): the most that
 * may leave in 24 hours, in whole units as typed ("0.5").
 */
dailyLimits: { [key in string]: { [key in string]: string } }, 
/**
 * Warn before the first send to an address.
 */
firstSendWarning: boolean, 
/**
 * Warn when a recipient looks like an address sent to before but is another one.
 */
lookalikeCheck: boolean, };

/**
 * The guardrails in force, for the Settings screen.
 */
export type GuardrailsView = { 
/**
 * The daily limits and warnings.
 */
guardrails: Guardrails, 
/**
 * Whether they are the company's defaults (the person has not set their own).
 */
fromCompany: boolean, };

/**
 * One history item, with the asset's symbol and decimals.
 */
export type HistoryView = { 
/**
 * `NativeTransfer`, `Erc20Transfer`, …
 */
kind: string, 
/**
 * `In` or `Out`.
 */
direction: string, 
/**
 * The transaction.
 */
txHash: string, 
/**
 * ISO 8601.
 */
timestamp: string, 
/**
 * Sender.
 */
from?: string, 
/**
 * Recipient.
 */
to?: string, 
/**
 * Amount in base units.
 */
value?: string, 
/**
 * Fee in base units of the native asset.
 */
fee?: string, 
/**
 * The asset's symbol.
 */
symbol?: string, 
/**
 * The asset's decimals.
 */
decimals?: number, };

/**
 * Any signed action, decoded for confirmation.
 */
export type Intent = { "action": "Send" } & TransferIntent | { "action": "Sign" } & SignatureIntent | { "action": "CreateWallet", 
/**
 * The network.
 */
network: string, 
/**
 * Its display name.
 */
name?: string, 
/**
 * The idempotency id.
 */
externalId: string, } | { "action": "AddPasskey", 
/**
 * Its name.
 */
name: string, 
/**
 * Its credential id (base64url).
 */
credentialId: string, } | { "action": "DeactivatePasskey", 
/**
 * Its uuid (`cr-…`).
 */
credentialUuid: string, } | { "action": "AddComputer", 
/**
 * How long the code works, in seconds.
 */
validForSeconds: number, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * A network as people read it: every network Sigil knows, for the UI's labels (the generated
 * contract carries the table, so both windows have it without asking).
 */
export type NetworkView = { 
/**
 * Dfns's id, e.g. `EthereumSepolia`.
 */
id: string, 
/**
 * The name people read, e.g. `Ethereum Sepolia`.
 */
name: string, 
/**
 * `evm`, `bitcoin` or `solana`.
 */
family: string, 
/**
 * A test network: its coins have no value.
 */
testnet: boolean, 
/**
 * The native asset's symbol.
 */
nativeSymbol: string, 
/**
 * The native asset's decimals.
 */
nativeDecimals: number, };

/**
 * What a confirmed action produced.
 */
export type OutcomeView = { "kind": "transfer", 
/**
 * It.
 */
transfer: TransferView, } | { "kind": "signature", 
/**
 * It, as Dfns returned it.
 */
signature: JsonValue, } | { "kind": "wallet", 
/**
 * It.
 */
wallet: WalletView, } | { "kind": "passkeyAdded", 
/**
 * It.
 */
credential: PasskeyView, } | { "kind": "passkeyDeactivated", 
/**
 * Its uuid.
 */
credentialUuid: string, };

/**
 * Where a credential lives.
 */
export type PasskeyLocation = "thisComputer" | "elsewhere" | "recoveryKit";

/**
 * A passkey of the account.
 */
export type PasskeyView = { 
/**
 * `cr-…`
 */
credentialUuid: string, 
/**
 * The credential id.
 */
credentialId: string, 
/**
 * `Fido2`, `Key`, …
 */
kind: string, 
/**
 * Its name.
 */
name: string, 
/**
 * ISO 8601.
 */
dateCreated: string, 
/**
 * Whether it can sign.
 */
isActive: boolean, 
/**
 * Where it lives, as far as this computer can tell.
 */
location: PasskeyLocation, };

/**
 * Which PIN the approval window asks for.
 */
export type PinKind = "securityKey" | "newPin" | "passkey";

/**
 * A PIN request in the approval window.
 */
export type PinRequest = { 
/**
 * Which PIN.
 */
kind: PinKind, 
/**
 * Tries left, when the authenticator says.
 */
retriesLeft?: number, 
/**
 * For a new PIN: the fewest characters accepted.
 */
minLength?: number, };

/**
 * A prepared action for the confirmation screen.
 */
export type PreparedView = { 
/**
 * The journal entry to confirm or cancel.
 */
operationId: string, 
/**
 * What it does, decoded from the exact body.
 */
intent: Intent, 
/**
 * Warnings to show before signing.
 */
warnings: Array<Warning>, };

/**
 * The kinds of passkey prompt.
 */
export type PromptKind = "insert-key" | "choose-key" | "touch-key" | "processing" | "approve";

/**
 * A passkey prompt for the UI (`authn:prompt`).
 */
export type PromptView = { 
/**
 * What to show.
 */
kind: PromptKind, 
/**
 * For `approve`: the passkey domain.
 */
detail?: string, };

/**
 * A send form as the UI sends it.
 */
export type SendForm = { 
/**
 * From which wallet.
 */
walletId: string, 
/**
 * Which asset.
 */
asset: AssetRef, 
/**
 * To whom.
 */
to: string, 
/**
 * How much, in whole units.
 */
amount: string, 
/**
 * The fee tier.
 */
feeTier?: FeeTier, };

/**
 * What a signature request signs, as the Sign screen names it.
 */
export type SignKind = "message" | "typedData" | "hash";

/**
 * A signature as the confirmation screen shows it.
 */
export type SignatureIntent = { 
/**
 * The Dfns network of the wallet.
 */
network: string, 
/**
 * The wallet whose key signs.
 */
walletId: string, 
/**
 * The wallet's address.
 */
from?: string, 
/**
 * What is signed: `Message`, `Typed data (EIP-712)` or `Hash`.
 */
what: string, 
/**
 * A message as text when it is UTF-8, else its hex; the hash for a hash.
 */
text?: string, 
/**
 * EIP-712: the domain (name, version, chainId, verifyingContract).
 */
domain?: JsonValue, 
/**
 * EIP-712: the message's fields.
 */
fields?: JsonValue, 
/**
 * EIP-712: the struct signed (e.g. `Permit`): what the message is.
 */
primaryType?: string, 
/**
 * EIP-712: every type of the structure, as sent.
 */
types?: JsonValue, 
/**
 * The idempotency id.
 */
externalId: string, };

/**
 * The stable codes of this crate's errors, serialised as the UI knows them
 * (`KEYRING_LOCKED`, `CACHE_CORRUPT`, `JOURNAL_CORRUPT`, …).
 */
export type StoreCode = "KEYRING_UNAVAILABLE" | "KEYRING_LOCKED" | "KEYRING_DENIED" | "KEYRING_INVALID_KEY" | "KEYRING_VALUE_TOO_LARGE" | "KEYRING_FAILED" | "CACHE_CORRUPT" | "CACHE_UNAVAILABLE" | "CACHE_FAILED" | "JOURNAL_CORRUPT" | "JOURNAL_TOO_NEW" | "JOURNAL_UNAVAILABLE" | "JOURNAL_DUPLICATE" | "JOURNAL_INVALID_TRANSITION" | "JOURNAL_NOT_FOUND" | "JOURNAL_INVALID_OPERATION" | "JOURNAL_FAILED";

/**
 * What a sync changed.
 */
export type SyncReport = { 
/**
 * Wallets now known.
 */
wallets: number, 
/**
 * History items not seen before.
 */
newHistory: number, 
/**
 * Transfers read (new or updated).
 */
transfers: number, };

/**
 * Whether this computer's security chip (TPM 2.0) can hold passkeys for this user.
 */
export type TpmState = "usable" | "noAccess" | "absent";

/**
 * A network fee, in the network's coin.
 */
export type TransferFee = { 
/**
 * In whole units ("0.000063").
 */
amount: string, 
/**
 * The network's coin ("ETH").
 */
symbol: string, 
/**
 * Fiat value of one whole coin, when Dfns gave one, e.g. `{"USD": 3020.8}`.
 */
quotes?: { [key in string]: number }, };

/**
 * A transfer as the confirmation screen shows it.
 */
export type TransferIntent = { 
/**
 * The Dfns network.
 */
network: string, 
/**
 * The wallet it leaves from.
 */
walletId: string, 
/**
 * The wallet's address.
 */
from?: string, 
/**
 * The recipient.
 */
to: string, 
/**
 * The name the person saved the recipient under, when they did (shown beside it).
 */
toName?: string, 
/**
 * The amount, in whole units ("1.5").
 */
amount: string, 
/**
 * The asset's symbol ("ETH", "USDC").
 */
symbol: string, 
/**
 * `Native`, or the token's contract or mint.
 */
asset: string, 
/**
 * The fee tier: `Slow`, `Standard` (Dfns's default) or `Fast`.
 */
feeTier: string, 
/**
 * The most the network fee may be, at Dfns's estimate when it was prepared.
 */
fee?: TransferFee, 
/**
 * The idempotency id that ties the action to its journal entry.
 */
externalId: string, };

/**
 * A transfer's state.
 */
export type TransferView = { 
/**
 * `xfr-…`
 */
id: string, 
/**
 * Pending, Executing, Broadcasted, Confirmed, Failed, Rejected.
 */
status: string, 
/**
 * Once broadcast.
 */
txHash?: string, 
/**
 * ISO 8601.
 */
dateRequested: string, 
/**
 * The request as sent.
 */
requestBody: JsonValue, 
/**
 * Its idempotency id.
 */
externalId?: string, };

/**
 * An update the person may install, as the UI shows it.
 */
export type UpdateView = { 
/**
 * The version offered.
 */
version: string, 
/**
 * This Sigil's version.
 */
currentVersion: string, 
/**
 * What changed.
 */
notes: string, 
/**
 * When it was published (RFC 3339), if the company said.
 */
date: string | null, };

/**
 * A company user as the app sees them.
 */
export type User = { 
/**
 * The company's id of the user (`cu-…`).
 */
id: string, 
/**
 * Their email address.
 */
email: string, };

/**
 * One wallet with its assets.
 */
export type WalletView = { 
/**
 * `wa-…`
 */
id: string, 
/**
 * The network.
 */
network: string, 
/**
 * Its address.
 */
address?: string, 
/**
 * Its name.
 */
name?: string, 
/**
 * Its assets (empty until synced).
 */
assets: Array<AssetView>, 
/**
 * Total in USD, when Dfns knows the prices.
 */
netWorthUsd?: number, 
/**
 * What its network signs (empty for a network Sigil does not know).
 */
signatureKinds: Array<SignKind>, };

/**
 * Something to show before signing.
 */
export type Warning = { "code": "FIRST_SEND_TO_ADDRESS" } | { "code": "LOOKS_LIKE_KNOWN_ADDRESS", 
/**
 * The address it imitates.
 */
known: string, } | { "code": "LAST_ACTIVE_PASSKEY" } | { "code": "RAW_HASH" };

/** Every network Sigil knows, by Dfns's id: the names and marks people read. */
export const NETWORKS: Record<string, NetworkView> = {
  Ethereum: {"id":"Ethereum","name":"Ethereum","family":"evm","testnet":false,"nativeSymbol":"ETH","nativeDecimals":18},
  EthereumSepolia: {"id":"EthereumSepolia","name":"Ethereum Sepolia","family":"evm","testnet":true,"nativeSymbol":"ETH","nativeDecimals":18},
  Base: {"id":"Base","name":"Base","family":"evm","testnet":false,"nativeSymbol":"ETH","nativeDecimals":18},
  BaseSepolia: {"id":"BaseSepolia","name":"Base Sepolia","family":"evm","testnet":true,"nativeSymbol":"ETH","nativeDecimals":18},
  Polygon: {"id":"Polygon","name":"Polygon","family":"evm","testnet":false,"nativeSymbol":"POL","nativeDecimals":18},
  PolygonAmoy: {"id":"PolygonAmoy","name":"Polygon Amoy","family":"evm","testnet":true,"nativeSymbol":"POL","nativeDecimals":18},
  ArbitrumOne: {"id":"ArbitrumOne","name":"Arbitrum One","family":"evm","testnet":false,"nativeSymbol":"ETH","nativeDecimals":18},
  ArbitrumSepolia: {"id":"ArbitrumSepolia","name":"Arbitrum Sepolia","family":"evm","testnet":true,"nativeSymbol":"ETH","nativeDecimals":18},
  Bitcoin: {"id":"Bitcoin","name":"Bitcoin","family":"bitcoin","testnet":false,"nativeSymbol":"BTC","nativeDecimals":8},
  BitcoinTestnet4: {"id":"BitcoinTestnet4","name":"Bitcoin Testnet4","family":"bitcoin","testnet":true,"nativeSymbol":"BTC","nativeDecimals":8},
  BitcoinSignet: {"id":"BitcoinSignet","name":"Bitcoin Signet","family":"bitcoin","testnet":true,"nativeSymbol":"BTC","nativeDecimals":8},
  BitcoinTestnet3: {"id":"BitcoinTestnet3","name":"Bitcoin Testnet3","family":"bitcoin","testnet":true,"nativeSymbol":"BTC","nativeDecimals":8},
  Solana: {"id":"Solana","name":"Solana","family":"solana","testnet":false,"nativeSymbol":"SOL","nativeDecimals":9},
  SolanaDevnet: {"id":"SolanaDevnet","name":"Solana Devnet","family":"solana","testnet":true,"nativeSymbol":"SOL","nativeDecimals":9},
};

/** Every command's name, with the window allowed to call it. */
export const COMMANDS = {
  app_state: "main",
  address_book: "main",
  save_contact: "main",
  delete_contact: "main",
  open_explorer: "main",
  start_login: "main",
  register: "main",
  wallets: "main",
  sync: "main",
  history: "main",
  transfers: "main",
  validate_send: "main",
  prepare_send: "main",
  max_send: "main",
  prepare_signature: "main",
  prepare_create_wallet: "main",
  passkeys: "main",
  access: "main",
  start_recovery: "main",
  recover: "main",
  confirm_recovery_kit: "main",
  prepare_recovery_kit: "main",
  create_computer_code: "main",
  add_this_computer: "main",
  prepare_add_passkey: "main",
  prepare_deactivate_passkey: "main",
  confirm_action: "main",
  cancel_action: "main",
  cancel_ceremony: "main",
  qr_svg: "main",
  confirm_company: "main",
  set_settings: "main",
  guardrails: "main",
  set_guardrails: "main",
  update_offered: "main",
  check_update: "main",
  install_update: "main",
  sign_out: "main",
  approval_request: "approval",
  approve: "approval",
  decline: "approval",
} as const;

export type CommandName = keyof typeof COMMANDS;

/** Each command's arguments, as sent. */
export type CommandArgs = {
  app_state: Record<string, never>;
  address_book: Record<string, never>;
  save_contact: { network: string; address: string; name: string };
  delete_contact: { network: string; address: string };
  open_explorer: { network: string; target: ExplorerTarget };
  start_login: Record<string, never>;
  register: { authenticator: AuthenticatorChoice };
  wallets: Record<string, never>;
  sync: Record<string, never>;
  history: { walletId: string };
  transfers: { walletId: string };
  validate_send: { form: SendForm };
  prepare_send: { form: SendForm };
  max_send: { walletId: string; asset: AssetRef; feeTier?: FeeTier | null };
  prepare_signature: { walletId: string; kind: SignKind; payload: string };
  prepare_create_wallet: { network: string; name?: string | null };
  passkeys: Record<string, never>;
  access: Record<string, never>;
  start_recovery: Record<string, never>;
  recover: { code: string; authenticator: AuthenticatorChoice };
  confirm_recovery_kit: { code: string };
  prepare_recovery_kit: Record<string, never>;
  create_computer_code: Record<string, never>;
  add_this_computer: { code: string; authenticator: AuthenticatorChoice };
  prepare_add_passkey: { name: string; authenticator: AuthenticatorChoice };
  prepare_deactivate_passkey: { credentialUuid: string };
  confirm_action: { operationId: string };
  cancel_action: { operationId: string };
  cancel_ceremony: Record<string, never>;
  qr_svg: { text: string };
  confirm_company: { url: string };
  set_settings: { companionUrl?: string | null; authenticator?: AuthenticatorChoice | null; notifications?: boolean | null };
  guardrails: Record<string, never>;
  set_guardrails: { guardrails: Guardrails };
  update_offered: Record<string, never>;
  check_update: Record<string, never>;
  install_update: { version: string };
  sign_out: Record<string, never>;
  approval_request: Record<string, never>;
  approve: { pin?: string | null };
  decline: Record<string, never>;
};

/** Each command's result. */
export type CommandResults = {
  app_state: AppState;
  address_book: Array<ContactView>;
  save_contact: Array<ContactView>;
  delete_contact: Array<ContactView>;
  open_explorer: BrowserPage;
  start_login: BrowserPage;
  register: Array<WalletView>;
  wallets: Array<WalletView>;
  sync: SyncReport;
  history: Array<HistoryView>;
  transfers: Array<TransferView>;
  validate_send: void;
  prepare_send: PreparedView;
  max_send: string;
  prepare_signature: PreparedView;
  prepare_create_wallet: PreparedView;
  passkeys: Array<PasskeyView>;
  access: AccessView;
  start_recovery: BrowserPage;
  recover: AccessView;
  confirm_recovery_kit: AccessView;
  prepare_recovery_kit: PreparedView;
  create_computer_code: ComputerCodeView;
  add_this_computer: Array<PasskeyView>;
  prepare_add_passkey: PreparedView;
  prepare_deactivate_passkey: PreparedView;
  confirm_action: OutcomeView;
  cancel_action: void;
  cancel_ceremony: void;
  qr_svg: string;
  confirm_company: AppState;
  set_settings: AppState;
  guardrails: GuardrailsView;
  set_guardrails: GuardrailsView;
  update_offered: UpdateView | null;
  check_update: UpdateView | null;
  install_update: void;
  sign_out: void;
  approval_request: ApprovalView | null;
  approve: void;
  decline: void;
};

/** The events the app sends, by name, with their payloads. */
export type EventMap = {
  "auth:changed": AppState;
  "auth:error": ErrorView;
  "auth:page": BrowserPage;
  "authn:prompt": PromptView;
  "approval:changed": ApprovalView | null;
  "wallets:changed": Array<WalletView>;
  "update:available": UpdateView;
};

/** How a command travels (Tauri's `invoke` in the app, a fake in tests). */
export type Call = <K extends CommandName>(
  command: K,
  args?: CommandArgs[K],
) => Promise<CommandResults[K]>;

/** A typed function per command. */
export function commands(call: Call) {
  return {
    /** Where the app stands. */
    appState: () => call("app_state"),
    /** The person's saved recipients, by name. */
    addressBook: () => call("address_book"),
    /** Saves a recipient with a name (or renames a saved one); the whole address book after. */
    saveContact: (network: string, address: string, name: string) => call("save_contact", { network, address, name }),
    /** Forgets a saved recipient; the whole address book after. */
    deleteContact: (network: string, address: string) => call("delete_contact", { network, address }),
    /** Opens a transaction or an address on the network's block explorer in the system browser. */
    openExplorer: (network: string, target: ExplorerTarget) => call("open_explorer", { network, target }),
    /** Opens the company's sign-in in the system browser; its address, to show when none opened. */
    startLogin: () => call("start_login"),
    /** Registers a passkey of `authenticator` and provisions the wallets. */
    register: (authenticator: AuthenticatorChoice) => call("register", { authenticator }),
    /** The cached wallets. */
    wallets: () => call("wallets"),
    /** Brings the cache up to date. */
    sync: () => call("sync"),
    /** A wallet's history. */
    history: (walletId: string) => call("history", { walletId }),
    /** A wallet's transfers. */
    transfers: (walletId: string) => call("transfers", { walletId }),
    /** Checks a send form, keeping nothing. */
    validateSend: (form: SendForm) => call("validate_send", { form }),
    /** Prepares a transfer for confirmation. */
    prepareSend: (form: SendForm) => call("prepare_send", { form }),
    /** The most the send form can send of an asset at a fee tier ("Max"). */
    maxSend: (walletId: string, asset: AssetRef, feeTier?: FeeTier | null) => call("max_send", { walletId, asset, feeTier }),
    /** Prepares a signature request for confirmation. */
    prepareSignature: (walletId: string, kind: SignKind, payload: string) => call("prepare_signature", { walletId, kind, payload }),
    /** Prepares a new wallet for confirmation. */
    prepareCreateWallet: (network: string, name?: string | null) => call("prepare_create_wallet", { network, name }),
    /** The account's passkeys, with where each lives. */
    passkeys: () => call("passkeys"),
    /** What this computer can do for the signed-in person, and what is missing (a passkey here, a recovery kit, a kit code to type back, a recovery under way). */
    access: () => call("access"),
    /** Opens the company's recovery page (password and an emailed code) in the system browser. */
    startRecovery: () => call("start_recovery"),
    /** Recovers access with the recovery code and a new passkey made with `authenticator`. */
    recover: (code: string, authenticator: AuthenticatorChoice) => call("recover", { code, authenticator }),
    /** The person typed the new recovery kit's code back. */
    confirmRecoveryKit: (code: string) => call("confirm_recovery_kit", { code }),
    /** Prepares adding a recovery kit (for an account without one) for confirmation. */
    prepareRecoveryKit: () => call("prepare_recovery_kit"),
    /** A one-time code for another computer, approved in the approval window. */
    createComputerCode: () => call("create_computer_code"),
    /** Adds a passkey made here with `authenticator`, with a code from another computer. */
    addThisComputer: (code: string, authenticator: AuthenticatorChoice) => call("add_this_computer", { code, authenticator }),
    /** Makes a new passkey and prepares adding it for confirmation. */
    prepareAddPasskey: (name: string, authenticator: AuthenticatorChoice) => call("prepare_add_passkey", { name, authenticator }),
    /** Prepares deactivating a passkey for confirmation. */
    prepareDeactivatePasskey: (credentialUuid: string) => call("prepare_deactivate_passkey", { credentialUuid }),
    /** Signs a prepared action and sends it. */
    confirmAction: (operationId: string) => call("confirm_action", { operationId }),
    /** Drops a prepared action. */
    cancelAction: (operationId: string) => call("cancel_action", { operationId }),
    /** Stops the running passkey ceremony. */
    cancelCeremony: () => call("cancel_ceremony"),
    /** The QR code of `text` (an address to receive on) as an SVG document. */
    qrSvg: (text: string) => call("qr_svg", { text }),
    /** Confirms the company server this Sigil serves (another one signs out first). */
    confirmCompany: (url: string) => call("confirm_company", { url }),
    /** Changes the settings. */
    setSettings: (companionUrl?: string | null, authenticator?: AuthenticatorChoice | null, notifications?: boolean | null) => call("set_settings", { companionUrl, authenticator, notifications }),
    /** The guardrails in force (the person's, or the company's defaults). */
    guardrails: () => call("guardrails"),
    /** Sets the person's own guardrails. */
    setGuardrails: (guardrails: Guardrails) => call("set_guardrails", { guardrails }),
    /** The update last offered (`null`: none), for a UI that starts after the check at start. */
    updateOffered: () => call("update_offered"),
    /** Asks the company for a newer Sigil (`null`: none newer). */
    checkUpdate: () => call("check_update"),
    /** Installs the update the person agreed to (the version they were shown), then restarts. */
    installUpdate: (version: string) => call("install_update", { version }),
    /** Signs out. */
    signOut: () => call("sign_out"),
    /** What the person is asked to approve (`null`: nothing). */
    approvalRequest: () => call("approval_request"),
    /** Approves, with the PIN when the authenticator asked for one. */
    approve: (pin?: string | null) => call("approve", { pin }),
    /** Declines. */
    decline: () => call("decline"),
  };
}

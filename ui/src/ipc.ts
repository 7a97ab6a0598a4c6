// The only door between the UI and the Rust shell: typed commands (`invoke`) and events
// (`listen`). Everything else in the UI goes through `ipc` and `events` below, so tests swap the
// transport with `setTransport` and never touch Tauri.
//
// Every command rejects with an `IpcError` ({code, message}); the UI branches on `code` only.

import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen } from "@tauri-apps/api/event";

export type Authenticator = "device" | "security-key" | "windows-hello";

export type User = { id: string; email: string };

export type AppState = {
  signedIn: boolean;
  user?: User;
  registered?: boolean;
  companionUrl: string;
  authenticator: Authenticator;
  availableAuthenticators: Authenticator[];
  devAuthenticator: boolean;
  /** A development build whose "security key" is a software one (SIGIL_DEV_SECURITY_KEY). */
  devSecurityKey: boolean;
  offline: boolean;
  networks: string[];
};

export type Asset = {
  kind: string;
  contract?: string;
  mint?: string;
  symbol?: string;
  decimals: number;
  /** In the smallest unit, base 10. */
  balance: string;
  /** Fiat value of one whole unit, e.g. {USD: 3020.8}. */
  quotes?: Record<string, number>;
};

export type WalletView = {
  id: string;
  network: string;
  address?: string;
  name?: string;
  assets: Asset[];
  netWorthUsd?: number;
};

export type HistoryItem = {
  kind: string;
  direction: "In" | "Out";
  txHash: string;
  timestamp: string;
  from?: string;
  to?: string;
  /** In the smallest unit. */
  value?: string;
  /** In the native smallest unit. */
  fee?: string;
  symbol?: string;
  decimals?: number;
};

export type Transfer = {
  id: string;
  status: string;
  txHash?: string;
  dateRequested: string;
  // The body as sent to Dfns (kept as the core gives it).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  requestBody: any;
  externalId?: string;
};

export type Warning =
  | { code: "FIRST_SEND_TO_ADDRESS" }
  | { code: "LOOKS_LIKE_KNOWN_ADDRESS"; known: string }
  | { code: "LAST_ACTIVE_PASSKEY" };

export type SendIntent = {
  action: "Send";
  network: string;
  walletId: string;
  from?: string;
  to: string;
  amount: string;
  symbol: string;
  asset: string;
  feeTier: string;
  externalId: string;
};

export type SignIntent = {
  action: "Sign";
  network: string;
  walletId: string;
  from?: string;
  what: string;
  text?: string;
  domain?: unknown;
  fields?: unknown;
  externalId: string;
};

export type Intent =
  | SendIntent
  | SignIntent
  | { action: "CreateWallet"; network: string; name?: string; externalId: string }
  | { action: "AddPasskey"; name: string; credentialId: string }
  | { action: "DeactivatePasskey"; credentialUuid: string };

export type Prepared = {
  operationId: string;
  intent: Intent;
  summary: string;
  warnings: Warning[];
};

export type Passkey = {
  credentialUuid: string;
  credentialId: string;
  kind: string;
  name: string;
  dateCreated: string;
  isActive: boolean;
};

export type Outcome =
  | { kind: "transfer"; transfer: Transfer }
  | { kind: "signature"; signature: unknown }
  | { kind: "wallet"; wallet: WalletView }
  | { kind: "passkeyAdded"; credential: Passkey }
  | { kind: "passkeyDeactivated"; credentialUuid: string };

export type AssetRef = { kind: "Native" } | { kind: "Erc20"; contract: string } | { kind: "Spl"; mint: string };

export type FeeTier = "Slow" | "Standard" | "Fast";

export type SendForm = {
  walletId: string;
  asset: AssetRef;
  to: string;
  amount: string;
  feeTier?: FeeTier;
};

export type SignKind = "message" | "typedData" | "hash";

export type SyncReport = { wallets: number; newHistory: number; transfers: number };

export type Settings = { companionUrl?: string; authenticator?: string };

export type PromptKind = "insert-key" | "choose-key" | "touch-key" | "processing" | "approve";
export type PromptEvent = { kind: PromptKind; detail?: string };
export type PinEvent = { retriesLeft?: number };

/** What every command rejects with. */
export type IpcError = { code: string; message: string };

/** The events the shell emits, by name, with their payloads. */
export type EventMap = {
  "auth:changed": AppState;
  "auth:error": IpcError;
  "authn:prompt": PromptEvent;
  "authn:pin": PinEvent;
  "wallets:changed": WalletView[];
};

export type Unlisten = () => void;

/** How commands and events travel: Tauri in the app, a fake in tests. */
export interface Transport {
  invoke(command: string, args?: Record<string, unknown>): Promise<unknown>;
  listen(event: string, handler: (payload: unknown) => void): Promise<Unlisten>;
}

export const tauriTransport: Transport = {
  invoke: (command, args) => tauriInvoke(command, args),
  listen: (event, handler) => tauriListen(event, (e) => handler(e.payload)),
};

let transport: Transport = tauriTransport;

/** Replaces the transport (tests, the browser demo). Returns the previous one. */
export function setTransport(next: Transport): Transport {
  const previous = transport;
  transport = next;
  return previous;
}

/** Turns whatever a rejection carries into an `IpcError`; a shape we do not know is INTERNAL. */
export function toIpcError(reason: unknown): IpcError {
  if (typeof reason === "object" && reason !== null) {
    const r = reason as Record<string, unknown>;
    if (typeof r.code === "string" && r.code.length > 0) {
      return { code: r.code, message: typeof r.message === "string" ? r.message : "" };
    }
    if (reason instanceof Error) return { code: "INTERNAL", message: reason.message };
  }
  if (typeof reason === "string") return { code: "INTERNAL", message: reason };
  return { code: "INTERNAL", message: String(reason) };
}

export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return (await transport.invoke(command, args)) as T;
  } catch (reason) {
    throw toIpcError(reason);
  }
}

/** The commands of the IPC contract, one function each. */
export const ipc = {
  appState: () => call<AppState>("app_state"),
  startLogin: () => call<void>("start_login"),
  register: (authenticator: Authenticator) => call<WalletView[]>("register", { authenticator }),
  wallets: () => call<WalletView[]>("wallets"),
  sync: () => call<SyncReport>("sync"),
  history: (walletId: string) => call<HistoryItem[]>("history", { walletId }),
  transfers: (walletId: string) => call<Transfer[]>("transfers", { walletId }),
  validateSend: (form: SendForm) => call<null>("validate_send", { form }),
  prepareSend: (form: SendForm) => call<Prepared>("prepare_send", { form }),
  prepareSignature: (walletId: string, kind: SignKind, payload: string) =>
    call<Prepared>("prepare_signature", { walletId, kind, payload }),
  prepareCreateWallet: (network: string, name?: string) =>
    call<Prepared>("prepare_create_wallet", name ? { network, name } : { network }),
  passkeys: () => call<Passkey[]>("passkeys"),
  prepareAddPasskey: (name: string, authenticator: Authenticator) =>
    call<Prepared>("prepare_add_passkey", { name, authenticator }),
  prepareDeactivatePasskey: (credentialUuid: string) =>
    call<Prepared>("prepare_deactivate_passkey", { credentialUuid }),
  confirmAction: (operationId: string) => call<Outcome>("confirm_action", { operationId }),
  cancelAction: (operationId: string) => call<void>("cancel_action", { operationId }),
  cancelCeremony: () => call<void>("cancel_ceremony"),
  answerPin: (pin: string | null) => call<void>("answer_pin", { pin }),
  qrSvg: (text: string) => call<string>("qr_svg", { text }),
  setSettings: (settings: Settings) => call<AppState>("set_settings", settings),
  signOut: () => call<void>("sign_out"),
};

export type Ipc = typeof ipc;

/** Subscribes to one of the shell's events. */
export function on<K extends keyof EventMap>(
  event: K,
  handler: (payload: EventMap[K]) => void,
): Promise<Unlisten> {
  return transport.listen(event, (payload) => handler(payload as EventMap[K]));
}

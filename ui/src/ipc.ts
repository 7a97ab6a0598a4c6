// The only door between the UI and the Rust shell: typed commands (`invoke`) and events
// (`listen`). The commands, their argument and result types, the error codes and the events come
// from `generated/contract.ts`, which is written from the Rust definitions; this file only
// chooses the transport, so tests swap it with `setTransport` and never touch Tauri.
//
// Every command rejects with an `IpcError` ({code, message}); the UI branches on `code` only.

import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen } from "@tauri-apps/api/event";
import { commands, type Call, type CommandArgs, type ErrorCode, type EventMap } from "./generated/contract";

// The UI's names for the contract's types.
export type {
  AccessView,
  AppState,
  AssetRef,
  AssetView as Asset,
  AuthenticatorChoice as Authenticator,
  BrowserPage,
  ErrorCode,
  EventMap,
  FeeTier,
  Guardrails,
  GuardrailsView,
  HistoryView as HistoryItem,
  Intent,
  OutcomeView as Outcome,
  PasskeyView as Passkey,
  ApprovalView,
  CeremonyKind,
  ComputerCodeView,
  ContactView,
  ExplorerTarget,
  PasskeyLocation,
  PinRequest,
  PreparedView as Prepared,
  PromptKind,
  PromptView as PromptEvent,
  SendForm,
  SignatureIntent as SignIntent,
  SignKind,
  SyncReport,
  TransferFee,
  TransferIntent as SendIntent,
  TransferView as Transfer,
  UpdateView,
  User,
  WalletView,
  Warning,
} from "./generated/contract";

/** What Settings may change. */
export type Settings = CommandArgs["set_settings"];

/** Codes the UI itself gives to what it refuses before asking the shell. */
export type LocalErrorCode = "ADDRESS_REQUIRED" | "AMOUNT_REQUIRED";

/** What every command rejects with (and what the UI's own checks produce). */
export type IpcError = { code: ErrorCode | LocalErrorCode; message: string };

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
      // The shell only sends codes of the contract.
      return { code: r.code as ErrorCode, message: typeof r.message === "string" ? r.message : "" };
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

const call: Call = async (command, args) => {
  // An optional argument left out is not sent at all.
  const sent = args && Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
  try {
    return (await transport.invoke(command, sent)) as never;
  } catch (reason) {
    throw toIpcError(reason);
  }
};

/** The commands of the IPC contract, one function each. */
export const ipc = commands(call);

export type Ipc = typeof ipc;

/** Subscribes to one of the shell's events. */
export function on<K extends keyof EventMap>(
  event: K,
  handler: (payload: EventMap[K]) => void,
): Promise<Unlisten> {
  return transport.listen(event, (payload) => handler(payload as EventMap[K]));
}

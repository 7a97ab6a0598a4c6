// An in-memory stand-in for the Rust shell, speaking the same IPC contract: the component tests
// drive the UI with it, and `npm run dev -- --mode demo` shows the UI in a plain browser. It is
// never part of the production bundle (main.ts imports it only in demo mode).

import type {
  AppState,
  Authenticator,
  EventMap,
  HistoryItem,
  IpcError,
  Outcome,
  Passkey,
  Prepared,
  SendForm,
  SignKind,
  Transfer,
  Transport,
  Unlisten,
  WalletView,
} from "../ipc";
import type { JsonValue } from "../generated/contract";

type Handler = (args: Record<string, unknown>) => unknown;

export type Call = { command: string; args: Record<string, unknown> };

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export class FakeShell {
  state: AppState = {
    signedIn: false,
    companionUrl: "http://127.0.0.1:8788",
    companyHost: "127.0.0.1:8788",
    companyConfirmed: true,
    authenticator: "device",
    availableAuthenticators: ["device", "security-key"],
    tpm: "absent",
    devSecurityKey: false,
    offline: false,
    networks: ["EthereumSepolia", "BitcoinTestnet4", "SolanaDevnet"],
  };
  wallets: WalletView[] = [];
  history: Record<string, HistoryItem[]> = {};
  transfers: Record<string, Transfer[]> = {};
  passkeys: Passkey[] = [];
  /** Every call, in order. */
  calls: Call[] = [];
  /** Overrides by command (a thrown value becomes the rejection). */
  overrides: Record<string, Handler> = {};
  /** Delay of every answer, in ms (0: the next microtask). */
  delayMs = 0;
  /** Prompts `confirm_action` emits before it answers. */
  ceremonyPrompts: EventMap["authn:prompt"][] = [{ kind: "touch-key" }, { kind: "processing" }];
  /** Guardrail warnings `prepare_send` returns. */
  sendWarnings: Prepared["warnings"] = [];

  private listeners = new Map<string, Set<(payload: unknown) => void>>();
  private prepared = new Map<string, Prepared>();
  private nextId = 1;

  readonly transport: Transport = {
    invoke: (command, args) => this.invoke(command, args ?? {}),
    listen: (event, handler) => this.listen(event, handler),
  };

  /** A signed-in, registered user with two funded wallets. */
  static signedIn(): FakeShell {
    const shell = new FakeShell();
    shell.state = { ...shell.state, signedIn: true, registered: true, user: { id: "us-1", email: "ada@example.com" } };
    shell.wallets = [
      {
        id: "wa-eth",
        network: "EthereumSepolia",
        address: "0x52908400098527886E0F7030069857D2E4169EE7",
        name: "Main",
        assets: [
          { kind: "Native", symbol: "ETH", decimals: 18, balance: "1500000000000000000", quotes: { USD: 3000 } },
          {
            kind: "Erc20",
            contract: "0x1c7d4b196cb0c7b01d743fbc6116a902379c7238",
            symbol: "USDC",
            decimals: 6,
            balance: "25000000",
          },
        ],
        netWorthUsd: 4525,
        signatureKinds: ["message", "typedData", "hash"],
      },
      {
        id: "wa-btc",
        network: "BitcoinTestnet4",
        address: "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
        assets: [{ kind: "Native", symbol: "BTC", decimals: 8, balance: "0" }],
        signatureKinds: ["hash"],
      },
    ];
    shell.history = {
      "wa-eth": [
        {
          kind: "NativeTransfer",
          direction: "In",
          txHash: "0xaaa1",
          timestamp: "2026-11-20T10:00:00Z",
          from: "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
          to: "0x52908400098527886E0F7030069857D2E4169EE7",
          value: "2000000000000000000",
          symbol: "ETH",
          decimals: 18,
        },
      ],
    };
    shell.transfers = { "wa-eth": [], "wa-btc": [] };
    shell.passkeys = [
      {
        credentialUuid: "cr-1",
        credentialId: "AAAA",
        kind: "Fido2",
        name: "This computer",
        dateCreated: "2026-11-01T09:00:00Z",
        isActive: true,
      },
    ];
    return shell;
  }

  /** The browser demo: signed out, with a short pause on every answer. */
  static demo(): FakeShell {
    const shell = FakeShell.signedIn();
    const signedIn = shell.state;
    shell.state = { ...signedIn, signedIn: false, registered: undefined, user: undefined };
    shell.delayMs = 250;
    shell.sendWarnings = [{ code: "FIRST_SEND_TO_ADDRESS" }];
    shell.overrides.start_login = () => {
      setTimeout(() => {
        shell.state = { ...signedIn, registered: false };
        shell.emit("auth:changed", shell.state);
      }, 1200);
      return null;
    };
    return shell;
  }

  emit<K extends keyof EventMap>(event: K, payload: EventMap[K]): void {
    for (const handler of this.listeners.get(event) ?? []) handler(payload);
  }

  callsOf(command: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.args);
  }

  /** Makes `command` reject with `error` (every time, until `overrides` is cleared). */
  fail(command: string, code: IpcError["code"], message = `${code} (fake)`): void {
    this.overrides[command] = () => {
      throw { code, message } satisfies IpcError;
    };
  }

  private async listen(event: string, handler: (payload: unknown) => void): Promise<Unlisten> {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  private async invoke(command: string, args: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ command, args });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const override = this.overrides[command];
    const result = override ? override(args) : this.answer(command, args);
    return structuredClone(await result);
  }

  private id(prefix: string): string {
    return `${prefix}-${this.nextId++}`;
  }

  private refuse(code: IpcError["code"], message: string = code): never {
    throw { code, message } satisfies IpcError;
  }

  /** As Rust does: https, or plain http on loopback; another company signs out and waits for its
   * confirmation. */
  private useCompany(raw: string): void {
    const url = raw.trim();
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      this.refuse("COMPANION_URL_INVALID");
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) this.refuse("COMPANY_URL_INVALID");
    if (url === this.state.companionUrl) return;
    this.state = {
      ...this.state,
      companionUrl: url,
      companyHost: parsed.host,
      companyConfirmed: false,
      signedIn: false,
      user: undefined,
      registered: undefined,
    };
  }

  private wallet(id: unknown): WalletView {
    const wallet = this.wallets.find((w) => w.id === id);
    if (!wallet) this.refuse("WALLET_UNKNOWN");
    return wallet;
  }

  private checkSend(form: SendForm): { amount: string; symbol: string; asset: string } {
    const wallet = this.wallet(form.walletId);
    const asset = wallet.assets.find((a) =>
      form.asset.kind === "Native"
        ? a.kind === "Native"
        : form.asset.kind === "Erc20"
          ? a.contract === form.asset.contract
          : a.mint === form.asset.mint,
    );
    if (!asset) this.refuse("ASSET_UNKNOWN");
    if (wallet.network.startsWith("Ethereum") && !EVM_ADDRESS.test(form.to)) this.refuse("ADDRESS_INVALID");
    if (!/^\d*\.?\d*$/.test(form.amount)) this.refuse("AMOUNT_INVALID");
    const [whole, fraction = ""] = form.amount.split(".");
    if (fraction.length > asset.decimals) this.refuse("AMOUNT_TOO_PRECISE");
    const base = BigInt((whole || "0") + fraction.padEnd(asset.decimals, "0"));
    if (base === 0n) this.refuse("AMOUNT_ZERO");
    if (base > BigInt(asset.balance)) this.refuse("INSUFFICIENT_FUNDS");
    return {
      amount: form.amount,
      symbol: asset.symbol ?? "units",
      asset: form.asset.kind === "Native" ? "Native" : (asset.contract ?? asset.mint ?? ""),
    };
  }

  private async ceremony(): Promise<void> {
    for (const prompt of this.ceremonyPrompts) {
      this.emit("authn:prompt", prompt);
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    }
  }

  private keep(prepared: Prepared): Prepared {
    this.prepared.set(prepared.operationId, prepared);
    return prepared;
  }

  private async answer(command: string, args: Record<string, unknown>): Promise<unknown> {
    switch (command) {
      case "app_state":
        return this.state;
      case "start_login":
        return null;
      case "register": {
        await this.ceremony();
        const fresh = FakeShell.signedIn();
        if (this.wallets.length === 0) this.wallets = fresh.wallets;
        this.history = { ...fresh.history, ...this.history };
        this.transfers = { ...fresh.transfers, ...this.transfers };
        if (this.passkeys.length === 0) this.passkeys = fresh.passkeys;
        this.state = { ...this.state, registered: true, authenticator: args.authenticator as Authenticator };
        return this.wallets;
      }
      case "wallets":
        return this.wallets;
      case "sync": {
        // Each sync moves pending transfers one step on.
        let moved = 0;
        for (const list of Object.values(this.transfers)) {
          for (const t of list) {
            const next = { Pending: "Broadcasted", Executing: "Broadcasted", Broadcasted: "Confirmed" }[t.status];
            if (next) {
              t.status = next;
              if (next === "Broadcasted") t.txHash = `0x${"ab".repeat(32)}`;
              moved++;
            }
          }
        }
        return { wallets: this.wallets.length, newHistory: 0, transfers: moved };
      }
      case "history":
        return this.history[args.walletId as string] ?? [];
      case "transfers":
        return this.transfers[args.walletId as string] ?? [];
      case "validate_send":
        this.checkSend(args.form as SendForm);
        return null;
      case "prepare_send": {
        const form = args.form as SendForm;
        const checked = this.checkSend(form);
        const wallet = this.wallet(form.walletId);
        return this.keep({
          operationId: this.id("op"),
          intent: {
            action: "Send",
            network: wallet.network,
            walletId: wallet.id,
            from: wallet.address,
            to: form.to,
            amount: checked.amount,
            symbol: checked.symbol,
            asset: checked.asset,
            feeTier: form.feeTier ?? "Standard",
            externalId: this.id("ext"),
          },
          warnings: this.sendWarnings,
        });
      }
      case "prepare_signature": {
        const wallet = this.wallet(args.walletId);
        const kind = args.kind as string;
        const payload = args.payload as string;
        if (!payload) this.refuse("SIGNATURE_REQUEST_INVALID", "the message is empty");
        if (!wallet.signatureKinds.includes(kind as SignKind)) this.refuse("SIGNATURE_KIND_UNSUPPORTED", `${kind} is not signed on ${wallet.network}`);
        const typed = kind === "typedData" ? (JSON.parse(payload) as Record<string, unknown>) : null;
        return this.keep({
          operationId: this.id("op"),
          intent: {
            action: "Sign",
            network: wallet.network,
            walletId: wallet.id,
            from: wallet.address,
            what: kind === "message" ? "Message" : kind === "hash" ? "Hash" : "Typed data (EIP-712)",
            text: typed ? undefined : payload,
            domain: typed?.domain as JsonValue | undefined,
            fields: typed?.message as JsonValue | undefined,
            primaryType: typed ? (typed.primaryType as string | undefined) ?? "Mail" : undefined,
            types: typed?.types as JsonValue | undefined,
            externalId: this.id("ext"),
          },
          warnings: kind === "hash" ? [{ code: "RAW_HASH" }] : [],
        });
      }
      case "prepare_create_wallet":
        return this.keep({
          operationId: this.id("op"),
          intent: {
            action: "CreateWallet",
            network: args.network as string,
            name: args.name as string | undefined,
            externalId: this.id("ext"),
          },
          warnings: [],
        });
      case "passkeys":
        return this.passkeys;
      case "prepare_add_passkey": {
        await this.ceremony();
        return this.keep({
          operationId: this.id("op"),
          intent: { action: "AddPasskey", name: args.name as string, credentialId: this.id("cred") },
          warnings: [],
        });
      }
      case "prepare_deactivate_passkey": {
        const uuid = args.credentialUuid as string;
        const others = this.passkeys.filter((p) => p.isActive && p.credentialUuid !== uuid);
        return this.keep({
          operationId: this.id("op"),
          intent: { action: "DeactivatePasskey", credentialUuid: uuid },
          warnings: others.length === 0 ? [{ code: "LAST_ACTIVE_PASSKEY" }] : [],
        });
      }
      case "confirm_action": {
        const prepared = this.prepared.get(args.operationId as string);
        if (!prepared) this.refuse("OPERATION_UNKNOWN");
        await this.ceremony();
        this.prepared.delete(prepared.operationId);
        return this.outcome(prepared);
      }
      case "cancel_action":
        this.prepared.delete(args.operationId as string);
        return null;
      case "cancel_ceremony":
        return null;
      case "qr_svg":
        return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#fff"/><path d="M1 1h2v2H1zM5 5h2v2H5z" fill="#000"/></svg>';
      case "confirm_company": {
        this.useCompany(args.url as string);
        this.state = { ...this.state, companyConfirmed: true };
        return this.state;
      }
      case "set_settings": {
        const url = args.companionUrl as string | undefined;
        if (url !== undefined) this.useCompany(url);
        if (args.authenticator) this.state = { ...this.state, authenticator: args.authenticator as Authenticator };
        return this.state;
      }
      case "sign_out":
        this.state = { ...this.state, signedIn: false, user: undefined, registered: undefined };
        return null;
      default:
        this.refuse("INTERNAL", `unknown command ${command}`);
    }
  }

  private outcome(prepared: Prepared): Outcome {
    const intent = prepared.intent;
    switch (intent.action) {
      case "Send": {
        const transfer: Transfer = {
          id: this.id("xfr"),
          status: "Pending",
          dateRequested: "2026-11-26T12:00:00Z",
          requestBody: { kind: "Native", to: intent.to },
          externalId: intent.externalId,
        };
        (this.transfers[intent.walletId] ??= []).unshift(transfer);
        return { kind: "transfer", transfer: structuredClone(transfer) };
      }
      case "Sign":
        return {
          kind: "signature",
          signature: {
            id: this.id("sig"),
            status: "Signed",
            signature: { r: `0x${"11".repeat(32)}`, s: `0x${"22".repeat(32)}`, recid: 1, encoded: `0x${"33".repeat(65)}` },
          },
        };
      case "CreateWallet": {
        const wallet: WalletView = {
          id: this.id("wa"),
          network: intent.network,
          name: intent.name,
          address: "So11111111111111111111111111111111111111112",
          assets: [],
          signatureKinds: ["message"],
        };
        this.wallets = [...this.wallets, wallet];
        return { kind: "wallet", wallet };
      }
      case "AddPasskey": {
        const credential: Passkey = {
          credentialUuid: this.id("cr"),
          credentialId: intent.credentialId,
          kind: "Fido2",
          name: intent.name,
          dateCreated: "2026-11-26T12:00:00Z",
          isActive: true,
        };
        this.passkeys = [...this.passkeys, credential];
        return { kind: "passkeyAdded", credential };
      }
      case "DeactivatePasskey":
        this.passkeys = this.passkeys.map((p) =>
          p.credentialUuid === intent.credentialUuid ? { ...p, isActive: false } : p,
        );
        return { kind: "passkeyDeactivated", credentialUuid: intent.credentialUuid };
    }
  }
}

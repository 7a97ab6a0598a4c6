// An in-memory stand-in for the Rust shell, speaking the same IPC contract: the component tests
// drive the UI with it, and `npm run dev -- --mode demo` shows the UI in a plain browser. It is
// never part of the production bundle (main.ts imports it only in demo mode).

import type {
  AccessView,
  BrowserPage,
  ContactView,
  AppState,
  ApprovalView,
  AssetRef,
  Asset,
  Authenticator,
  CeremonyKind,
  EventMap,
  FeeTier,
  Guardrails,
  GuardrailsView,
  HistoryItem,
  IpcError,
  Outcome,
  Passkey,
  Prepared,
  SendForm,
  SignKind,
  Transfer,
  TransferFee,
  Transport,
  Unlisten,
  UpdateView,
  WalletView,
} from "../ipc";
import type { JsonValue } from "../generated/contract";
import { formatUnits } from "../format";

type Handler = (args: Record<string, unknown>) => unknown;

export type Call = { command: string; args: Record<string, unknown> };

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** How long a prepared action can be confirmed, as in the core. */
const PREPARED_LIFETIME_MS = 10 * 60_000;
const DAY_MS = 24 * 3_600_000;
/** How long a code for another computer works, as in the core (Dfns allows two minutes). */
export const COMPUTER_CODE_LIFETIME_MS = 110_000;

/** The recovery kit format's alphabet (no I, O, 0, 1) and its groups. */
const KIT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const KIT_GROUPS = [6, 5, 5, 5, 5, 6];

/** The fake's `n`th recovery kit code: the first is D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789. */
export function fakeKitCode(n: number): string {
  let i = 0;
  const groups = KIT_GROUPS.map((length) =>
    Array.from({ length }, () => KIT_ALPHABET[(i++ + n * 7) % KIT_ALPHABET.length]).join(""),
  );
  return ["D1", ...groups].join("-");
}

/** A typed code as the core reads it: case and spaces do not matter. */
function normalizeCode(code: string): string {
  return code.replace(/\s+/g, "").toUpperCase();
}

const KIT_SHAPE = new RegExp(`^D1${KIT_GROUPS.map((n) => `-[${KIT_ALPHABET}]{${n}}`).join("")}$`);

/** Each network family's coin, for a wallet that holds none yet. */
const COINS: [prefix: string, symbol: string, decimals: number][] = [
  ["Ethereum", "ETH", 18],
  ["Bitcoin", "BTC", 8],
  ["Solana", "SOL", 9],
];

const TIER_INDEX: Record<FeeTier, number> = { Slow: 0, Standard: 1, Fast: 2 };

/**
 * The most a transfer's fee may be, in the coin's base units, by a fixed model shaped like the
 * core's (the core reads Dfns's estimate): EVM gas × 1/3/5 gwei (21,000 gas for the coin, 65,000
 * for a token), Bitcoin 141 vbytes × 2/5/10 sat/vB, Solana 5,000 lamports whatever the tier.
 * Null on a network the fake has no fee for (FEE_UNAVAILABLE).
 */
export function fakeFee(network: string, token: boolean, tier: FeeTier): bigint | null {
  const i = TIER_INDEX[tier];
  if (network.startsWith("Ethereum")) return (token ? 65_000n : 21_000n) * [1n, 3n, 5n][i] * 1_000_000_000n;
  if (network.startsWith("Bitcoin")) return 141n * [2n, 5n, 10n][i];
  if (network.startsWith("Solana")) return 5_000n;
  return null;
}

/** An asset's key in the daily limits, as the core has it. */
function limitKeyOf(asset: Asset): string {
  return asset.contract ?? asset.mint ?? "Native";
}

/** Same first 6 and last 4 characters (ignoring case and 0x), yet another address. */
function looksAlike(known: string, candidate: string): boolean {
  const strip = (a: string) => a.replace(/^0x/, "").toLowerCase();
  const [k, c] = [strip(known), strip(candidate)];
  return k !== c && k.length >= 10 && k.length === c.length && k.slice(0, 6) === c.slice(0, 6) && k.slice(-4) === c.slice(-4);
}

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
    notifications: true,
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
  /** The address book. */
  contacts: ContactView[] = [];
  /** The explorer pages the shell was asked to open. */
  explorerOpened: string[] = [];
  /** Whether the system browser opens company pages (false: a machine without one). */
  browser = true;
  /** Prompts `confirm_action` emits before it answers. */
  ceremonyPrompts: EventMap["authn:prompt"][] = [{ kind: "touch-key" }, { kind: "processing" }];
  /** Warnings `prepare_send` returns instead of those the guardrails give (null: the guardrails'). */
  sendWarnings: Prepared["warnings"] | null = null;
  /** The offer the shell's check at start made before the UI listened (`update_offered`). */
  offeredAtStart: UpdateView | null = null;
  /** What `check_update` finds (null: nothing newer). */
  update: UpdateView | null = null;
  /** How `check_update` fails instead (a version that is not newer, an unreachable company). */
  updateRefusal: IpcError | null = null;
  /** How `install_update` fails instead (a signature that is not the company's). */
  installRefusal: IpcError | null = null;
  /** The versions `install_update` installed. */
  installed: string[] = [];
  /** The guardrails in force: the company's defaults until `set_guardrails`. */
  guardrails: GuardrailsView = {
    guardrails: { dailyLimits: {}, firstSendWarning: true, lookalikeCheck: true },
    fromCompany: true,
  };
  /** Whether `confirm_action` waits for an answer from the approval window (`approve`/`decline`). */
  approvalWindow = false;
  /** Added to the clock, to let prepared actions expire. */
  clockOffsetMs = 0;
  /** The code of the account's active recovery kit (null: none). */
  kitCode: string | null = null;
  /** A new kit's code, until it is typed back. */
  kitToConfirm: string | null = null;
  /** The session came from the website's recovery check. */
  recovering = false;
  /** The codes made for another computer, with when they stop working (ms). */
  computerCodes = new Map<string, number>();
  /** The transfers signed: the addresses sent to (known) and what left when (daily limits). */
  sent: { walletId: string; asset: string; to: string; base: bigint; at: number }[] = [];

  private listeners = new Map<string, Set<(payload: unknown) => void>>();
  private prepared = new Map<string, { prepared: Prepared; at: number }>();
  private waiting: { view: ApprovalView; answer: (approved: boolean) => void } | null = null;
  private nextId = 1;
  private kits = 0;
  /** Prepared actions that add a recovery kit (AddPasskey named "Recovery kit"). */
  private kitOperations = new Set<string>();

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
    // The company suggests a daily limit on the USDC of the Ethereum wallet.
    shell.guardrails = {
      guardrails: {
        dailyLimits: { "wa-eth": { "0x1c7d4b196cb0c7b01d743fbc6116a902379c7238": "1000" } },
        firstSendWarning: true,
        lookalikeCheck: true,
      },
      fromCompany: true,
    };
    shell.passkeys = [
      {
        credentialUuid: "cr-1",
        credentialId: "AAAA",
        kind: "Fido2",
        name: "This computer",
        dateCreated: "2026-11-01T09:00:00Z",
        isActive: true,
        location: "thisComputer",
      },
    ];
    shell.kitCode = shell.newKitCode();
    shell.passkeys.push(shell.kitCredential("2026-11-01T09:00:00Z"));
    return shell;
  }

  /** The browser demo: signed out, with a short pause on every answer. */
  static demo(): FakeShell {
    const shell = FakeShell.signedIn();
    const signedIn = shell.state;
    shell.state = { ...signedIn, signedIn: false, registered: undefined, user: undefined };
    shell.delayMs = 250;
    shell.overrides.start_login = () => {
      setTimeout(() => {
        shell.state = { ...signedIn, registered: false };
        shell.emit("auth:changed", shell.state);
      }, 1200);
      return shell.page("login");
    };
    // The website's recovery check passes a moment later; the demo's kit code is fakeKitCode(0).
    shell.overrides.start_recovery = () => {
      setTimeout(() => shell.finishRecoveryCheck(), 1200);
      return shell.page("recover");
    };
    return shell;
  }

  /** The company page `path` as the shell answers for it: opened when there is a browser. */
  page(path: string): BrowserPage {
    return { url: `${this.state.companionUrl}/${path}?state=fake`, opened: this.browser };
  }

  /** What `access` answers, from the passkeys and the recovery state. */
  access(): AccessView {
    const active = this.passkeys.filter((p) => p.isActive);
    return {
      passkeyHere: active.some((p) => p.location === "thisComputer"),
      hasRecoveryKit: active.some((p) => p.location === "recoveryKit"),
      kitToConfirm: this.kitToConfirm,
      recovering: this.recovering,
    };
  }

  /** The website's recovery check passed: its deep link signs the person in to recover. */
  finishRecoveryCheck(): void {
    this.recovering = true;
    const user = this.state.user ?? { id: "us-1", email: "ada@example.com" };
    this.state = { ...this.state, signedIn: true, registered: true, user };
    this.emit("auth:changed", structuredClone(this.state));
  }

  /** What the approval window shows now (null: nothing waits). */
  approvalPending(): ApprovalView | null {
    return this.waiting?.view ?? null;
  }

  /** As if another computer of the person made a code (valid for the core's lifetime). */
  codeFromOtherComputer(code = "K7M-P2Q-X9R"): string {
    this.computerCodes.set(code, this.now() + COMPUTER_CODE_LIFETIME_MS);
    return code;
  }

  private newKitCode(): string {
    return fakeKitCode(this.kits++);
  }

  private kitCredential(dateCreated: string): Passkey {
    return {
      credentialUuid: this.id("cr"),
      credentialId: this.id("kit"),
      kind: "RecoveryKey",
      name: "Recovery kit",
      dateCreated,
      isActive: true,
      location: "recoveryKit",
    };
  }

  /** A new kit replaces any earlier one; its code waits to be typed back. */
  private makeKit(): Passkey {
    this.passkeys = this.passkeys.map((p) => (p.location === "recoveryKit" ? { ...p, isActive: false } : p));
    const kit = this.kitCredential("2026-11-26T12:00:00Z");
    this.passkeys = [...this.passkeys, kit];
    this.kitCode = this.newKitCode();
    this.kitToConfirm = this.kitCode;
    return kit;
  }

  emit<K extends keyof EventMap>(event: K, payload: EventMap[K]): void {
    for (const handler of this.listeners.get(event) ?? []) handler(payload);
  }

  callsOf(command: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.args);
  }

  /** Moves the clock on (prepared actions expire after 10 minutes). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
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

  private now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private asset(wallet: WalletView, ref: AssetRef): Asset {
    const asset = wallet.assets.find((a) =>
      ref.kind === "Native" ? a.kind === "Native" : ref.kind === "Erc20" ? a.contract === ref.contract : a.mint === ref.mint,
    );
    if (!asset) this.refuse("ASSET_UNKNOWN");
    return asset;
  }

  /** The wallet's coin, which pays the fees. */
  private coin(wallet: WalletView): Asset {
    const held = wallet.assets.find((a) => a.kind === "Native");
    if (held) return held;
    const [, symbol, decimals] = COINS.find(([prefix]) => wallet.network.startsWith(prefix)) ?? ["", "units", 0];
    return { kind: "Native", symbol, decimals, balance: "0" };
  }

  private fee(wallet: WalletView, token: boolean, tier: FeeTier | null | undefined): bigint {
    const fee = fakeFee(wallet.network, token, tier ?? "Standard");
    if (fee === null) this.refuse("FEE_UNAVAILABLE", `no fee estimate for ${wallet.network} (fake)`);
    return fee;
  }

  /** Whole units ("1.5") in base units; `code` when it is not an amount above zero. */
  private baseUnits(amount: string, decimals: number, code: (what: "AMOUNT_INVALID" | "AMOUNT_TOO_PRECISE" | "AMOUNT_ZERO") => never): bigint {
    const text = amount.trim();
    if (!/^\d*\.?\d*$/.test(text) || text === "" || text === ".") code("AMOUNT_INVALID");
    const [whole, fraction = ""] = text.split(".");
    if (fraction.length > decimals) code("AMOUNT_TOO_PRECISE");
    const base = BigInt((whole || "0") + fraction.padEnd(decimals, "0"));
    if (base === 0n) code("AMOUNT_ZERO");
    return base;
  }

  /** The guardrails' warnings for a send to `to`, as the core gives them. */
  private warningsFor(wallet: WalletView, to: string): Prepared["warnings"] {
    const saved = this.contacts.filter((c) => c.network === wallet.network).map((c) => c.address);
    const known = [...this.sent.map((s) => s.to), ...saved].filter((a) => a.toLowerCase() !== wallet.address?.toLowerCase());
    if (known.some((a) => a.toLowerCase() === to.toLowerCase())) return [];
    const { firstSendWarning, lookalikeCheck } = this.guardrails.guardrails;
    const warnings: Prepared["warnings"] = [];
    if (firstSendWarning) warnings.push({ code: "FIRST_SEND_TO_ADDRESS" });
    const imitated = lookalikeCheck ? known.find((a) => looksAlike(a, to)) : undefined;
    if (imitated) warnings.push({ code: "LOOKS_LIKE_KNOWN_ADDRESS", known: imitated });
    return warnings;
  }

  /** The core's checks of a send: address, amount, balance, the fee, the daily limit; then warnings. */
  private checkSend(form: SendForm): { amount: string; symbol: string; asset: string; fee: TransferFee; warnings: Prepared["warnings"] } {
    const wallet = this.wallet(form.walletId);
    const asset = this.asset(wallet, form.asset);
    if (wallet.network.startsWith("Ethereum") && !EVM_ADDRESS.test(form.to)) this.refuse("ADDRESS_INVALID");
    const base = this.baseUnits(form.amount, asset.decimals, (code) => this.refuse(code));
    if (base > BigInt(asset.balance)) this.refuse("INSUFFICIENT_FUNDS");
    const coin = this.coin(wallet);
    const fee = this.fee(wallet, form.asset.kind !== "Native", form.feeTier);
    const left = form.asset.kind === "Native" ? BigInt(coin.balance) - base : BigInt(coin.balance);
    if (fee > left) this.refuse("INSUFFICIENT_FUNDS_FOR_FEE");
    const key = limitKeyOf(asset);
    const limit = this.guardrails.guardrails.dailyLimits[wallet.id]?.[key];
    if (limit) {
      const since = this.now() - DAY_MS;
      const spent = this.sent
        .filter((s) => s.walletId === wallet.id && s.asset === key && s.at > since)
        .reduce((total, s) => total + s.base, 0n);
      if (spent + base > this.baseUnits(limit, asset.decimals, () => this.refuse("INTERNAL"))) this.refuse("DAILY_LIMIT_EXCEEDED");
    }
    return {
      amount: form.amount,
      symbol: asset.symbol ?? "units",
      asset: key,
      fee: { amount: formatUnits(fee.toString(), coin.decimals) ?? "0", symbol: coin.symbol ?? "units", quotes: coin.quotes },
      warnings: this.sendWarnings ?? this.warningsFor(wallet, form.to),
    };
  }

  /** The most of an asset that can be sent at a tier, as the core's `max_send`. */
  private maxSend(walletId: unknown, ref: AssetRef, tier: FeeTier | null | undefined): string {
    const wallet = this.wallet(walletId);
    const asset = this.asset(wallet, ref);
    const coin = BigInt(this.coin(wallet).balance);
    const fee = this.fee(wallet, ref.kind !== "Native", tier);
    const most = ref.kind === "Native" ? coin - fee : coin >= fee ? BigInt(asset.balance) : 0n;
    if (most <= 0n) this.refuse("INSUFFICIENT_FUNDS_FOR_FEE");
    return formatUnits(most.toString(), asset.decimals) ?? "0";
  }

  /** As the core checks `set_guardrails`: limits of known wallets and held assets, amounts above zero. */
  private checkGuardrails(guardrails: Guardrails): Guardrails {
    const invalid = (message: string): never => this.refuse("GUARDRAIL_INVALID", message);
    const dailyLimits: Guardrails["dailyLimits"] = {};
    for (const [walletId, limits] of Object.entries(guardrails.dailyLimits)) {
      const wallet = this.wallets.find((w) => w.id === walletId) ?? invalid(`no wallet ${walletId} to limit`);
      const kept: Record<string, string> = {};
      for (const [key, limit] of Object.entries(limits)) {
        if (!limit.trim()) continue;
        const asset = wallet.assets.find((a) => limitKeyOf(a) === key) ?? invalid(`the ${wallet.network} wallet holds no asset ${key} to limit`);
        const base = this.baseUnits(limit, asset.decimals, (code) => invalid(`daily limit of ${asset.symbol ?? key}: ${code}`));
        kept[key] = formatUnits(base.toString(), asset.decimals) ?? limit;
      }
      if (Object.keys(kept).length > 0) dailyLimits[walletId] = kept;
    }
    return { ...guardrails, dailyLimits };
  }

  /** Opens the "approval window" and waits for its answer. */
  private async approval(ceremony: CeremonyKind, prepared?: Pick<Prepared, "intent" | "warnings">): Promise<void> {
    const view: ApprovalView = {
      ceremony,
      intent: prepared?.intent,
      warnings: prepared?.warnings ?? [],
      rpId: "localhost",
      user: this.state.user?.email,
      authenticator: this.state.authenticator,
    };
    const approved = await new Promise<boolean>((answer) => {
      this.waiting = { view, answer };
      this.emit("approval:changed", structuredClone(view));
    });
    this.waiting = null;
    this.emit("approval:changed", null);
    if (!approved) this.refuse("AUTHN_DECLINED");
  }

  private answerApproval(approved: boolean): null {
    if (!this.waiting) this.refuse("NO_APPROVAL_PENDING");
    this.waiting.answer(approved);
    return null;
  }

  private async ceremony(): Promise<void> {
    for (const prompt of this.ceremonyPrompts) {
      this.emit("authn:prompt", prompt);
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    }
  }

  /** The approval window when it is in use, else the authenticator's prompts. */
  private async approveOrRun(ceremony: CeremonyKind, prepared?: Pick<Prepared, "intent" | "warnings">): Promise<void> {
    if (this.approvalWindow) await this.approval(ceremony, prepared);
    else await this.ceremony();
  }

  private keep(prepared: Prepared): Prepared {
    this.prepared.set(prepared.operationId, { prepared, at: this.now() });
    return prepared;
  }

  private async answer(command: string, args: Record<string, unknown>): Promise<unknown> {
    switch (command) {
      case "app_state":
        return this.state;
      case "start_login":
        return this.page("login");
      case "register": {
        await this.ceremony();
        const fresh = FakeShell.signedIn();
        if (this.wallets.length === 0) this.wallets = fresh.wallets;
        this.history = { ...fresh.history, ...this.history };
        this.transfers = { ...fresh.transfers, ...this.transfers };
        if (this.passkeys.length === 0) this.passkeys = fresh.passkeys.filter((p) => p.location !== "recoveryKit");
        // Registration always makes a recovery kit, shown until it is typed back.
        this.makeKit();
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
      case "max_send":
        return this.maxSend(args.walletId, args.asset as AssetRef, args.feeTier as FeeTier | null | undefined);
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
            toName: this.contacts.find((c) => c.network === wallet.network && c.address.toLowerCase() === form.to.toLowerCase())?.name,
            amount: checked.amount,
            symbol: checked.symbol,
            asset: checked.asset,
            feeTier: form.feeTier ?? "Standard",
            fee: checked.fee,
            externalId: this.id("ext"),
          },
          warnings: checked.warnings,
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
      case "access":
        return this.access();
      case "start_recovery":
        return this.page("recover");
      case "recover":
        return this.recover(args.code as string, args.authenticator as Authenticator);
      case "confirm_recovery_kit": {
        if (!this.kitToConfirm) this.refuse("NO_RECOVERY_KIT_TO_CONFIRM");
        if (normalizeCode(args.code as string) !== this.kitToConfirm) this.refuse("RECOVERY_CODE_MISMATCH");
        this.kitToConfirm = null;
        return this.access();
      }
      case "prepare_recovery_kit": {
        const prepared = this.keep({
          operationId: this.id("op"),
          intent: { action: "AddPasskey", name: "Recovery kit", credentialId: this.id("kit") },
          warnings: [],
        });
        this.kitOperations.add(prepared.operationId);
        return prepared;
      }
      case "create_computer_code": {
        await this.approveOrRun("sign", { intent: { action: "AddComputer", validForSeconds: COMPUTER_CODE_LIFETIME_MS / 1000 }, warnings: [] });
        const n = this.nextId++;
        const code = [0, 1, 2].map((g) => [0, 1, 2].map((i) => KIT_ALPHABET[(n * 11 + g * 3 + i) % KIT_ALPHABET.length]).join("")).join("-");
        const expiresAtMs = this.now() + COMPUTER_CODE_LIFETIME_MS;
        this.computerCodes.set(code, expiresAtMs);
        return { code, expiresAtMs };
      }
      case "add_this_computer": {
        const code = (args.code as string).trim().toUpperCase();
        const until = this.computerCodes.get(code);
        this.computerCodes.delete(code);
        if (until === undefined || until <= this.now()) this.refuse("COMPUTER_CODE_REFUSED");
        await this.approveOrRun("createPasskey");
        this.addHere(args.authenticator as Authenticator);
        return this.passkeys;
      }
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
        // A recovery kit does not keep the account usable.
        const others = this.passkeys.filter((p) => p.isActive && p.credentialUuid !== uuid && p.location !== "recoveryKit");
        return this.keep({
          operationId: this.id("op"),
          intent: { action: "DeactivatePasskey", credentialUuid: uuid },
          warnings: others.length === 0 ? [{ code: "LAST_ACTIVE_PASSKEY" }] : [],
        });
      }
      case "confirm_action": {
        const kept = this.prepared.get(args.operationId as string);
        if (!kept) this.refuse("OPERATION_UNKNOWN");
        const { prepared } = kept;
        if (this.now() - kept.at >= PREPARED_LIFETIME_MS) {
          this.prepared.delete(prepared.operationId);
          this.refuse("OPERATION_EXPIRED");
        }
        await this.approveOrRun("sign", prepared);
        this.prepared.delete(prepared.operationId);
        return this.outcome(prepared);
      }
      case "cancel_action":
        this.prepared.delete(args.operationId as string);
        return null;
      case "cancel_ceremony":
        return null;
      case "address_book":
        return this.contacts;
      case "save_contact": {
        const network = args.network as string;
        const address = (args.address as string).trim();
        const name = (args.name as string).trim();
        if (network.startsWith("Ethereum") && !EVM_ADDRESS.test(address)) this.refuse("ADDRESS_INVALID");
        if (!name || name.length > 64) this.refuse("CONTACT_NAME_INVALID");
        const same = (c: ContactView) => c.network === network && c.address.toLowerCase() === address.toLowerCase();
        this.contacts = [...this.contacts.filter((c) => !same(c)), { network, address, name }].sort((a, b) => a.name.localeCompare(b.name));
        return this.contacts;
      }
      case "delete_contact":
        this.contacts = this.contacts.filter((c) => !(c.network === args.network && c.address === args.address));
        return this.contacts;
      case "open_explorer": {
        const target = args.target as { kind: string; hash?: string; address?: string };
        const path = target.kind === "transaction" ? `tx/${target.hash}` : `address/${target.address}`;
        const url = `https://explorer.example/${args.network as string}/${path}`;
        this.explorerOpened.push(url);
        return { url, opened: this.browser };
      }
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
        if (typeof args.notifications === "boolean") this.state = { ...this.state, notifications: args.notifications };
        return this.state;
      }
      case "guardrails":
        return this.guardrails;
      case "set_guardrails":
        this.guardrails = { guardrails: this.checkGuardrails(args.guardrails as Guardrails), fromCompany: false };
        return this.guardrails;
      case "approval_request":
        return this.waiting?.view ?? null;
      case "approve":
        return this.answerApproval(true);
      case "decline":
        return this.answerApproval(false);
      case "update_offered":
        return this.offeredAtStart;
      case "check_update":
        if (this.updateRefusal) this.refuse(this.updateRefusal.code, this.updateRefusal.message);
        return this.update;
      case "install_update": {
        if (!this.update || this.update.version !== args.version) this.refuse("NO_UPDATE_PENDING");
        if (this.installRefusal) this.refuse(this.installRefusal.code, this.installRefusal.message);
        this.installed.push(this.update.version);
        return null;
      }
      case "sign_out":
        this.state = { ...this.state, signedIn: false, user: undefined, registered: undefined };
        this.recovering = false;
        return null;
      default:
        this.refuse("INTERNAL", `unknown command ${command}`);
    }
  }

  /** A new passkey made on this computer. */
  private addHere(authenticator: Authenticator): Passkey {
    const credential: Passkey = {
      credentialUuid: this.id("cr"),
      credentialId: this.id("cred"),
      kind: "Fido2",
      name: "This computer",
      dateCreated: "2026-11-26T12:00:00Z",
      isActive: true,
      location: "thisComputer",
    };
    this.passkeys = [...this.passkeys, credential];
    this.state = { ...this.state, authenticator };
    return credential;
  }

  /**
   * As the core recovers: the kit opens with its code (nothing is sent when it does not), a new
   * passkey here replaces every earlier credential, and a new kit waits to be typed back.
   */
  private async recover(typed: string, authenticator: Authenticator): Promise<AccessView> {
    if (!this.recovering) this.refuse("RECOVERY_NOT_STARTED");
    const code = normalizeCode(typed);
    if (!KIT_SHAPE.test(code)) this.refuse("RECOVERY_CODE_MALFORMED");
    if (code !== this.kitCode) this.refuse("RECOVERY_CODE_WRONG");
    await this.approveOrRun("recover");
    this.passkeys = this.passkeys.map((p) => ({ ...p, isActive: false }));
    this.addHere(authenticator);
    this.makeKit();
    this.recovering = false;
    return this.access();
  }

  /** A signed transfer: the amount and the most of the fee leave the wallet, the address is known. */
  private spend(intent: { walletId: string; asset: string; to: string; amount: string; feeTier: string }): void {
    const wallet = this.wallet(intent.walletId);
    const asset = wallet.assets.find((a) => limitKeyOf(a) === intent.asset);
    if (!asset) return;
    const take = (from: Asset, base: bigint) => {
      const left = BigInt(from.balance) - base;
      from.balance = (left > 0n ? left : 0n).toString();
    };
    const base = this.baseUnits(intent.amount, asset.decimals, (code) => this.refuse(code));
    take(asset, base);
    const coin = wallet.assets.find((a) => a.kind === "Native");
    if (coin) take(coin, this.fee(wallet, intent.asset !== "Native", intent.feeTier as FeeTier));
    this.sent.push({ walletId: wallet.id, asset: intent.asset, to: intent.to, base, at: this.now() });
  }

  private outcome(prepared: Prepared): Outcome {
    const intent = prepared.intent;
    switch (intent.action) {
      case "Send": {
        this.spend(intent);
        const transfer: Transfer = {
          id: this.id("xfr"),
          status: "Pending",
          dateRequested: "2026-11-26T12:00:00Z",
          requestBody: { kind: "Native", to: intent.to, amount: this.sent[this.sent.length - 1]?.base.toString() ?? "0" },
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
        if (this.kitOperations.delete(prepared.operationId)) return { kind: "passkeyAdded", credential: this.makeKit() };
        const credential: Passkey = {
          credentialUuid: this.id("cr"),
          credentialId: intent.credentialId,
          kind: "Fido2",
          name: intent.name,
          dateCreated: "2026-11-26T12:00:00Z",
          isActive: true,
          location: "elsewhere",
        };
        this.passkeys = [...this.passkeys, credential];
        return { kind: "passkeyAdded", credential };
      }
      case "DeactivatePasskey":
        this.passkeys = this.passkeys.map((p) =>
          p.credentialUuid === intent.credentialUuid ? { ...p, isActive: false } : p,
        );
        return { kind: "passkeyDeactivated", credentialUuid: intent.credentialUuid };
      case "AddComputer":
        // Approved inside create_computer_code, never prepared.
        return this.refuse("OPERATION_UNKNOWN");
    }
  }
}

// @vitest-environment jsdom
// The whole UI, mounted in jsdom against the fake shell (src/testing/fakeShell.ts), screen by
// screen: what the person sees, which commands run, and what is announced.

import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeShell } from "../src/testing/fakeShell";
import { S } from "../src/strings";
import { $, $$, choose, click, exists, fillSend, isDisabled, mountApp, settle, text, type, until, type Mounted } from "./helpers";

const TO = "0x8617E340B3D01FA5F11F306F4090FD50E238070D";

let app: Mounted | null = null;
afterEach(() => {
  app?.destroy();
  app = null;
});

async function start(shell: FakeShell): Promise<Mounted> {
  app = await mountApp(shell);
  return app;
}


describe("first run", () => {
  it("signs in through the browser, registers a device passkey, keeps the recovery kit and lands on the wallets", async () => {
    const shell = new FakeShell();
    await start(shell);
    expect(text("h1")).toBe(S.signIn.title);
    expect(exists("#wallets")).toBe(false);

    await click("#sign-in");
    expect(shell.callsOf("start_login")).toHaveLength(1);
    expect(text("#status")).toBe(S.signIn.waiting);

    // The deep link came back: the shell says so.
    shell.state = { ...shell.state, signedIn: true, registered: false, user: { id: "u", email: "ada@example.com" } };
    shell.emit("auth:changed", shell.state);
    await settle();
    expect(text("h1")).toBe(S.register.title);
    // Without a security chip the default is the software passkey, labelled as such with what
    // it protects against.
    expect(($("#register-auth-device") as HTMLInputElement).checked).toBe(true);
    expect(text("label[for=register-auth-device]")).toContain("Software passkey on this computer");
    expect(text("#register-auth-device-desc")).toBe(S.authenticators.device.description);
    expect(exists("#register-auth-platform-tpm")).toBe(false);
    // A real security key carries no badge.
    expect(text("label[for=register-auth-security-key]")).not.toContain(S.authenticators["security-key"].devBadge);

    await click("#register-auth-security-key");
    shell.ceremonyPrompts = [{ kind: "insert-key" }, { kind: "touch-key" }];
    shell.delayMs = 0;
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(text("#prompt")));
    observer.observe($("#prompt"), { childList: true, subtree: true, characterData: true });
    await click("#register");
    // The last step of registration: the recovery kit, typed back.
    await until(() => expect(exists("#recovery-kit")).toBe(true));
    observer.disconnect();

    expect(shell.callsOf("register")).toEqual([{ authenticator: "security-key" }]);
    expect(seen).toContain(S.prompt["insert-key"]);
    expect(seen).toContain(S.prompt["touch-key"]);
    expect(text("#prompt")).toBe("");
    expect(text("#status")).toBe(S.register.success);
    await type("#recovery-kit-typed", shell.kitToConfirm ?? "");
    await click("#recovery-kit-confirm");
    await until(() => expect(exists("#wallets [data-wallet-id]")).toBe(true));
    expect(text("#status")).toBe(S.kit.confirmed);
  });

  it("offers this computer's security chip first when Rust names it the default", async () => {
    const shell = new FakeShell();
    shell.state = {
      ...shell.state,
      signedIn: true,
      registered: false,
      user: { id: "u", email: "ada@example.com" },
      tpm: "usable",
      authenticator: "platform-tpm",
      availableAuthenticators: ["platform-tpm", "device", "security-key"],
    };
    await start(shell);
    expect(text("h1")).toBe(S.register.title);
    expect(($("#register-auth-platform-tpm") as HTMLInputElement).checked).toBe(true);
    expect(text("label[for=register-auth-platform-tpm]")).toContain("This computer (security chip)");
    expect(exists("#register-auth-tpm-access")).toBe(false);
    await click("#register");
    await until(() => expect(shell.callsOf("register")).toEqual([{ authenticator: "platform-tpm" }]));
  });

  it("says how to get the security chip when this account may not open it", async () => {
    const shell = new FakeShell();
    shell.state = { ...shell.state, signedIn: true, registered: false, user: { id: "u", email: "ada@example.com" }, tpm: "noAccess" };
    await start(shell);
    expect(exists("#register-auth-platform-tpm")).toBe(false);
    expect(text("#register-auth-tpm-access")).toContain("usermod -aG tss");
  });

  it("asks a first run to confirm the company by its host before any sign-in", async () => {
    const shell = new FakeShell();
    shell.state = { ...shell.state, companyConfirmed: false, companionUrl: "", companyHost: "" };
    await start(shell);
    expect(exists("#sign-in")).toBe(false);
    expect(isDisabled("#company-confirm")).toBe(true);

    await type("#company-url", "http://wallet.example.com");
    expect(text("#company-host")).toBe("wallet.example.com");
    await click("#company-confirm");
    await until(() => expect(exists("#company-url-error")).toBe(true));
    expect(exists("#sign-in")).toBe(false);

    await type("#company-url", "https://wallet.example.com");
    await click("#company-confirm");
    await until(() => expect(exists("#sign-in")).toBe(true));
    expect(shell.callsOf("confirm_company")).toEqual([{ url: "http://wallet.example.com" }, { url: "https://wallet.example.com" }]);
    expect(text("#company-current")).toContain("wallet.example.com");
  });

  it("shows why a sign-in link was refused", async () => {
    const shell = new FakeShell();
    await start(shell);
    shell.emit("auth:error", { code: "LOGIN_STATE_MISMATCH", message: "state" });
    await settle();
    expect(text("[role=alert]")).toContain(S.errors.LOGIN_STATE_MISMATCH);
  });

  it("shows the sign-in address to copy when no browser opens, and signs in by the link back", async () => {
    const shell = new FakeShell();
    shell.browser = false;
    await start(shell);
    expect(exists("#browser-page")).toBe(false);
    await click("#sign-in");
    await until(() => expect(text("#browser-page-url")).toBe(`${shell.state.companionUrl}/login?state=fake`));
    expect(text("#browser-page")).toContain(S.signIn.noBrowserTitle);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await click("#browser-page-copy");
    await until(() => expect(text("#status")).toBe(S.common.copied(S.signIn.pageAddress)));
    expect(writeText).toHaveBeenCalledWith(`${shell.state.companionUrl}/login?state=fake`);
    Reflect.deleteProperty(navigator, "clipboard");

    // The website's link back, from the browser the person pasted the address into.
    shell.state = { ...shell.state, signedIn: true, registered: false };
    shell.emit("auth:changed", shell.state);
    await until(() => expect(exists("#register")).toBe(true));
    expect(exists("#browser-page")).toBe(false);
  });

  it("shows the address a web page's sign-in link could not open in a browser", async () => {
    const shell = new FakeShell();
    await start(shell);
    shell.emit("auth:page", { url: "https://wallet.example.com/login?state=web", opened: false });
    await until(() => expect(text("#browser-page-url")).toBe("https://wallet.example.com/login?state=web"));
  });

  it("says clearly when registration fails and lets the person try again", async () => {
    const shell = new FakeShell();
    shell.state = { ...shell.state, signedIn: true, registered: false };
    shell.fail("register", "AUTHN_TIMEOUT");
    await start(shell);
    await click("#register");
    await until(() => expect(text("[role=alert]")).toContain(S.errors.AUTHN_TIMEOUT));
    expect(isDisabled("#register")).toBe(false);
  });

  it("turns desktop notifications off and on in Settings", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#nav-settings");
    expect(($("#settings-notifications") as HTMLInputElement).checked).toBe(true);
    await click("#settings-notifications");
    await until(() => expect(shell.state.notifications).toBe(false));
    expect(shell.callsOf("set_settings").at(-1)).toEqual({ companionUrl: undefined, authenticator: undefined, notifications: false });
    await click("#settings-notifications");
    await until(() => expect(shell.state.notifications).toBe(true));
  });

  it("lets the companion URL be set before signing in", async () => {
    const shell = new FakeShell();
    await start(shell);
    await click("#signin-settings");
    await type("#companion-url", "not a url");
    await click("#settings-save");
    await until(() => expect(text("#companion-url-error")).toBe(S.errors.COMPANION_URL_INVALID));
    await type("#companion-url", "https://wallet.example.com");
    await click("#settings-save");
    await until(() => expect(shell.state.companionUrl).toBe("https://wallet.example.com"));
    expect(exists("#sign-out")).toBe(false);
  });
});

describe("home", () => {
  it("lists wallets with network, address, balances and fiat value", async () => {
    await start(FakeShell.signedIn());
    const cards = $$("#wallets [data-wallet-id]");
    expect(cards.map((c) => c.dataset.walletId)).toEqual(["wa-eth", "wa-btc"]);
    const eth = $("[data-wallet-id=wa-eth]").textContent ?? "";
    expect(eth).toContain("Ethereum Sepolia");
    expect(text("[data-wallet-id=wa-eth] .badge.testnet")).toBe(S.network.testnet);
    expect(eth).toContain("0x52908400098527886E0F7030069857D2E4169EE7");
    expect(eth).toContain("1.5 ETH");
    expect(eth).toContain("25 USDC");
    expect(eth).toContain("$4,500.00");
    expect(eth).toContain("$4,525.00");
  });

  it("shows the QR code from qr_svg as an image", async () => {
    const { shell } = await start(FakeShell.signedIn());
    const toggle = $$("[data-wallet-id=wa-eth] button[aria-controls]")[0];
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await click(toggle);
    const img = await until(() => $("[data-wallet-id=wa-eth] .qr img") as HTMLImageElement);
    expect(img.src.startsWith("data:image/svg+xml")).toBe(true);
    expect(img.alt).toContain("0x52908400098527886E0F7030069857D2E4169EE7");
    expect(shell.callsOf("qr_svg")).toEqual([{ text: "0x52908400098527886E0F7030069857D2E4169EE7" }]);
  });

  it("updates live when the shell reports changed wallets, pending transfers included", async () => {
    const { shell } = await start(FakeShell.signedIn());
    shell.overrides.sync = () => ({ wallets: 2, newHistory: 0, transfers: 0 });
    shell.transfers["wa-eth"] = [
      { id: "xfr-9", status: "Broadcasted", dateRequested: "2026-11-26T10:00:00Z", requestBody: { to: TO } },
    ];
    const wallets = structuredClone(shell.wallets);
    wallets[0].assets[0].balance = "500000000000000000";
    shell.emit("wallets:changed", wallets);
    await until(() => expect(text("[data-wallet-id=wa-eth]")).toContain("0.5 ETH"));
    await until(() => expect(exists("[data-wallet-id=wa-eth] [data-transfer-id=xfr-9]")).toBe(true));
  });

  it("keeps syncing while a transfer is pending, until it is final", async () => {
    const shell = FakeShell.signedIn();
    shell.transfers["wa-eth"] = [
      { id: "xfr-7", status: "Pending", dateRequested: "2026-11-26T10:00:00Z", requestBody: { to: TO } },
    ];
    // Dfns has nothing new at first: the transfer shows as pending.
    shell.overrides.sync = () => ({ wallets: 2, newHistory: 0, transfers: 0 });
    await start(shell);
    await until(() => expect(exists("[data-transfer-id=xfr-7]")).toBe(true));
    // Then Pending → Broadcasted → Confirmed, one step per sync, with no event from the shell.
    delete shell.overrides.sync;
    await until(() => expect(exists("[data-transfer-id=xfr-7]")).toBe(false));
    expect(shell.transfers["wa-eth"][0].status).toBe("Confirmed");
    const syncs = shell.callsOf("sync").length;
    await new Promise((r) => setTimeout(r, 100));
    expect(shell.callsOf("sync").length).toBe(syncs);
  });

  it("refreshes with sync and says so", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#sync");
    await until(() => expect(text("#status")).toBe(S.nav.synced(0, 0)));
    expect(shell.callsOf("sync").length).toBeGreaterThanOrEqual(2); // after sign-in, and now
  });

  it("shows a wallet's history", async () => {
    await start(FakeShell.signedIn());
    await click($$("[data-wallet-id=wa-eth] [data-action=history]")[0]);
    await until(() => expect(text(".history")).toContain("2 ETH"));
    expect(text(".history")).toContain(S.history.in);
    expect(text(".network-line")).toContain("Ethereum Sepolia");

    // Each transaction and the wallet's address open on the network's explorer, by the shell.
    await click($$(".history .explorer")[0]);
    await click($$("[data-wallet-detail] .card .explorer")[0]);
    expect(app?.shell.explorerOpened).toEqual([
      "https://explorer.example/EthereumSepolia/tx/0xaaa1",
      "https://explorer.example/EthereumSepolia/address/0x52908400098527886E0F7030069857D2E4169EE7",
    ]);
    expect(exists(".explorer-page")).toBe(false);
  });

  it("shows an explorer page to copy when no browser opens it", async () => {
    const shell = FakeShell.signedIn();
    shell.browser = false;
    await start(shell);
    await click($$("[data-wallet-id=wa-eth] [data-action=history]")[0]);
    await until(() => expect($$(".history .explorer").length).toBeGreaterThan(0));
    await click($$(".history .explorer")[0]);
    await until(() => expect(text(".explorer-page")).toContain("https://explorer.example/EthereumSepolia/tx/0xaaa1"));
  });
});

describe("send", () => {
  it("validates as the person types, with the core's answer on the right field", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#send-open");
    expect(isDisabled("#send-submit")).toBe(true);
    await type("#send-to", "0x1234");
    await type("#send-amount", "1");
    await until(() => expect(text("#send-to-error")).toBe(S.errors.ADDRESS_INVALID("EthereumSepolia")));
    expect($("#send-to").getAttribute("aria-invalid")).toBe("true");
    expect(isDisabled("#send-submit")).toBe(true);

    await type("#send-to", TO);
    await type("#send-amount", "0.1234567890123456789");
    await until(() => expect(text("#send-amount-error")).toBe(S.errors.AMOUNT_TOO_PRECISE("ETH", 18)));

    await type("#send-amount", "2");
    await until(() => expect(text("#send-amount-error")).toBe(S.errors.INSUFFICIENT_FUNDS("1.5 ETH")));

    await type("#send-amount", "abc");
    expect(text("#send-amount-error")).toBe(S.errors.AMOUNT_INVALID);

    await type("#send-amount", "1");
    await until(() => expect(isDisabled("#send-submit")).toBe(false));
    expect(exists("#send-amount-error")).toBe(false);
    // Only complete forms reached the core.
    for (const args of shell.callsOf("validate_send")) {
      expect((args.form as { amount: string }).amount).not.toBe("abc");
    }
  });

  it("confirms the decoded intent with its warnings, signs, and follows the transfer to Confirmed", async () => {
    const shell = FakeShell.signedIn();
    shell.sendWarnings = [{ code: "FIRST_SEND_TO_ADDRESS" }];
    await start(shell);
    await fillSend(TO, "1.25");
    await click("#fee-Fast");
    await until(() => expect(isDisabled("#send-submit")).toBe(false));
    await click("#send-submit");

    await until(() => expect(exists("#intent")).toBe(true));
    expect(text("#intent [data-field=amount]")).toBe("1.25 ETH");
    expect(text("#intent [data-field=to]").replace(/ /g, "")).toBe(TO);
    expect(text("#intent [data-field=network]")).toBe(`Ethereum Sepolia ${S.network.testnet}`);
    expect(text("#intent [data-field=feeTier]")).toBe("Fast");
    expect(text("#warnings")).toContain(S.warnings.FIRST_SEND_TO_ADDRESS);
    expect(shell.callsOf("prepare_send")[0].form).toMatchObject({ feeTier: "Fast", amount: "1.25", to: TO });

    await click("#confirm");
    await until(() => expect(exists("#transfer-status")).toBe(true));
    expect(shell.callsOf("confirm_action")).toHaveLength(1);
    // The transfer is watched (sync, then transfers) until it is final.
    await until(() => expect($("#transfer-status").dataset.status).toBe("Confirmed"));
    expect(text("#status")).toBe(S.transferStatus.announce(S.transferStatus.Confirmed));
    await click("#done");
    expect(exists("#send-form")).toBe(true);
    expect(($("#send-to") as HTMLInputElement).value).toBe("");

    // The wallet's transfers list says how much went.
    await click("#nav-home");
    await click($$("[data-wallet-id=wa-eth] [data-action=history]")[0]);
    await until(() => expect(text(".transfers [data-field=amount]")).toBe("1.25 ETH"));
  });

  it("shows the passkey prompts while signing, in the live region", async () => {
    const shell = FakeShell.signedIn();
    shell.ceremonyPrompts = [{ kind: "touch-key" }];
    shell.delayMs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const original = shell.transport.invoke;
    shell.overrides.confirm_action = async (args) => {
      shell.emit("authn:prompt", { kind: "touch-key" });
      await gate;
      delete shell.overrides.confirm_action;
      return original("confirm_action", args);
    };
    await start(shell);
    await fillSend(TO, "1");
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    await click("#confirm");
    await until(() => expect(text("#prompt")).toBe(S.prompt["touch-key"]));
    expect($("#prompt").getAttribute("aria-live")).toBe("assertive");
    expect(isDisabled("#confirm")).toBe(true);
    expect(text("#cancel")).toBe(S.prompt.stop);
    await click("#cancel");
    expect(shell.callsOf("cancel_ceremony")).toHaveLength(1);
    release();
    await until(() => expect(exists("#transfer-status")).toBe(true));
    expect(text("#prompt")).toBe("");
  });

  it("points the person to the approval window while it waits for them", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await fillSend(TO, "1");
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    let release = () => {};
    shell.overrides.confirm_action = async () => {
      shell.emit("approval:changed", { ceremony: "sign", rpId: "localhost", authenticator: "device", warnings: [] });
      await new Promise<void>((resolve) => (release = resolve));
      throw { code: "AUTHN_DECLINED", message: "declined" };
    };
    await click("#confirm");
    await until(() => expect(text("#prompt")).toBe(S.prompt.inApprovalWindow));
    expect(exists("#pin-input")).toBe(false);
    release();
    await until(() => expect(text("[role=alert][data-code]")).toContain(S.errors.AUTHN_DECLINED));
    expect(text("#prompt")).toBe("");
  });

  it("cancels on the confirmation screen through cancel_action and keeps the form", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await fillSend(TO, "0.5");
    await click("#send-submit");
    await until(() => expect(exists("#cancel")).toBe(true));
    await click("#cancel");
    expect(shell.callsOf("cancel_action")).toHaveLength(1);
    expect(shell.callsOf("confirm_action")).toHaveLength(0);
    expect(text("#status")).toBe(S.confirm.cancelled);
    expect(($("#send-to") as HTMLInputElement).value).toBe(TO);
    expect(($("#send-amount") as HTMLInputElement).value).toBe("0.5");
  });

  it("needs a second, explicit click for a look-alike address, shown side by side", async () => {
    const known = "0x8617E340B3D01FA5F11F306F4090FD50E238070E";
    const shell = FakeShell.signedIn();
    shell.sendWarnings = [{ code: "LOOKS_LIKE_KNOWN_ADDRESS", known }];
    await start(shell);
    await fillSend(TO, "1");
    await click("#send-submit");
    await until(() => expect(exists("#warnings")).toBe(true));
    expect(text("#warnings [data-compare=known]")).toBe(known);
    expect(text("#warnings [data-compare=recipient]")).toBe(TO);
    expect($$("#warnings [data-compare=recipient] mark").map((m) => m.textContent)).toEqual(["D"]);

    await click("#confirm");
    expect(shell.callsOf("confirm_action")).toHaveLength(0);
    expect(text("#confirm")).toBe(S.confirm.approveArmed);
    await click("#confirm");
    await until(() => expect(shell.callsOf("confirm_action")).toHaveLength(1));
  });

  it("tells the person Sigil checks before signing again when the outcome is unknown", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await fillSend(TO, "1");
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    shell.fail("confirm_action", "OUTCOME_UNKNOWN");
    await click("#confirm");
    await until(() => expect(text("[role=alert][data-code]")).toContain(S.errors.OUTCOME_UNKNOWN));
    expect(text("#confirm")).toBe(S.confirm.retry);
    // The core will not drop an action that may have been sent; the UI does not pretend it did.
    shell.fail("cancel_action", "OUTCOME_UNKNOWN");
    await click("#cancel");
    expect(exists("#intent")).toBe(false);
    expect(text("#status")).toBe(S.confirm.closedUnknown);
  });

  it("offers no retry after a refusal that trying again cannot fix", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await fillSend(TO, "1");
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    shell.fail("confirm_action", "DAILY_LIMIT_EXCEEDED");
    await click("#confirm");
    await until(() => expect(text("[role=alert][data-code]")).toContain(S.errors.DAILY_LIMIT_EXCEEDED));
    expect(exists("#confirm")).toBe(false);
    expect(exists("#cancel")).toBe(true);
  });

  it("goes to sign-in when the session is gone", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await fillSend(TO, "1");
    shell.fail("prepare_send", "SIGNED_OUT");
    shell.state = { ...shell.state, signedIn: false };
    await click("#send-submit");
    await until(() => expect(exists("#sign-in")).toBe(true));
    expect(text("#status")).toBe(S.errors.SIGNED_OUT);
  });
});

describe("send: Max and the network fee", () => {
  const amount = () => ($("#send-amount") as HTMLInputElement).value;

  it("fills the amount with the balance less the fee at the chosen tier, and asks again when the tier changes", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#send-open");
    await type("#send-to", TO);
    // 1.5 ETH less 21,000 gas × 3 gwei.
    await click("#send-max");
    await until(() => expect(amount()).toBe("1.499937"));
    expect(shell.callsOf("max_send")).toEqual([{ walletId: "wa-eth", asset: { kind: "Native" }, feeTier: "Standard" }]);
    await until(() => expect(isDisabled("#send-submit")).toBe(false));

    // A faster fee leaves less to send: the most is asked again (21,000 gas × 5 gwei).
    await click("#fee-Fast");
    await until(() => expect(amount()).toBe("1.499895"));
    expect(shell.callsOf("max_send").at(-1)).toEqual({ walletId: "wa-eth", asset: { kind: "Native" }, feeTier: "Fast" });

    // An amount the person types is theirs: changing the tier leaves it alone.
    await type("#send-amount", "1");
    await click("#fee-Slow");
    await settle();
    expect(amount()).toBe("1");
    expect(shell.callsOf("max_send")).toHaveLength(2);
  });

  it("sends a token's whole balance when the coin covers the fee", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#send-open");
    await choose("#send-asset", "Erc20:0x1c7d4b196cb0c7b01d743fbc6116a902379c7238");
    await click("#send-max");
    await until(() => expect(amount()).toBe("25"));
    expect(shell.callsOf("max_send")[0].asset).toEqual({ kind: "Erc20", contract: "0x1c7d4b196cb0c7b01d743fbc6116a902379c7238" });
  });

  it("says in the form that nothing can be sent when the coin cannot pay the fee", async () => {
    const shell = FakeShell.signedIn();
    // USDC to send, but no ETH for the fee.
    shell.wallets[0].assets[0].balance = "0";
    await start(shell);
    await click("#send-open");
    await choose("#send-asset", "Erc20:0x1c7d4b196cb0c7b01d743fbc6116a902379c7238");
    await click("#send-max");
    await until(() => expect(text("#send-amount-error")).toBe(S.errors.INSUFFICIENT_FUNDS_FOR_FEE("ETH")));
    expect($("#send-amount").getAttribute("aria-invalid")).toBe("true");
    expect(amount()).toBe("");
    expect(isDisabled("#send-submit")).toBe(true);
  });

  it("asks again for the wallet chosen after Max, and explains when it holds nothing", async () => {
    await start(FakeShell.signedIn());
    await click("#send-open");
    await click("#send-max");
    await until(() => expect(amount()).toBe("1.499937"));
    await choose("#send-wallet", "wa-btc");
    await until(() => expect(text("#send-amount-error")).toBe(S.errors.INSUFFICIENT_FUNDS_FOR_FEE("BTC")));
  });

  it("keeps the amount typed while a late Max answer arrives", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#send-open");
    let release = () => {};
    const original = shell.transport.invoke;
    shell.overrides.max_send = async (args) => {
      await new Promise<void>((resolve) => (release = resolve));
      delete shell.overrides.max_send;
      return original("max_send", args);
    };
    await click("#send-max");
    await type("#send-amount", "0.2");
    release();
    await settle();
    expect(amount()).toBe("0.2");
  });

  it("refuses a typed amount that leaves nothing for the fee", async () => {
    await start(FakeShell.signedIn());
    await click("#send-open");
    await type("#send-to", TO);
    await type("#send-amount", "1.5");
    await until(() => expect(text("#send-amount-error")).toBe(S.errors.INSUFFICIENT_FUNDS_FOR_FEE("ETH")));
    expect(isDisabled("#send-submit")).toBe(true);
  });

  it("shows the most the network fee may be, in the coin and in dollars, beside the fee tier", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await fillSend(TO, "0.1");
    await click("#send-submit");
    await until(() => expect(exists("#intent")).toBe(true));
    // 21,000 gas × 3 gwei at $3,000 per ETH.
    expect(text("#intent [data-field=fee]")).toBe("up to 0.000063 ETH (≈ $0.19)");
    expect(text("#intent [data-field=feeTier]")).toBe("Standard");
    expect(shell.callsOf("prepare_send")).toHaveLength(1);
  });

  it("shows the fee without a dollar value when the coin has no quote", async () => {
    const shell = FakeShell.signedIn();
    shell.wallets[0].assets[0].quotes = undefined;
    await start(shell);
    await fillSend(TO, "0.1");
    await click("#fee-Slow");
    await until(() => expect(isDisabled("#send-submit")).toBe(false));
    await click("#send-submit");
    await until(() => expect(text("#intent [data-field=fee]")).toBe("up to 0.000021 ETH"));
  });

  it("sends the person back to the form to prepare again when the confirmation waited too long", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await fillSend(TO, "0.5");
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    // Fees and balances move: an action prepared more than 10 minutes ago is not signed.
    shell.advanceClock(10 * 60_000);
    await click("#confirm");
    await until(() => expect(exists("#send-form")).toBe(true));
    expect(text("#notice")).toBe(S.errors.OPERATION_EXPIRED);
    expect($("#notice").getAttribute("role")).toBe("alert");
    expect(($("#send-to") as HTMLInputElement).value).toBe(TO);
    expect(($("#send-amount") as HTMLInputElement).value).toBe("0.5");
    expect(exists("#intent")).toBe(false);
    // The core dropped it: there is nothing to cancel.
    expect(shell.callsOf("cancel_action")).toHaveLength(0);

    await until(() => expect(isDisabled("#send-submit")).toBe(false));
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    expect(exists("#notice")).toBe(false);
    await click("#confirm");
    await until(() => expect(exists("#transfer-status")).toBe(true));
    expect(shell.callsOf("prepare_send")).toHaveLength(2);
  });
});

describe("sign", () => {
  const typed = JSON.stringify({
    types: { EIP712Domain: [{ name: "name", type: "string" }], Hello: [{ name: "who", type: "string" }] },
    primaryType: "Hello",
    domain: { name: "Sigil test" },
    message: { who: "world" },
  });

  it("signs EIP-712 typed data: checked as typed, confirmed with its domain, result shown", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#sign-open");
    await click("#sign-kind-typedData");
    await type("#sign-message", "{ not json");
    $("#sign-message").dispatchEvent(new Event("blur"));
    await settle();
    expect(text("#sign-check")).toContain("JSON");
    expect(isDisabled("#sign-submit")).toBe(true);

    await type("#sign-message", typed);
    expect(text("#sign-check")).toBe(S.sign.typedData.ok("Hello"));
    await click("#sign-submit");
    await until(() => expect(exists("#intent")).toBe(true));
    expect(shell.callsOf("prepare_signature")).toEqual([{ walletId: "wa-eth", kind: "typedData", payload: typed }]);
    expect(text("#intent [data-field=domain]")).toContain("Sigil test");
    expect(text("#intent [data-field=fields]")).toContain("world");
    expect(text("#intent [data-field=primaryType]")).toBe("Hello");
    expect(text("#intent [data-field=types]")).toContain("EIP712Domain");

    await click("#confirm");
    await until(() => expect(exists("[data-part=r]")).toBe(true));
    expect(text("[data-part=r]")).toBe(`0x${"11".repeat(32)}`);
    expect(text("[data-part=s]")).toBe(`0x${"22".repeat(32)}`);
    expect(text("[data-part=recid]")).toBe("1");
    expect(text("[data-part=encoded]")).toBe(`0x${"33".repeat(65)}`);
  });

  it("signs a message with the same confirm step", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#sign-open");
    await type("#sign-message", "I agree");
    await click("#sign-submit");
    await until(() => expect(text("#intent [data-field=text]")).toBe("I agree"));
    await click("#confirm");
    await until(() => expect(exists("#outcome")).toBe(true));
    expect(shell.callsOf("confirm_action")).toHaveLength(1);
  });

  it("warns before a raw hash is signed that nobody can tell what it stands for", async () => {
    await start(FakeShell.signedIn());
    await click("#sign-open");
    await click("#sign-kind-hash");
    await type("#sign-message", `0x${"ab".repeat(32)}`);
    await click("#sign-submit");
    await until(() => expect(exists("#warnings [data-code=RAW_HASH]")).toBe(true));
    expect(text("#warnings [data-code=RAW_HASH]")).toBe(S.warnings.RAW_HASH);
  });

  it("offers only the kinds the wallet's network signs", async () => {
    await start(FakeShell.signedIn());
    await click("#sign-open");
    expect(exists("#sign-kinds-note")).toBe(false);
    await choose("#sign-wallet", "wa-btc");
    expect(($("#sign-kind-typedData") as HTMLInputElement).disabled).toBe(true);
    expect(($("#sign-kind-message") as HTMLInputElement).disabled).toBe(true);
    // The chosen kind falls back to one Bitcoin signs.
    await until(() => expect(($("#sign-kind-hash") as HTMLInputElement).checked).toBe(true));
    expect(text("#sign-kinds-note")).toBe(S.sign.kindsOf("Bitcoin Testnet4", [S.sign.kinds.hash]));
  });
});

describe("passkeys", () => {
  it("lists passkeys and adds a security key as backup", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#nav-passkeys");
    await until(() => expect($$("#passkeys tbody tr")).toHaveLength(1));
    expect(text("#passkeys tbody tr")).toContain("This computer");
    expect(text("#passkeys tbody tr")).toContain(S.passkeys.activeYes);
    // A backup defaults to a security key.
    expect(($("#add-auth-security-key") as HTMLInputElement).checked).toBe(true);
    expect(isDisabled("#passkey-add")).toBe(true);
    await type("#passkey-name", "Blue key");
    await click("#passkey-add");
    await until(() => expect(text("#intent [data-field=name]")).toBe("Blue key"));
    expect(shell.callsOf("prepare_add_passkey")).toEqual([{ name: "Blue key", authenticator: "security-key" }]);
    await click("#confirm");
    await until(() => expect(exists("#outcome[data-kind=passkeyAdded]")).toBe(true));
    await click("#done");
    await until(() => expect($$("#passkeys tbody tr")).toHaveLength(2));
  });

  it("labels the development build's software security key", async () => {
    const shell = FakeShell.signedIn();
    shell.state = { ...shell.state, devSecurityKey: true };
    await start(shell);
    await click("#nav-passkeys");
    await until(() => expect(exists("#add-auth-security-key")).toBe(true));
    expect(text("label[for=add-auth-security-key]")).toContain(S.authenticators["security-key"].devBadge);
  });

  it("warns prominently before deactivating the last active passkey and needs a second click", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#nav-passkeys");
    await until(() => expect(exists("[data-action=deactivate]")).toBe(true));
    await click("[data-action=deactivate]");
    await until(() => expect(exists("#warnings [data-code=LAST_ACTIVE_PASSKEY]")).toBe(true));
    expect(text("#warnings")).toContain(S.warnings.LAST_ACTIVE_PASSKEY);
    expect(text("#intent [data-field=name]")).toBe("This computer");

    await click("#confirm");
    expect(shell.callsOf("confirm_action")).toHaveLength(0);
    expect(text("#confirm-armed")).toBe(S.confirm.armedHint);
    await click("#confirm");
    await until(() => expect(exists("#outcome[data-kind=passkeyDeactivated]")).toBe(true));
    expect(shell.callsOf("confirm_action")).toHaveLength(1);
  });
});

describe("create a wallet", () => {
  it("creates a wallet on another network", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#create-wallet-open");
    expect($$("#create-network option").map((o) => (o as HTMLOptionElement).value)).toEqual(shell.state.networks);
    expect($$("#create-network option").map((o) => o.textContent)).toEqual([
      "Ethereum Sepolia (testnet)",
      "Bitcoin Testnet4 (testnet)",
      "Solana Devnet (testnet)",
    ]);
    await choose("#create-network", "SolanaDevnet");
    await type("#create-name", "Savings");
    await click("#create-submit");
    await until(() => expect(text("#intent [data-field=network]")).toBe(`Solana Devnet ${S.network.testnet}`));
    await click("#confirm");
    await until(() => expect(exists("#outcome[data-kind=wallet]")).toBe(true));
    await click("#done");
    await until(() => expect($$("#wallets [data-wallet-id]")).toHaveLength(3));
  });
});

describe("offline", () => {
  it("shows the cached wallets with an offline banner and write actions off", async () => {
    const shell = FakeShell.signedIn();
    shell.state = { ...shell.state, offline: true };
    shell.fail("sync", "DFNS_UNREACHABLE");
    await start(shell);
    expect(exists("#offline-banner")).toBe(true);
    expect($$("#wallets [data-wallet-id]")).toHaveLength(2);
    expect(isDisabled("#send-open")).toBe(true);
    expect(isDisabled("#sign-open")).toBe(true);
    expect(isDisabled("#create-wallet-open")).toBe(true);
    for (const button of $$("[data-wallet-id] [data-action=send], [data-wallet-id] [data-action=sign]")) {
      expect((button as HTMLButtonElement).disabled).toBe(true);
    }
    await click("#nav-passkeys");
    await until(() => expect(exists("[data-action=deactivate]")).toBe(true));
    expect(isDisabled("[data-action=deactivate]")).toBe(true);
    expect(isDisabled("#passkey-add")).toBe(true);
  });

  it("goes offline when a call cannot reach the network, and back when it can", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    expect(exists("#offline-banner")).toBe(false);
    shell.fail("sync", "COMPANION_UNREACHABLE");
    await click("#sync");
    await until(() => expect(exists("#offline-banner")).toBe(true));
    expect(isDisabled("#send-open")).toBe(true);
    delete shell.overrides.sync;
    await click("#offline-banner button");
    await until(() => expect(exists("#offline-banner")).toBe(false));
    expect(text("#status")).toBe(S.offline.back);
    expect(isDisabled("#send-open")).toBe(false);
  });

  it("disables Approve when the connection drops on the confirmation screen", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await fillSend(TO, "1");
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    shell.state = { ...shell.state, offline: true };
    shell.emit("auth:changed", shell.state);
    await settle();
    expect(isDisabled("#confirm")).toBe(true);
  });
});

describe("settings", () => {
  it("changes the preferred authenticator and signs out", async () => {
    const { shell } = await start(FakeShell.signedIn());
    await click("#nav-settings");
    expect(($("#companion-url") as HTMLInputElement).value).toBe("http://127.0.0.1:8788");
    await click("#pref-auth-security-key");
    await until(() => expect(shell.callsOf("set_settings")).toEqual([{ authenticator: "security-key" }]));
    await click("#sign-out");
    await until(() => expect(exists("#sign-in")).toBe(true));
    expect(shell.callsOf("sign_out")).toHaveLength(1);
    expect(exists("#wallets")).toBe(false);
  });
});

describe("settings: safety", () => {
  const USDC = "0x1c7d4b196cb0c7b01d743fbc6116a902379c7238";
  const input = (selector: string) => $(selector) as HTMLInputElement;

  it("shows the company's suggested guardrails, saves the person's own and shows them after a reload", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#nav-settings");
    await until(() => expect(exists("#guardrails-save")).toBe(true));
    expect(shell.callsOf("guardrails")).toHaveLength(1);
    expect(text("#guardrails-source")).toBe(S.guardrails.fromCompany("127.0.0.1:8788"));
    expect(input("#guardrail-first-send").checked).toBe(true);
    expect(input("#guardrail-lookalike").checked).toBe(true);
    expect(input(`#limit-wa-eth-${USDC}`).value).toBe("1000");
    expect(input("#limit-wa-eth-Native").value).toBe("");
    expect(text("label[for=limit-wa-eth-Native]")).toBe(S.guardrails.limitLabel("ETH"));
    expect(text("label[for=limit-wa-btc-Native]")).toBe(S.guardrails.limitLabel("BTC"));

    await click("#guardrail-first-send");
    await type("#limit-wa-eth-Native", "0.50");
    await type(`#limit-wa-eth-${USDC}`, "");
    await click("#guardrails-save");
    await until(() => expect(text("#status")).toBe(S.guardrails.saved));
    expect(shell.callsOf("set_guardrails")).toEqual([
      { guardrails: { dailyLimits: { "wa-eth": { Native: "0.50" } }, firstSendWarning: false, lookalikeCheck: true } },
    ]);
    // The person's own now: no longer the company's suggestion.
    expect(exists("#guardrails-source")).toBe(false);

    // A reload reads them back from the core.
    app?.destroy();
    await start(shell);
    await click("#nav-settings");
    await until(() => expect(exists("#guardrails-save")).toBe(true));
    expect(input("#guardrail-first-send").checked).toBe(false);
    expect(input("#guardrail-lookalike").checked).toBe(true);
    expect(input("#limit-wa-eth-Native").value).toBe("0.5");
    expect(input(`#limit-wa-eth-${USDC}`).value).toBe("");
  });

  it("shows the core's GUARDRAIL_INVALID next to the section and keeps what was typed", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#nav-settings");
    await until(() => expect(exists("#guardrails-save")).toBe(true));
    // Bitcoin has 8 decimals.
    await type("#limit-wa-btc-Native", "0.000000001");
    await click("#guardrails-save");
    await until(() => expect(text("#settings-guardrails-error")).toBe(S.errors.GUARDRAIL_INVALID));
    expect($("#settings-guardrails-error").getAttribute("role")).toBe("alert");
    expect($("#settings-guardrails #settings-guardrails-error")).toBeTruthy();
    expect(input("#limit-wa-btc-Native").value).toBe("0.000000001");
    expect(shell.guardrails.fromCompany).toBe(true);
  });

  it("does not send a limit that is obviously not an amount", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#nav-settings");
    await until(() => expect(exists("#guardrails-save")).toBe(true));
    await type("#limit-wa-eth-Native", "lots");
    expect(text("#limit-wa-eth-Native-error")).toBe(S.errors.AMOUNT_INVALID);
    expect(input("#limit-wa-eth-Native").getAttribute("aria-invalid")).toBe("true");
    expect(isDisabled("#guardrails-save")).toBe(true);
    await type("#limit-wa-eth-Native", "2");
    expect(isDisabled("#guardrails-save")).toBe(false);
    expect(shell.callsOf("set_guardrails")).toHaveLength(0);
  });

  it("applies what was saved: a send over the daily limit is refused, and no first-send warning once turned off", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#nav-settings");
    await until(() => expect(exists("#guardrails-save")).toBe(true));
    await type("#limit-wa-eth-Native", "0.25");
    await click("#guardrail-first-send");
    await click("#guardrails-save");
    await until(() => expect(text("#status")).toBe(S.guardrails.saved));

    await click("#send-open");
    await type("#send-to", TO);
    await type("#send-amount", "0.3");
    await until(() => expect(text("#send-amount-error")).toBe(S.errors.DAILY_LIMIT_EXCEEDED));
    await type("#send-amount", "0.2");
    await until(() => expect(isDisabled("#send-submit")).toBe(false));
    await click("#send-submit");
    await until(() => expect(exists("#intent")).toBe(true));
    expect(exists("#warnings")).toBe(false);
  });
});

describe("accessibility", () => {
  it("keeps both live regions in the page from the start", async () => {
    await start(FakeShell.signedIn());
    expect($("#status").getAttribute("aria-live")).toBe("polite");
    expect($("#prompt").getAttribute("aria-live")).toBe("assertive");
  });

  it("labels every form control", async () => {
    await start(FakeShell.signedIn());
    for (const screen of ["#send-open", "#sign-open", "#nav-passkeys", "#create-wallet-open", "#nav-settings"]) {
      await click(screen);
      await settle();
      for (const control of $$("main input, main select, main textarea")) {
        const labelled =
          !!control.getAttribute("aria-label") ||
          !!control.getAttribute("aria-labelledby") ||
          (control.id && exists(`label[for="${control.id}"]`));
        expect(labelled, `${screen}: ${control.outerHTML}`).toBeTruthy();
      }
    }
  });

  it("moves the focus to each screen's heading", async () => {
    await start(FakeShell.signedIn());
    await click("#send-open");
    await settle();
    expect(document.activeElement?.id).toBe("send-title");
  });
});

describe("address book", () => {
  it("saves a recipient from Send, offers it there again, and the confirmation names it", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await fillSend(TO, "0.1");
    await click("#send-to-save");
    await type("#send-to-contact-name", "  Landlord ");
    await click("#send-to-save-form [data-action=save-contact]");
    await until(() => expect(shell.contacts).toEqual([{ network: "EthereumSepolia", address: TO, name: "Landlord" }]));
    await until(() => expect(text("[data-contact-name]")).toBe(S.contacts.savedAs("Landlord")));

    // A saved recipient is known: no first-send warning, and its name beside the address.
    await click("#send-submit");
    await until(() => expect(exists("#intent")).toBe(true));
    expect(text("#intent [data-field=toName]")).toBe("Landlord");
    expect(exists("#warnings")).toBe(false);

    // Send again: the picker fills the address.
    await click("#nav-home");
    await click("#send-open");
    await choose("#send-contact", TO);
    expect(($("#send-to") as HTMLInputElement).value).toBe(TO);
  });

  it("adds, renames and deletes on its screen, and says why a name or an address is refused", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#nav-contacts");
    expect(exists("#contacts-empty")).toBe(true);
    await type("#contact-address", "0xnot-an-address");
    await type("#contact-name", "Bob");
    await click("#contact-add-submit");
    await until(() => expect(text("#contact-address-error")).toBe(S.errors.ADDRESS_INVALID(null)));
    await type("#contact-address", TO);
    await type("#contact-name", "x".repeat(65));
    await click("#contact-add-submit");
    await until(() => expect(text("#contact-name-error")).toBe(S.errors.CONTACT_NAME_INVALID));
    await type("#contact-name", "Bob");
    await click("#contact-add-submit");
    await until(() => expect(text("#contacts")).toContain("Bob"));
    expect(text("#contacts")).toContain("Ethereum Sepolia");

    await click(`[data-contact="EthereumSepolia:${TO}"] [data-action=rename]`);
    await type(`#rename-${TO}`, "Bob (rent)");
    await click(`[data-contact="EthereumSepolia:${TO}"] [data-action=save-name]`);
    await until(() => expect(shell.contacts[0]?.name).toBe("Bob (rent)"));

    await click(`[data-contact="EthereumSepolia:${TO}"] [data-action=delete]`);
    await until(() => expect(exists("#contacts-empty")).toBe(true));
    expect(text("#status")).toBe(S.contacts.deleted("Bob (rent)"));
  });

  it("names a sender from a wallet's history, and shows the name there after", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click($$("[data-wallet-id=wa-eth] [data-action=history]")[0]);
    await until(() => expect(exists("#history-0-save")).toBe(true));
    await click("#history-0-save");
    await type("#history-0-contact-name", "Mum");
    await click("#history-0-save-form [data-action=save-contact]");
    await until(() => expect(text(".history")).toContain("from Mum"));
    expect(shell.contacts.map((c) => c.name)).toEqual(["Mum"]);
  });
});

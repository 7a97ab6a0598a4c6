// The IPC contract: every command the UI may call, by the window allowed to call it, with its
// arguments, its result and the `AppService` use case it runs. This one table makes the commands
// (commands.rs), their permissions and each window's capability (build.rs) and the UI's typed
// calls (ui/src/generated/contract.ts).
ipc_contract! {
window main {
    /// Where the app stands.
    fn app_state(app) -> AppState { app.app_state().await }
    /// The person's saved recipients, by name.
    fn address_book(app) -> Vec<ContactView> { app.address_book().await }
    /// Saves a recipient with a name (or renames a saved one); the whole address book after.
    fn save_contact(app, network: String, address: String, name: String) -> Vec<ContactView> {
        app.save_contact(&network, &address, &name).await
    }
    /// Forgets a saved recipient; the whole address book after.
    fn delete_contact(app, network: String, address: String) -> Vec<ContactView> {
        app.delete_contact(&network, &address).await
    }
    /// Opens a transaction or an address on the network's block explorer in the system browser.
    fn open_explorer(app, network: String, target: ExplorerTarget) -> BrowserPage {
        app.open_explorer(&network, target).await
    }
    /// Opens the company's sign-in in the system browser; its address, to show when none opened.
    fn start_login(app) -> BrowserPage { app.start_login().await }
    /// Registers a passkey of `authenticator` and provisions the wallets.
    fn register(app, authenticator: AuthenticatorChoice) -> Vec<WalletView> {
        app.register(authenticator).await
    }
    /// The cached wallets.
    fn wallets(app) -> Vec<WalletView> { app.wallets().await }
    /// Brings the cache up to date.
    fn sync(app) -> SyncReport { app.sync().await }
    /// A wallet's history.
    fn history(app, wallet_id: String) -> Vec<HistoryView> { app.history(&wallet_id).await }
    /// A wallet's transfers.
    fn transfers(app, wallet_id: String) -> Vec<TransferView> { app.transfers(&wallet_id).await }
    /// Checks a send form, keeping nothing.
    fn validate_send(app, form: SendForm) -> () { app.validate_send(form).await }
    /// Prepares a transfer for confirmation.
    fn prepare_send(app, form: SendForm) -> PreparedView { app.prepare_send(form).await }
    /// The most the send form can send of an asset at a fee tier ("Max").
    fn max_send(app, wallet_id: String, asset: AssetRef, fee_tier: Option<FeeTier>) -> String {
        app.max_send(&wallet_id, &asset, fee_tier).await
    }
    /// Prepares a signature request for confirmation.
    fn prepare_signature(app, wallet_id: String, kind: SignKind, payload: String) -> PreparedView {
        app.prepare_signature(&wallet_id, kind, &payload).await
    }
    /// Prepares a new wallet for confirmation.
    fn prepare_create_wallet(app, network: String, name: Option<String>) -> PreparedView {
        app.prepare_create_wallet(&network, name).await
    }
    /// The account's passkeys, with where each lives.
    fn passkeys(app) -> Vec<PasskeyView> { app.passkeys_list().await }
    /// What this computer can do for the signed-in person, and what is missing (a passkey
    /// here, a recovery kit, a kit code to type back, a recovery under way).
    fn access(app) -> AccessView { app.access().await }
    /// Opens the company's recovery page (password and an emailed code) in the system browser.
    fn start_recovery(app) -> BrowserPage { app.start_recovery().await }
    /// Recovers access with the recovery code and a new passkey made with `authenticator`.
    fn recover(app, code: String, authenticator: AuthenticatorChoice) -> AccessView {
        app.recover(code, authenticator).await
    }
    /// The person typed the new recovery kit's code back.
    fn confirm_recovery_kit(app, code: String) -> AccessView {
        app.confirm_recovery_kit(&code).await
    }
    /// Prepares adding a recovery kit (for an account without one) for confirmation.
    fn prepare_recovery_kit(app) -> PreparedView { app.prepare_recovery_kit().await }
    /// A one-time code for another computer, approved in the approval window.
    fn create_computer_code(app) -> ComputerCodeView { app.create_computer_code().await }
    /// Adds a passkey made here with `authenticator`, with a code from another computer.
    fn add_this_computer(app, code: String, authenticator: AuthenticatorChoice) -> Vec<PasskeyView> {
        app.add_this_computer(&code, authenticator).await
    }
    /// Makes a new passkey and prepares adding it for confirmation.
    fn prepare_add_passkey(app, name: String, authenticator: AuthenticatorChoice) -> PreparedView {
        app.prepare_add_passkey(&name, authenticator).await
    }
    /// Prepares deactivating a passkey for confirmation.
    fn prepare_deactivate_passkey(app, credential_uuid: String) -> PreparedView {
        app.prepare_deactivate_passkey(&credential_uuid).await
    }
    /// Signs a prepared action and sends it.
    fn confirm_action(app, operation_id: String) -> OutcomeView {
        app.confirm_action(&operation_id).await
    }
    /// Drops a prepared action.
    fn cancel_action(app, operation_id: String) -> () { app.cancel_action(&operation_id).await }
    /// Stops the running passkey ceremony.
    fn cancel_ceremony(app) -> () {
        app.cancel_ceremony();
        Ok(())
    }
    /// The QR code of `text` (an address to receive on) as an SVG document.
    fn qr_svg(_app, text: String) -> String { render_qr_svg(&text) }
    /// Confirms the company server this Sigil serves (another one signs out first).
    fn confirm_company(app, url: String) -> AppState { app.confirm_company(&url).await }
    /// Changes the settings.
    fn set_settings(
        app,
        companion_url: Option<String>,
        authenticator: Option<AuthenticatorChoice>,
        notifications: Option<bool>,
    ) -> AppState {
        app.set_settings(companion_url, authenticator, notifications).await
    }
    /// The guardrails in force (the person's, or the company's defaults).
    fn guardrails(app) -> GuardrailsView { app.guardrails().await }
    /// Sets the person's own guardrails.
    fn set_guardrails(app, guardrails: Guardrails) -> GuardrailsView {
        app.set_guardrails(guardrails).await
    }
    /// The update last offered (`null`: none), for a UI that starts after the check at start.
    fn update_offered(app) -> Option<UpdateView> { Ok(app.update_offered()) }
    /// Asks the company for a newer Sigil (`null`: none newer).
    fn check_update(app) -> Option<UpdateView> { app.check_update().await }
    /// Installs the update the person agreed to (the version they were shown), then restarts.
    fn install_update(app, version: String) -> () { app.install_update(&version).await }
    /// Signs out.
    fn sign_out(app) -> () { app.sign_out().await }
}

// The approval window: only what answers the ceremony in progress.
window approval {
    /// What the person is asked to approve (`null`: nothing).
    fn approval_request(app) -> Option<ApprovalView> { Ok(app.approval_request()) }
    /// Approves, with the PIN when the authenticator asked for one.
    fn approve(app, pin: Option<String>) -> () { app.approve(pin) }
    /// Declines.
    fn decline(app) -> () { app.decline() }
}
}

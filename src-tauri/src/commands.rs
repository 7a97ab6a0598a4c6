//! The `#[tauri::command]`s: each adapts one `Shell` method to IPC, nothing more.

// Tauri hands command arguments over by value.
#![allow(clippy::needless_pass_by_value)]

use serde::de::DeserializeOwned;
use serde_json::Value;
use tauri::State;

use crate::error::{IpcError, IpcResult};
use crate::shell::{SendForm, Shell};
use crate::views::{
    AppState, AuthenticatorChoice, HistoryView, OutcomeView, PasskeyView, PreparedView,
    TransferView, WalletView,
};

include!("command_names.rs");

#[tauri::command]
pub async fn app_state(shell: State<'_, Shell>) -> IpcResult<AppState> {
    shell.app_state().await
}

#[tauri::command]
pub async fn start_login(shell: State<'_, Shell>) -> IpcResult<()> {
    shell.start_login().await
}

/// Parses an argument the UI built from what a person typed or chose: a malformed one is a
/// `{code: "INVALID_ARGUMENT", message}` like every other error, not Tauri's plain text.
fn parse<T: DeserializeOwned>(name: &str, value: Value) -> IpcResult<T> {
    serde_json::from_value(value).map_err(|error| IpcError::invalid(format!("{name}: {error}")))
}

#[tauri::command]
pub async fn register(shell: State<'_, Shell>, authenticator: Value) -> IpcResult<Vec<WalletView>> {
    shell.register(parse::<AuthenticatorChoice>("authenticator", authenticator)?).await
}

#[tauri::command]
pub async fn wallets(shell: State<'_, Shell>) -> IpcResult<Vec<WalletView>> {
    shell.wallets().await
}

#[tauri::command]
pub async fn sync(shell: State<'_, Shell>) -> IpcResult<Value> {
    shell.sync().await
}

#[tauri::command]
pub async fn history(shell: State<'_, Shell>, wallet_id: String) -> IpcResult<Vec<HistoryView>> {
    shell.history(&wallet_id).await
}

#[tauri::command]
pub async fn transfers(shell: State<'_, Shell>, wallet_id: String) -> IpcResult<Vec<TransferView>> {
    shell.transfers(&wallet_id).await
}

#[tauri::command]
pub async fn validate_send(shell: State<'_, Shell>, form: Value) -> IpcResult<()> {
    shell.validate_send(parse::<SendForm>("form", form)?).await
}

#[tauri::command]
pub async fn prepare_send(shell: State<'_, Shell>, form: Value) -> IpcResult<PreparedView> {
    shell.prepare_send(parse::<SendForm>("form", form)?).await
}

#[tauri::command]
pub async fn prepare_signature(
    shell: State<'_, Shell>,
    wallet_id: String,
    kind: String,
    payload: String,
) -> IpcResult<PreparedView> {
    shell.prepare_signature(&wallet_id, &kind, &payload).await
}

#[tauri::command]
pub async fn prepare_create_wallet(
    shell: State<'_, Shell>,
    network: String,
    name: Option<String>,
) -> IpcResult<PreparedView> {
    shell.prepare_create_wallet(&network, name).await
}

#[tauri::command]
pub async fn passkeys(shell: State<'_, Shell>) -> IpcResult<Vec<PasskeyView>> {
    shell.passkeys_list().await
}

#[tauri::command]
pub async fn prepare_add_passkey(
    shell: State<'_, Shell>,
    name: String,
    authenticator: Value,
) -> IpcResult<PreparedView> {
    shell.prepare_add_passkey(&name, parse("authenticator", authenticator)?).await
}

#[tauri::command]
pub async fn prepare_deactivate_passkey(
    shell: State<'_, Shell>,
    credential_uuid: String,
) -> IpcResult<PreparedView> {
    shell.prepare_deactivate_passkey(&credential_uuid).await
}

#[tauri::command]
pub async fn confirm_action(
    shell: State<'_, Shell>,
    operation_id: String,
) -> IpcResult<OutcomeView> {
    shell.confirm_action(&operation_id).await
}

#[tauri::command]
pub async fn cancel_action(shell: State<'_, Shell>, operation_id: String) -> IpcResult<()> {
    shell.cancel_action(&operation_id).await
}

#[tauri::command]
pub fn cancel_ceremony(shell: State<'_, Shell>) {
    shell.cancel_ceremony();
}

#[tauri::command]
pub fn answer_pin(shell: State<'_, Shell>, pin: Option<String>) -> IpcResult<()> {
    shell.answer_pin(pin)
}

/// The QR code of `text` (an address to receive on) as an SVG document.
#[tauri::command]
pub fn qr_svg(text: String) -> IpcResult<String> {
    if text.is_empty() || text.len() > 512 {
        return Err(IpcError::invalid("a QR code holds 1 to 512 characters here"));
    }
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|e| IpcError::invalid(e.to_string()))?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build())
}

#[tauri::command]
pub async fn set_settings(
    shell: State<'_, Shell>,
    companion_url: Option<String>,
    authenticator: Option<Value>,
) -> IpcResult<AppState> {
    let authenticator = authenticator.map(|value| parse("authenticator", value)).transpose()?;
    shell.set_settings(companion_url, authenticator).await
}

#[tauri::command]
pub async fn sign_out(shell: State<'_, Shell>) -> IpcResult<()> {
    shell.sign_out().await
}

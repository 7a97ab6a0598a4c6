//! The `#[tauri::command]`s, made from the contract table (contract.rs): each parses its
//! arguments, waits for the engine to be open, and runs one `AppService` use case, nothing more.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sigil_core::ErrorCode;
use sigil_core::actions::{AssetRef, FeeTier, Guardrails};
use sigil_core::reads::SyncReport;
use sigil_core::service::AppService;
use sigil_core::service::views::{
    AccessView, AppState, ApprovalView, AuthenticatorChoice, BrowserPage, ComputerCodeView,
    ContactView, ExplorerTarget, GuardrailsView, HistoryView, OutcomeView, PasskeyView,
    PreparedView, SendForm, SignKind, TransferView, WalletView,
};
use sigil_core::updates::UpdateView;
use tauri::State;

use crate::engine::Engine;
use crate::error::{IpcError, IpcResult};
use crate::typescript::CommandSpec;

/// Parses an argument the UI built from what a person typed or chose: a malformed or missing
/// one is a `{code: "INVALID_ARGUMENT", message}` like every other error, not Tauri's plain text.
fn parse<T: DeserializeOwned>(name: &str, value: Option<Value>) -> IpcResult<T> {
    serde_json::from_value(value.unwrap_or(Value::Null)).map_err(|error| IpcError {
        code: ErrorCode::InvalidArgument,
        message: format!("{name}: {error}"),
    })
}

/// Turns the contract table into the commands, the invoke handler and the command list.
macro_rules! ipc_contract {
    ($(window $window:ident { $(
        $(#[doc = $doc:literal])*
        fn $name:ident($app:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )* })*) => {
        $($(
            $(#[doc = $doc])*
            #[tauri::command]
            // Tauri hands arguments over by value.
            #[allow(clippy::needless_pass_by_value)]
            async fn $name(
                $app: State<'_, Engine>,
                $($arg: Option<Value>),*
            ) -> IpcResult<$ret> {
                $(let $arg: $ty = parse(stringify!($arg), $arg)?;)*
                let $app: &AppService = $app.ready().await?;
                let done: sigil_core::Result<$ret> = $body;
                done.map_err(IpcError::from)
            }
        )*)*

        /// The invoke handler with every command.
        pub fn handler<R: tauri::Runtime>(
        ) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($($name),*),*]
        }

        /// Every command with its arguments and result, for the UI's generated contract.
        pub fn specs(cfg: &ts_rs::Config, types: &mut crate::typescript::Declarations) -> Vec<CommandSpec> {
            vec![$($({
                $(types.add::<$ty>();)*
                types.add::<$ret>();
                CommandSpec {
                    window: stringify!($window),
                    name: stringify!($name),
                    doc: concat!($($doc, "\n"),*),
                    args: vec![$((stringify!($arg), <$ty as ts_rs::TS>::name(cfg))),*],
                    result: <$ret as ts_rs::TS>::name(cfg),
                }
            }),*),*]
        }
    };
}

include!("contract.rs");

/// The QR code of `text` as an SVG document.
fn render_qr_svg(text: &str) -> sigil_core::Result<String> {
    if text.is_empty() || text.len() > 512 {
        return Err(sigil_core::Error::InvalidArgument(
            "a QR code holds 1 to 512 characters here".to_owned(),
        ));
    }
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| sigil_core::Error::InvalidArgument(e.to_string()))?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build())
}

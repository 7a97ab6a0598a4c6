//! The events the app sends its UI, each with its name and payload type in one table.

use serde_json::Value;

use super::Outside;
use super::views::{AppState, ApprovalView, BrowserPage, ErrorView, PromptView, WalletView};
use crate::updates::UpdateView;

/// Defines [`Event`] from one table of variant, wire name and payload type.
macro_rules! events {
    ($($(#[$doc:meta])* $variant:ident($payload:ty) = $name:literal;)*) => {
        /// An event for the UI.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            $($(#[$doc])* $variant($payload),)*
        }

        impl Event {
            /// The event's name on the wire.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $name,)*
                }
            }

            fn payload(&self) -> Value {
                let payload = match self {
                    $(Self::$variant(payload) => serde_json::to_value(payload),)*
                };
                payload.unwrap_or(Value::Null)
            }

            /// Each event's name with the TypeScript type of its payload, for the generated
            /// contract; `types` visits each payload type.
            #[cfg(feature = "typescript")]
            pub fn contract(
                cfg: &ts_rs::Config,
                types: &mut impl ts_rs::TypeVisitor,
            ) -> Vec<(&'static str, String)> {
                vec![$({
                    types.visit::<$payload>();
                    ($name, <$payload as ts_rs::TS>::name(cfg))
                },)*]
            }
        }
    };
}

events! {
    /// Signed in or out.
    AuthChanged(AppState) = "auth:changed";
    /// A deep link or sign-in step failed.
    AuthError(ErrorView) = "auth:error";
    /// A web page's link started a sign-in whose page no browser could open: its address to show.
    SignInPage(BrowserPage) = "auth:page";
    /// A passkey prompt to show.
    AuthnPrompt(PromptView) = "authn:prompt";
    /// The approval window's request changed (`null`: none is open).
    ApprovalChanged(Option<Box<ApprovalView>>) = "approval:changed";
    /// The cached wallets changed.
    WalletsChanged(Vec<WalletView>) = "wallets:changed";
    /// The company published a newer Sigil; the person decides whether to install it.
    UpdateAvailable(UpdateView) = "update:available";
}

impl Event {
    /// Sends it through `outside`.
    pub(super) fn send(self, outside: &dyn Outside) {
        outside.emit(self.name(), self.payload());
    }
}

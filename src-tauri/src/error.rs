//! The one error shape the UI sees: `{code, message}`, with the code typed in sigil-core.

pub use sigil_core::service::views::ErrorView as IpcError;

/// The result of a command.
pub type IpcResult<T> = Result<T, IpcError>;

//! What the person sees and answers while a ceremony runs. The caller (the desktop shell) shows
//! prompts and answers questions; a [`CancellationToken`] stops a ceremony at any moment.

pub use tokio_util::sync::CancellationToken;

/// Progress to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Plug a security key in.
    InsertKey,
    /// Several keys are present: touch the one to use.
    ChooseKey,
    /// Touch the security key.
    TouchKey,
    /// The authenticator is working.
    Processing,
}

/// What a device passkey asks the person to approve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// `Create` or `Sign`.
    pub operation: Operation,
    /// The passkey domain.
    pub rp_id: String,
    /// The account, when known.
    pub user_name: Option<String>,
}

/// A passkey operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Create a passkey.
    Create,
    /// Sign with a passkey.
    Sign,
}

/// The caller's side of a ceremony.
pub trait Prompter: Send + Sync {
    /// Shows progress.
    fn show(&self, prompt: Prompt);

    /// Asks for a security key PIN; `None` when the person declines.
    fn ask_pin(&self, retries_left: Option<u32>) -> Option<dfns_client::Secret>;

    /// Asks the person to approve a device passkey operation; false when they decline.
    fn approve(&self, approval: &Approval) -> bool;
}

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

/// What a passkey on this computer asks the person to approve.
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

/// Why a PIN is asked for; the prompt says which PIN and what happens on a mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinReason {
    /// The security key's own PIN.
    SecurityKey {
        /// Tries left before the key blocks its PIN, when the key says.
        retries_left: Option<u32>,
    },
    /// A new PIN for the passkey on this computer: ask for it twice, it cannot be recovered.
    NewPin {
        /// The shortest PIN accepted, in characters.
        min_length: usize,
    },
    /// The PIN of the passkey on this computer.
    Passkey {
        /// Wrong tries left before it is blocked, or before wrong tries start to cost a wait.
        tries_left: Option<u32>,
    },
}

impl PinReason {
    /// The tries left, whatever the PIN.
    pub fn tries_left(&self) -> Option<u32> {
        match *self {
            Self::SecurityKey { retries_left } => retries_left,
            Self::Passkey { tries_left } => tries_left,
            Self::NewPin { .. } => None,
        }
    }
}

/// The caller's side of a ceremony.
pub trait Prompter: Send + Sync {
    /// Shows progress.
    fn show(&self, prompt: Prompt);

    /// Asks for a PIN; `None` when the person declines.
    fn ask_pin(&self, reason: PinReason) -> Option<dfns_client::Secret>;

    /// Asks the person to approve a passkey operation on this computer; false when they
    /// decline. Only a yes here sets the user-presence flag.
    fn approve(&self, approval: &Approval) -> bool;
}

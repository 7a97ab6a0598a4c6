//! The passkey ceremony in progress, as the UI takes part in it: prompts go out as events, a PIN
//! comes back through [`Ceremonies::answer_pin`], and [`Ceremonies::cancel`] stops it.

use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

use sigil_authn::{Approval, CancellationToken, PinReason, Prompt, Prompter};

use super::Outside;
use super::events::Event;
use super::views::{PinRequest, PromptKind, PromptView};
use crate::error::{Error, Result};

/// How long a PIN prompt waits for the person.
const PIN_WAIT: Duration = Duration::from_secs(120);

/// The running ceremony's cancel token and its open PIN question.
#[derive(Debug, Default)]
pub(super) struct Ceremonies {
    current: Mutex<CancellationToken>,
    pin: Mutex<Option<Sender<Option<String>>>>,
}

impl Ceremonies {
    /// A fresh cancel token for the ceremony about to run.
    pub(super) fn start(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut current) = self.current.lock() {
            *current = token.clone();
        }
        token
    }

    /// Cancels the running ceremony, if any.
    pub(super) fn cancel(&self) {
        if let Ok(current) = self.current.lock() {
            current.cancel();
        }
    }

    /// Answers the open PIN question (`None` declines).
    pub(super) fn answer_pin(&self, pin: Option<String>) -> Result<()> {
        let sender = self.pin.lock().ok().and_then(|mut slot| slot.take());
        let sender = sender.ok_or(Error::NoPinRequested)?;
        sender.send(pin).map_err(|_| Error::NoPinRequested)
    }

    /// The prompter of a ceremony, speaking through `outside`.
    pub(super) fn prompter<'a>(&'a self, outside: &'a dyn Outside) -> UiPrompter<'a> {
        UiPrompter { ceremonies: self, outside }
    }
}

/// Passkey prompts as UI events; a PIN is asked for and awaited from `answer_pin`.
pub(super) struct UiPrompter<'a> {
    ceremonies: &'a Ceremonies,
    outside: &'a dyn Outside,
}

impl UiPrompter<'_> {
    fn emit(&self, event: Event) {
        event.send(self.outside);
    }
}

impl Prompter for UiPrompter<'_> {
    fn show(&self, prompt: Prompt) {
        let kind = match prompt {
            Prompt::InsertKey => PromptKind::InsertKey,
            Prompt::ChooseKey => PromptKind::ChooseKey,
            Prompt::TouchKey => PromptKind::TouchKey,
            Prompt::Processing => PromptKind::Processing,
        };
        self.emit(Event::AuthnPrompt(PromptView { kind, detail: None }));
    }

    fn ask_pin(&self, reason: PinReason) -> Option<dfns_client::Secret> {
        let (sender, receiver) = channel();
        if let Ok(mut slot) = self.ceremonies.pin.lock() {
            *slot = Some(sender);
        }
        self.emit(Event::AuthnPin(PinRequest { retries_left: reason.tries_left() }));
        receiver.recv_timeout(PIN_WAIT).ok().flatten().map(dfns_client::Secret::new)
    }

    fn approve(&self, approval: &Approval) -> bool {
        // The click on "Register" or "Confirm" was the approval; the prompt says what happens.
        self.emit(Event::AuthnPrompt(PromptView {
            kind: PromptKind::Approve,
            detail: Some(approval.rp_id.clone()),
        }));
        true
    }
}

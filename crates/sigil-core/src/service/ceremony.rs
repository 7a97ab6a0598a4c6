//! The passkey ceremony in progress, as the person takes part in it: progress prompts go to the
//! main window as events; approval and PINs come only from the approval window; `cancel` stops
//! the ceremony at any moment.

use std::sync::Mutex;
use std::time::Duration;

use dfns_client::Secret;
use sigil_authn::{Approval, CancellationToken, PinReason, Prompt, Prompter};

use super::Outside;
use super::approval::{Answer, Approvals, wait};
use super::events::Event;
use super::views::{ApprovalView, PinRequest, PromptKind, PromptView};

/// The running ceremony's cancel token.
#[derive(Debug, Default)]
pub(super) struct Ceremonies {
    current: Mutex<CancellationToken>,
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
}

/// The prompter of one ceremony the person approved in the approval window.
pub(super) struct ApprovedPrompter<'a> {
    pub(super) approvals: &'a Approvals,
    pub(super) outside: &'a dyn Outside,
    pub(super) timeout: Duration,
    /// What was approved: shown again when the authenticator asks for its PIN.
    pub(super) view: ApprovalView,
    /// A PIN typed with the approval, used for the first PIN question.
    pub(super) pin: Mutex<Option<Secret>>,
}

impl ApprovedPrompter<'_> {
    fn emit(&self, event: Event) {
        event.send(self.outside);
    }
}

impl Prompter for ApprovedPrompter<'_> {
    fn show(&self, prompt: Prompt) {
        let kind = match prompt {
            Prompt::InsertKey => PromptKind::InsertKey,
            Prompt::ChooseKey => PromptKind::ChooseKey,
            Prompt::TouchKey => PromptKind::TouchKey,
            Prompt::Processing => PromptKind::Processing,
        };
        self.emit(Event::AuthnPrompt(PromptView { kind, detail: None }));
    }

    fn ask_pin(&self, reason: PinReason) -> Option<Secret> {
        // The PIN typed with the approval answers the question it was typed for, once.
        let asked = PinRequest::from(reason);
        let upfront = self.pin.lock().ok().and_then(|mut pin| pin.take());
        if let Some(pin) = upfront
            && self.view.pin.is_some_and(|offered| offered.kind == asked.kind)
        {
            return Some(pin);
        }
        // The PIN is typed in the approval window, never in the main one.
        let view = ApprovalView { pin: Some(asked), ..self.view.clone() };
        let receiver = self.approvals.open(view.clone()).ok()?;
        self.emit(Event::ApprovalChanged(Some(Box::new(view))));
        let opened = self.outside.open_approval();
        let answer = if opened.is_ok() { wait(&receiver, self.timeout) } else { Answer::Decline };
        self.approvals.close();
        self.outside.close_approval();
        self.emit(Event::ApprovalChanged(None));
        match answer {
            Answer::Approve(pin) => pin,
            Answer::Decline => None,
        }
    }

    fn approve(&self, _approval: &Approval) -> bool {
        // Only made once the person approved this very ceremony in the approval window.
        true
    }
}

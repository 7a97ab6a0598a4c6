//! The approval in progress. Every ceremony waits here for the person's answer in the approval
//! window, which Rust opens with its own page and its own capability: the main window can
//! neither see its commands nor answer for it. What the window shows is an [`ApprovalView`]
//! built in Rust (the intent decoded from the journaled body), never data the main page passed.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use dfns_client::Secret;

use super::views::ApprovalView;
use crate::error::{Error, Result};

/// The person's answer.
#[derive(Debug)]
pub(super) enum Answer {
    /// Approved, with the PIN typed in the window when one was asked for.
    Approve(Option<Secret>),
    /// Declined, or the window was closed.
    Decline,
}

#[derive(Debug)]
struct Pending {
    view: ApprovalView,
    answer: Sender<Answer>,
}

/// The one open approval request, if any.
#[derive(Debug, Default)]
pub(super) struct Approvals {
    pending: Mutex<Option<Pending>>,
}

impl Approvals {
    /// Opens `view` for the window; `BUSY` while another one is open.
    pub(super) fn open(&self, view: ApprovalView) -> Result<Receiver<Answer>> {
        let mut pending = self.pending.lock().map_err(|_| Error::Busy)?;
        if pending.is_some() {
            return Err(Error::Busy);
        }
        let (answer, receiver) = channel();
        *pending = Some(Pending { view, answer });
        Ok(receiver)
    }

    /// What the window shows now.
    pub(super) fn current(&self) -> Option<ApprovalView> {
        self.pending.lock().ok().and_then(|p| p.as_ref().map(|p| p.view.clone()))
    }

    /// The window's answer; `NO_APPROVAL_PENDING` when nothing waits for one.
    pub(super) fn answer(&self, answer: Answer) -> Result<()> {
        let pending = self.pending.lock().ok().and_then(|mut p| p.take());
        let pending = pending.ok_or(Error::NoApprovalPending)?;
        pending.answer.send(answer).map_err(|_| Error::NoApprovalPending)
    }

    /// Forgets the open request (answered, timed out or abandoned).
    pub(super) fn close(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            *pending = None;
        }
    }
}

/// Waits for the answer on `receiver` for at most `timeout`: silence is a decline.
pub(super) fn wait(receiver: &Receiver<Answer>, timeout: Duration) -> Answer {
    match receiver.recv_timeout(timeout) {
        Ok(answer) => answer,
        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => Answer::Decline,
    }
}

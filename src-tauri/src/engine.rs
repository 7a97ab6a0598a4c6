//! The engine as the shell holds it: opened in the background while the window loads (opening
//! the cache, the journal and the company's HTTP client is work the first screen need not wait
//! for), with the commands waiting for it, and its error, if it could not open, given to every
//! command, so the UI's startup screen shows it.

use sigil_core::service::AppService;
use tokio::sync::{Notify, OnceCell};

use crate::error::IpcError;

/// Sigil's engine, or why it could not open, once known.
#[derive(Debug, Default)]
pub struct Engine {
    opened: OnceCell<Result<AppService, IpcError>>,
    settled: Notify,
}

impl Engine {
    /// An engine opened already.
    pub fn opened(service: AppService) -> Self {
        let engine = Self::default();
        engine.settle(Ok(service));
        engine
    }

    /// Records how the opening ended and wakes everything waiting for it. Only the first call
    /// counts.
    pub fn settle(&self, opened: Result<AppService, IpcError>) {
        if self.opened.set(opened).is_err() {
            tracing::warn!("the engine was opened twice; the second one is dropped");
        }
        self.settled.notify_waiters();
    }

    /// The engine, once open; the error it could not open with.
    pub async fn ready(&self) -> Result<&AppService, IpcError> {
        loop {
            // Registered before the check, so a settle between the two is not missed.
            let settled = self.settled.notified();
            if let Some(opened) = self.opened.get() {
                return opened.as_ref().map_err(Clone::clone);
            }
            settled.await;
        }
    }

    /// The engine if it is open now (for what must not wait: closing, declining).
    pub fn get(&self) -> Option<&AppService> {
        self.opened.get().and_then(|opened| opened.as_ref().ok())
    }
}

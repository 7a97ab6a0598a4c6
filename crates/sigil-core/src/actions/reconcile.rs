//! Settling actions whose outcome is unknown (crash, timeout, lost answer): each is looked up
//! at Dfns, by `externalId` or by the credential for passkey changes, before anything is
//! signed again.

use std::future::Future;

use dfns_client::DelegatedClient;
use dfns_client::models::{ListWalletsQuery, Signature, Transfer, Wallet};
use serde_json::Value;
use sigil_store::{Operation, OperationState};

use super::{ActionKind, Actions, Outcome, internal, kind_of};
use crate::error::{Error, Result};

impl Actions {
    /// Settles every operation of `owner` whose outcome is unknown (`Sent`) by looking it up at
    /// Dfns: found means done. Operations that never reached Dfns stay, to be confirmed again.
    /// Returns how many were settled.
    pub async fn reconcile(&self, owner: &str) -> Result<usize> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let mut settled = 0;
        for operation in self.journal.unfinished(owner).await? {
            if operation.state != OperationState::Sent {
                continue;
            }
            let Ok(kind) = kind_of(&operation) else { continue };
            if let Some(outcome) = self.look_up(kind, &operation).await? {
                self.finish(&operation, outcome).await?;
                settled += 1;
            }
        }
        Ok(settled)
    }

    /// What Dfns has for an operation whose request may have been received.
    pub(super) async fn look_up(
        &self,
        kind: ActionKind,
        operation: &Operation,
    ) -> Result<Option<Outcome>> {
        let external_id = operation.external_id.clone();
        let keyed =
            matches!(kind, ActionKind::Transfer | ActionKind::Signature | ActionKind::CreateWallet);
        if keyed && external_id.is_none() {
            // Nothing to look it up by (never written by Sigil); treat as not received.
            return Ok(None);
        }
        let body: Value = serde_json::from_str(&operation.body).map_err(internal)?;
        Ok(match kind {
            ActionKind::Transfer => {
                let wallet_id = path_id(operation, "/transfers")?;
                let fetch = |dfns: DelegatedClient, token: Option<String>| {
                    let wallet_id = wallet_id.clone();
                    async move {
                        let page = dfns.list_transfers(&wallet_id, token.as_deref()).await?;
                        Ok((page.items, page.next_page_token))
                    }
                };
                let found = self.find_in_pages(fetch, |t: &Transfer| t.external_id == external_id);
                found.await?.map(Outcome::Transfer)
            }
            ActionKind::Signature => {
                let wallet_id = path_id(operation, "/signatures")?;
                let fetch = |dfns: DelegatedClient, token: Option<String>| {
                    let wallet_id = wallet_id.clone();
                    async move {
                        let page = dfns.list_signatures(&wallet_id, token.as_deref()).await?;
                        Ok((page.items, page.next_page_token))
                    }
                };
                let found = self.find_in_pages(fetch, |s: &Signature| s.external_id == external_id);
                found.await?.map(Outcome::Signature)
            }
            ActionKind::CreateWallet => {
                let fetch = |dfns: DelegatedClient, token: Option<String>| async move {
                    let query =
                        ListWalletsQuery { limit: Some(100), pagination_token: token, owner: None };
                    let page = dfns.list_wallets(&query).await?;
                    Ok((page.items, page.next_page_token))
                };
                let found = self.find_in_pages(fetch, |w: &Wallet| w.external_id == external_id);
                found.await?.map(Outcome::Wallet)
            }
            ActionKind::AddPasskey => {
                let credential_id = body["credentialInfo"]["credId"].as_str().unwrap_or_default();
                self.credentials()
                    .await?
                    .into_iter()
                    .find(|c| c.credential_id == credential_id)
                    .map(Outcome::PasskeyAdded)
            }
            ActionKind::DeactivatePasskey => {
                let uuid = body["credentialUuid"].as_str().unwrap_or_default().to_owned();
                let credentials = self.credentials().await?;
                credentials
                    .iter()
                    .any(|c| c.credential_uuid == uuid && !c.is_active)
                    .then_some(Outcome::PasskeyDeactivated { credential_uuid: uuid })
            }
        })
    }

    /// The first item `wanted` picks, following the pages `fetch` returns.
    async fn find_in_pages<T, F, Fut>(
        &self,
        fetch: F,
        wanted: impl Fn(&T) -> bool,
    ) -> Result<Option<T>>
    where
        F: Fn(DelegatedClient, Option<String>) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<String>), dfns_client::Error>>,
    {
        let mut token: Option<String> = None;
        loop {
            let (items, next) = self.dfns.call(|dfns| fetch(dfns, token.clone())).await?;
            if let Some(found) = items.into_iter().find(|item| wanted(item)) {
                return Ok(Some(found));
            }
            token = next;
            if token.is_none() {
                return Ok(None);
            }
        }
    }
}

/// The wallet id in a journaled path `/wallets/{id}{suffix}`.
fn path_id(operation: &Operation, suffix: &str) -> Result<String> {
    operation
        .path
        .strip_prefix("/wallets/")
        .and_then(|rest| rest.strip_suffix(suffix))
        .map(str::to_owned)
        .ok_or_else(|| internal(format!("a journaled path {:?}", operation.path)))
}

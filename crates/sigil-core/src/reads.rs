//! What the user sees, served from the local cache at once and synced from Dfns: wallets,
//! their assets (with symbols and decimals), history and transfers. The cache belongs to one
//! Dfns user; another user's data is never shown (the cache is cleared when the owner changes).

use std::sync::Arc;

use dfns_client::models::{
    HistoryItem, HistoryQuery, ListWalletsQuery, Transfer, Wallet, WalletAssets,
};
use sigil_store::Cache;

use crate::dfns_session::DfnsSession;
use crate::error::Result;

/// Items per page asked of Dfns (wallets and history; transfers use Dfns's default).
const PAGE: u32 = 100;

/// History items a sync fetches per wallet at most when the cache knows none of them.
const HISTORY_BACKFILL: usize = 1000;

/// One wallet as the app shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WalletView {
    /// The wallet.
    pub wallet: Wallet,
    /// Its assets, if read at least once.
    pub assets: Option<WalletAssets>,
}

/// What a sync changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// Wallets now known.
    pub wallets: usize,
    /// History items not seen before.
    pub new_history: usize,
    /// Transfers read (new or updated).
    pub transfers: usize,
}

/// Reads through the cache.
#[derive(Debug, Clone)]
pub struct Reads {
    cache: Cache,
    dfns: Arc<DfnsSession>,
}

impl Reads {
    /// Reads of `dfns`, kept in `cache`.
    pub fn new(cache: Cache, dfns: Arc<DfnsSession>) -> Self {
        Self { cache, dfns }
    }

    /// The cache.
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The wallets and assets as last synced, without asking Dfns (for the first paint).
    pub async fn cached_wallets(&self) -> Result<Vec<WalletView>> {
        let mut views = Vec::new();
        for wallet in self.cache.wallets().await? {
            let assets = self.cache.assets(&wallet.id).await?;
            views.push(WalletView { wallet, assets });
        }
        Ok(views)
    }

    /// A wallet's history as last synced, newest first.
    pub async fn cached_history(&self, wallet_id: &str, limit: u32) -> Result<Vec<HistoryItem>> {
        Ok(self.cache.history(wallet_id, limit).await?)
    }

    /// A wallet's transfers as last synced, newest first.
    pub async fn cached_transfers(&self, wallet_id: &str, limit: u32) -> Result<Vec<Transfer>> {
        Ok(self.cache.transfers(wallet_id, limit).await?)
    }

    /// Brings the cache up to date for `dfns_user_id`: every wallet (all pages), each wallet's
    /// assets, the history items not seen before (pages until a known one), and the latest
    /// transfers.
    pub async fn sync(&self, dfns_user_id: &str) -> Result<SyncReport> {
        self.cache.set_owner(dfns_user_id).await?;
        let wallets = self.all_wallets().await?;
        self.cache.replace_wallets(&wallets).await?;
        let mut report = SyncReport { wallets: wallets.len(), ..SyncReport::default() };
        for wallet in &wallets {
            let (new_history, transfers) = self.sync_wallet(&wallet.id).await?;
            report.new_history += new_history;
            report.transfers += transfers;
        }
        tracing::debug!(?report, "synced");
        Ok(report)
    }

    /// Brings one wallet of the cache up to date (what an action on it changed): its assets,
    /// the history items not seen before and the latest transfers. Returns the new history
    /// items and the transfers read.
    pub async fn sync_wallet(&self, wallet_id: &str) -> Result<(usize, usize)> {
        let assets = self.dfns.call(|dfns| {
            let id = wallet_id.to_owned();
            async move { dfns.get_wallet_assets(&id).await }
        });
        self.cache.put_assets(&assets.await?).await?;
        let new_history = self.sync_history(wallet_id).await?;
        let transfers = self
            .dfns
            .call(|dfns| {
                let id = wallet_id.to_owned();
                async move { dfns.list_transfers(&id, None).await }
            })
            .await?;
        self.cache.put_transfers(wallet_id, &transfers.items).await?;
        Ok((new_history, transfers.items.len()))
    }

    async fn all_wallets(&self) -> Result<Vec<Wallet>> {
        let mut wallets = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let query = ListWalletsQuery {
                limit: Some(PAGE),
                pagination_token: token.clone(),
                owner: None,
            };
            let page = self
                .dfns
                .call(|dfns| {
                    let query = query.clone();
                    async move { dfns.list_wallets(&query).await }
                })
                .await?;
            wallets.extend(page.items);
            token = page.next_page_token;
            if token.is_none() {
                return Ok(wallets);
            }
        }
    }

    /// Newest pages first, until a page holds an item the cache knows (the rest is known too).
    async fn sync_history(&self, wallet_id: &str) -> Result<usize> {
        let mut new = 0;
        let mut token: Option<String> = None;
        let mut fetched = 0;
        loop {
            let query = HistoryQuery {
                limit: Some(PAGE),
                pagination_token: token.clone(),
                ..Default::default()
            };
            let page = self
                .dfns
                .call(|dfns| {
                    let (id, query) = (wallet_id.to_owned(), query.clone());
                    async move { dfns.get_wallet_history(&id, &query).await }
                })
                .await?;
            fetched += page.items.len();
            let added = self.cache.add_history(wallet_id, &page.items).await?;
            new += added;
            token = page.next_page_token;
            if token.is_none() || added < page.items.len() || fetched >= HISTORY_BACKFILL {
                return Ok(new);
            }
        }
    }
}

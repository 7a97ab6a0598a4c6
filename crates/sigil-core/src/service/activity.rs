//! What the person should hear of while Sigil runs, found by comparing two looks at the cache
//! (before and after a sync): funds that came in, and transfers that reached their end (also one
//! first seen already ended, when it was asked for in the last ten minutes: Dfns may confirm
//! before the app looks). A wallet never synced before tells nothing (a first sync would
//! otherwise announce its whole past).
//! The notification texts live here, in one place.

use std::collections::{BTreeMap, BTreeSet};

use dfns_client::models::{HistoryItem, RequestStatus, Transfer};
use sigil_store::Cache;

use crate::actions::amount::BaseUnits;
use crate::error::Result;

/// How many history items and transfers of each wallet are compared.
const LOOK_BACK: u32 = 200;
/// At most this many notices a sync; the rest are counted in one.
const MOST_NOTICES: usize = 3;
/// A transfer first seen already ended is news when asked for this recently.
const RECENT_MS: i64 = 10 * 60 * 1000;

/// A desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its title.
    pub title: String,
    /// Its text.
    pub body: String,
}

/// What the cache held of each wallet at one moment.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    wallets: BTreeMap<String, WalletLook>,
}

#[derive(Debug)]
struct WalletLook {
    name: String,
    /// Whether the wallet had been synced (its balances read) at least once.
    synced: bool,
    /// The transactions that came in, by hash.
    incoming: BTreeSet<String>,
    /// Each transfer's status, and when it was asked for (ms since the epoch; 0 if unreadable).
    transfers: BTreeMap<String, (RequestStatus, i64)>,
}

impl Snapshot {
    /// Reads what `cache` holds now.
    pub(super) async fn of(cache: &Cache) -> Result<Self> {
        let mut wallets = BTreeMap::new();
        for wallet in cache.wallets().await? {
            let synced = cache.assets(&wallet.id).await?.is_some();
            let incoming = cache
                .history(&wallet.id, LOOK_BACK)
                .await?
                .into_iter()
                .filter(|item| item.direction == "In")
                .map(|item| item.tx_hash)
                .collect();
            let transfers = cache
                .transfers(&wallet.id, LOOK_BACK)
                .await?
                .into_iter()
                .map(|transfer| {
                    let requested_ms = time::OffsetDateTime::parse(
                        &transfer.date_requested,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .map_or(0, |at| (at.unix_timestamp_nanos() / 1_000_000) as i64);
                    (transfer.id, (transfer.status, requested_ms))
                })
                .collect();
            let name = wallet.name.clone().unwrap_or_else(|| {
                let network = dfns_networks::network(&wallet.network)
                    .map_or(wallet.network.as_str(), |n| n.display_name);
                format!("{network} wallet")
            });
            wallets.insert(wallet.id.clone(), WalletLook { name, synced, incoming, transfers });
        }
        Ok(Self { wallets })
    }
}

/// What changed from `before` to `after`, as notices; `history` and `transfers` give the items
/// of a wallet after the sync (to word the notices).
pub(super) async fn notices(
    before: &Snapshot,
    after: &Snapshot,
    cache: &Cache,
    now_ms: i64,
) -> Result<Vec<Notice>> {
    let mut notices = Vec::new();
    for (wallet_id, now) in &after.wallets {
        let Some(then) = before.wallets.get(wallet_id).filter(|then| then.synced) else {
            continue;
        };
        let arrived: Vec<&String> = now.incoming.difference(&then.incoming).collect();
        if !arrived.is_empty() {
            let items = cache.history(wallet_id, LOOK_BACK).await?;
            for hash in arrived {
                if let Some(item) = items.iter().find(|item| &item.tx_hash == hash) {
                    notices.push(received(&now.name, item));
                }
            }
        }
        let ended: Vec<&String> = now
            .transfers
            .iter()
            .filter(|(id, (status, requested_ms))| {
                is_final(status)
                    && match then.transfers.get(*id) {
                        Some((was, _)) => !is_final(was),
                        None => now_ms - requested_ms < RECENT_MS,
                    }
            })
            .map(|(id, _)| id)
            .collect();
        if !ended.is_empty() {
            let transfers = cache.transfers(wallet_id, LOOK_BACK).await?;
            for id in ended {
                if let Some(transfer) = transfers.iter().find(|t| &t.id == id) {
                    notices.push(finished(&now.name, transfer));
                }
            }
        }
    }
    if notices.len() > MOST_NOTICES {
        let more = notices.len() - (MOST_NOTICES - 1);
        notices.truncate(MOST_NOTICES - 1);
        notices.push(Notice {
            title: "More activity in Sigil".to_owned(),
            body: format!("{more} more transfers moved in your wallets. Open Sigil to see them."),
        });
    }
    Ok(notices)
}

fn is_final(status: &RequestStatus) -> bool {
    matches!(status, RequestStatus::Confirmed | RequestStatus::Failed | RequestStatus::Rejected)
}

/// "0.5 ETH" from base units and the asset's metadata, when they read.
fn amount(base: Option<&str>, symbol: Option<&str>, decimals: Option<u8>) -> Option<String> {
    let units = BaseUnits::parse_base(base?)?;
    Some(format!("{} {}", units.to_decimal_string(decimals?), symbol.unwrap_or("units")))
}

fn received(wallet: &str, item: &HistoryItem) -> Notice {
    let asset = &item.metadata.asset;
    let what = amount(item.value.as_deref(), asset.symbol.as_deref(), asset.decimals)
        .unwrap_or_else(|| "Funds".to_owned());
    Notice { title: format!("Received {what}"), body: format!("On {wallet}.") }
}

fn finished(wallet: &str, transfer: &Transfer) -> Notice {
    let field = |name: &str| transfer.request_body.get(name).and_then(|v| v.as_str());
    let asset = &transfer.metadata.asset;
    let what = amount(field("amount"), asset.symbol.as_deref(), asset.decimals)
        .unwrap_or_else(|| "A transfer".to_owned());
    let to = field("to").map(short).unwrap_or_default();
    match transfer.status {
        RequestStatus::Confirmed => Notice {
            title: format!("Sent {what}"),
            body: format!("Confirmed: from {wallet} to {to}."),
        },
        _ => Notice {
            title: format!("Transfer of {what} failed"),
            body: format!(
                "From {wallet} to {to}: {}.",
                transfer.reason.as_deref().unwrap_or("the network did not take it")
            ),
        },
    }
}

/// "0x1234…cdef".
fn short(address: &str) -> String {
    let chars: Vec<char> = address.chars().collect();
    if chars.len() <= 12 {
        return address.to_owned();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

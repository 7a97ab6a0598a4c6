//! The simulated chains: amounts, assets, the life of a transfer on the emulator's clock, and
//! settling it (credit, history on both sides). A transfer debits its sender when it is accepted,
//! so nothing can be spent twice; the recipient is credited when it confirms.

use dfns_client::models::{AssetMetadata, Quotes, TransferMetadata};
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::chain::{Family, Network};
use crate::clock::iso_from_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{NewHistory, Store, TokenRow, TransferRow};

/// A positive base-10 integer amount in the smallest unit.
pub fn parse_amount(field: &str, text: &str) -> Result<u128, ApiError> {
    let valid =
        !text.is_empty() && text.len() <= 39 && text.bytes().all(|byte| byte.is_ascii_digit());
    match text.parse::<u128>() {
        Ok(amount) if valid && amount > 0 => Ok(amount),
        _ => Err(ApiError::bad_request(format!(
            "{field} must be a positive base-10 integer in the asset's smallest unit, got {text:?}"
        ))),
    }
}

/// What a transfer or balance is denominated in.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetInfo {
    /// `Native`, `Erc20` or `Spl`.
    pub kind: &'static str,
    /// `""` for the native coin, else the contract or mint.
    pub asset: String,
    pub symbol: Option<String>,
    pub decimals: u8,
    pub verified: bool,
}

impl AssetInfo {
    pub fn native(network: &Network) -> Self {
        Self {
            kind: "Native",
            asset: String::new(),
            symbol: Some(network.native_symbol.to_owned()),
            decimals: network.native_decimals,
            verified: true,
        }
    }

    /// Fiat quotes of one whole unit: the emulator quotes mainnet coins only, at fixed prices.
    pub fn quotes(&self, network: &Network) -> Option<Quotes> {
        if self.kind != "Native" {
            return None;
        }
        let usd = match network.name {
            "Ethereum" | "Base" | "ArbitrumOne" => 3000.0,
            "Polygon" => 0.5,
            "Bitcoin" => 60000.0,
            "Solana" => 150.0,
            _ => return None,
        };
        Some(Quotes::from([("USD".to_owned(), usd)]))
    }

    pub fn metadata(&self, network: &Network) -> TransferMetadata {
        TransferMetadata {
            asset: AssetMetadata {
                symbol: self.symbol.clone(),
                decimals: Some(self.decimals),
                verified: Some(self.verified),
                quotes: self.quotes(network),
            },
        }
    }
}

/// The asset behind a balance key; unknown tokens get the family's usual decimals.
pub async fn asset_info(
    store: &Store,
    network: &Network,
    asset: &str,
) -> Result<AssetInfo, ApiError> {
    if asset.is_empty() {
        return Ok(AssetInfo::native(network));
    }
    let kind = if network.family == Family::Solana { "Spl" } else { "Erc20" };
    Ok(match store.token(network.name, asset).await? {
        Some(token) => token_info(&token),
        None => AssetInfo {
            kind,
            asset: asset.to_owned(),
            symbol: None,
            decimals: if network.family == Family::Solana { 9 } else { 18 },
            verified: false,
        },
    })
}

fn token_info(token: &TokenRow) -> AssetInfo {
    AssetInfo {
        kind: if token.kind == "Spl" { "Spl" } else { "Erc20" },
        asset: token.address.clone(),
        symbol: token.symbol.clone(),
        decimals: u8::try_from(token.decimals).unwrap_or(18),
        verified: token.verified,
    }
}

/// Tokens every emulator knows, as Dfns lists them verified.
pub fn well_known_tokens() -> Vec<TokenRow> {
    let token = |network: &str, address: &str, kind: &str, symbol: &str, decimals| TokenRow {
        network: network.to_owned(),
        address: address.to_owned(),
        kind: kind.to_owned(),
        symbol: Some(symbol.to_owned()),
        decimals,
        verified: true,
    };
    vec![
        token("EthereumSepolia", "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238", "Erc20", "USDC", 6),
        token("Ethereum", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "Erc20", "USDC", 6),
        token("SolanaDevnet", "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", "Spl", "USDC", 6),
        token("Solana", "EPjFWdd5AufLKj6Fp4mMdbmH4RmXn4MzA7tdnJTVQJEF", "Spl", "USDC", 6),
    ]
}

/// When each step of a transfer accepted at `now_ms` happens.
pub fn schedule(now_ms: i64, confirm_after_ms: i64) -> (i64, i64, i64) {
    (now_ms + confirm_after_ms / 4, now_ms + confirm_after_ms / 2, now_ms + confirm_after_ms)
}

/// The status a transfer has at `now_ms`.
pub fn status_at(row: &TransferRow, now_ms: i64) -> &str {
    if row.settled {
        &row.status
    } else if now_ms >= row.confirm_at {
        "Confirmed"
    } else if now_ms >= row.broadcast_at {
        "Broadcasted"
    } else if now_ms >= row.executing_at {
        "Executing"
    } else {
        "Pending"
    }
}

/// A transaction hash in the network's format, derived from the transfer id.
pub fn tx_hash(network: &Network, id: &str) -> String {
    let digest = Sha256::digest(id.as_bytes());
    match network.family {
        Family::Evm => format!("0x{}", hex::encode(digest)),
        Family::Bitcoin => hex::encode(digest),
        Family::Solana => {
            bs58::encode([digest.as_slice(), &Sha256::digest(digest)].concat()).into_string()
        }
    }
}

/// Moves every transfer whose next step is due: statuses, and at confirmation the credit and
/// the history of both sides. Called before reads and by the background ticker; returns at once
/// when no step is due (the store knows when the next one is).
pub async fn settle(state: &AppState) -> Result<(), ApiError> {
    if !state.store.transfers_due(state.now_ms()) {
        return Ok(());
    }
    let settling = state.store.settling().await;
    let now = state.now_ms();
    if !state.store.transfers_due(now) {
        return Ok(());
    }
    for row in state.store.open_transfers(now).await? {
        let status = status_at(&row, now);
        if status == "Confirmed" {
            confirm(state, &row).await?;
        } else if status != row.status {
            state.store.set_transfer_status(&row.id, status).await?;
        }
    }
    settling.finish(state.store.next_transfer_step(now).await?);
    Ok(())
}

async fn confirm(state: &AppState, row: &TransferRow) -> Result<(), ApiError> {
    let network = crate::chain::network(&row.network).ok_or_else(|| {
        ApiError::internal(format!("stored transfer on unknown network {}", row.network))
    })?;
    let asset = asset_info(&state.store, network, &row.asset).await?;
    let tx = state.store.begin_write().await?;
    if !Store::finish_transfer_in(&tx, &row.id, "Confirmed")? {
        return Ok(());
    }
    let amount = parse_stored(&row.amount)?;
    let held = Store::balance_in(&tx, &row.network, &row.to_address, &row.asset)?;
    let credited =
        held.checked_add(amount).ok_or_else(|| ApiError::internal("balance overflow"))?;
    Store::set_balance_in(&tx, &row.network, &row.to_address, &row.asset, credited)?;
    let movement = Movement {
        id: &row.id,
        from: Some(&row.from_address),
        to: &row.to_address,
        amount: &row.amount,
        fee: &row.fee,
        at_ms: row.confirm_at,
    };
    let block = Store::next_block_in(&tx, &row.network)?;
    Store::insert_history_in(
        &tx,
        &history_item(network, &movement, &asset, &row.wallet_id, "Out", block),
    )?;
    record_incoming(&tx, network, &movement, &asset, block)?;
    tx.commit().await?;
    Ok(())
}

/// Credits `amount` of `asset` to `address` out of thin air (the emulator faucet), as if from
/// `from` when given, and records it as an incoming transfer of every wallet there. Returns the
/// transaction hash.
pub async fn mint(
    state: &AppState,
    network: &Network,
    from: Option<&str>,
    address: &str,
    asset: &AssetInfo,
    amount: u128,
) -> Result<(String, u128), ApiError> {
    let id = crate::ids::new_id("mint");
    let amount_text = amount.to_string();
    let movement = Movement {
        id: &id,
        from,
        to: address,
        amount: &amount_text,
        fee: "0",
        at_ms: state.now_ms(),
    };
    let tx = state.store.begin_write().await?;
    let held = Store::balance_in(&tx, network.name, address, &asset.asset)?;
    let balance = held
        .checked_add(amount)
        .ok_or_else(|| ApiError::bad_request("the balance would exceed 2^128 - 1 base units"))?;
    Store::set_balance_in(&tx, network.name, address, &asset.asset, balance)?;
    let block = Store::next_block_in(&tx, network.name)?;
    record_incoming(&tx, network, &movement, asset, block)?;
    tx.commit().await?;
    Ok((tx_hash(network, &id), balance))
}

/// One movement on a simulated chain.
struct Movement<'a> {
    id: &'a str,
    from: Option<&'a str>,
    to: &'a str,
    amount: &'a str,
    fee: &'a str,
    at_ms: i64,
}

fn record_incoming(
    tx: &crate::store::Tx,
    network: &Network,
    movement: &Movement<'_>,
    asset: &AssetInfo,
    block: i64,
) -> Result<(), ApiError> {
    for wallet_id in Store::wallets_at(tx, network.name, movement.to)? {
        Store::insert_history_in(
            tx,
            &history_item(network, movement, asset, &wallet_id, "In", block),
        )?;
    }
    Ok(())
}

fn parse_stored(amount: &str) -> Result<u128, ApiError> {
    amount
        .parse()
        .map_err(|_| ApiError::internal(format!("stored amount {amount:?} is not a number")))
}

/// A history item as `GET /wallets/{id}/history` serves it.
fn history_item(
    network: &Network,
    movement: &Movement<'_>,
    asset: &AssetInfo,
    wallet_id: &str,
    direction: &str,
    block: i64,
) -> NewHistory {
    let kind = match (network.family, asset.kind) {
        (Family::Bitcoin, _) => "UtxoTransfer",
        (_, "Erc20") => "Erc20Transfer",
        (_, "Spl") => "SplTransfer",
        _ => "NativeTransfer",
    };
    let mut item = json!({
        "kind": kind,
        "walletId": wallet_id,
        "direction": direction,
        "network": network.name,
        "blockNumber": block,
        "txHash": tx_hash(network, movement.id),
        "timestamp": iso_from_ms(movement.at_ms),
        "value": movement.amount,
        "metadata": asset.metadata(network),
    });
    let fields = match kind {
        "UtxoTransfer" => {
            json!({ "froms": movement.from.into_iter().collect::<Vec<_>>(), "tos": [movement.to] })
        }
        "Erc20Transfer" => {
            json!({ "from": movement.from, "to": movement.to, "contract": asset.asset })
        }
        "SplTransfer" => json!({ "from": movement.from, "to": movement.to, "mint": asset.asset }),
        // Deprecated by Dfns in favour of metadata.asset, still required by the SDK types.
        _ => json!({
            "from": movement.from, "to": movement.to, "symbol": asset.symbol, "decimals": asset.decimals,
        }),
    };
    if let (Some(item), Some(fields)) = (item.as_object_mut(), fields.as_object()) {
        // A mint has no sender: the field is left out rather than null.
        item.extend(
            fields
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        if direction == "Out" {
            item.insert("fee".to_owned(), json!(movement.fee));
        }
    }
    NewHistory {
        wallet_id: wallet_id.to_owned(),
        direction: direction.to_owned(),
        kind: kind.to_owned(),
        contract: (!asset.asset.is_empty()).then(|| asset.asset.clone()),
        item: item.to_string(),
    }
}

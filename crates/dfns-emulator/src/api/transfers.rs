//! Transfers (§4.3): validated up front (kind for the network, addresses, amount, fee tier,
//! funds), idempotent by `externalId`, then moved along on the emulator's clock by the ledger.

use axum::Json;
use axum::extract::{Path, State};
use dfns_client::models::{
    PageQuery, RequestStatus, Requester, Transfer, TransferList, TransferRequest,
};
use serde_json::json;

use super::extract::{Caller, DfnsQuery, Signed};
use super::paging::PageRequest;
use super::wallets::{movable, network_of, readable};
use crate::chain::address::validate_address;
use crate::chain::fees::{Priority, TransferAsset, transfer_fee};
use crate::chain::{Family, Network};
use crate::clock::iso_from_ms;
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::ledger::{AssetInfo, asset_info, parse_amount, schedule, settle, status_at, tx_hash};
use crate::state::AppState;
use crate::store::{Store, TransferRow};

/// The transfer as Dfns serves it at `now_ms`.
pub fn to_model(row: &TransferRow, asset: &AssetInfo, network: &Network, now_ms: i64) -> Transfer {
    let status = status_at(row, now_ms);
    let on_chain = matches!(status, "Broadcasted" | "Confirmed");
    Transfer {
        id: row.id.clone(),
        wallet_id: row.wallet_id.clone(),
        network: row.network.clone(),
        requester: Requester { user_id: row.requester_id.clone(), token_id: row.token_id.clone() },
        request_body: serde_json::from_str(&row.request_body).unwrap_or_default(),
        metadata: asset.metadata(network),
        status: RequestStatus::from(status),
        reason: row.reason.clone(),
        tx_hash: on_chain.then(|| row.tx_hash.clone()),
        fee: Some(row.fee.clone()),
        date_requested: row.date_requested.clone(),
        date_broadcasted: on_chain.then(|| iso_from_ms(row.broadcast_at)),
        date_confirmed: (status == "Confirmed").then(|| iso_from_ms(row.confirm_at)),
        external_id: row.external_id.clone(),
    }
}

async fn served(state: &AppState, row: &TransferRow) -> ApiResult<Transfer> {
    let network = crate::chain::network(&row.network)
        .ok_or_else(|| ApiError::internal(format!("transfer {} on unknown network", row.id)))?;
    let asset = asset_info(&state.store, network, &row.asset).await?;
    Ok(to_model(row, &asset, network, state.now_ms()))
}

/// A request checked against the wallet's network.
struct Checked {
    asset: AssetInfo,
    to: String,
    amount: u128,
    fee: u128,
    external_id: Option<String>,
}

async fn check(
    state: &AppState,
    network: &'static Network,
    request: &TransferRequest,
) -> ApiResult<Checked> {
    let bad = |message: String| ApiError::bad_request(message);
    let not_on = |kind: &str| bad(format!("{kind} transfers are not possible on {}", network.name));
    let (asset, to, amount, priority, memo, external_id, fee_kind) = match request {
        TransferRequest::Native { to, amount, memo, priority, external_id } => (
            AssetInfo::native(network),
            to,
            amount,
            priority,
            memo,
            external_id,
            TransferAsset::Native,
        ),
        TransferRequest::Erc20 { contract, to, amount, priority, external_id } => {
            if network.family != Family::Evm {
                return Err(not_on("Erc20"));
            }
            let contract =
                validate_address(network, contract).map_err(|e| bad(format!("contract: {e}")))?;
            let asset = asset_info(&state.store, network, &contract).await?;
            (asset, to, amount, priority, &None, external_id, TransferAsset::Token)
        }
        TransferRequest::Spl { to, amount, mint, memo, external_id, .. } => {
            if network.family != Family::Solana {
                return Err(not_on("Spl"));
            }
            let mint = validate_address(network, mint).map_err(|e| bad(format!("mint: {e}")))?;
            let asset = asset_info(&state.store, network, &mint).await?;
            (asset, to, amount, &None, memo, external_id, TransferAsset::Token)
        }
    };
    if priority.is_some() && network.family == Family::Solana {
        return Err(bad(format!("priority is not supported on {}", network.name)));
    }
    if memo.is_some() && network.family != Family::Solana {
        return Err(bad(format!("memo is not supported on {}", network.name)));
    }
    let priority = Priority::parse(priority.as_deref()).map_err(bad)?;
    let to = validate_address(network, to).map_err(|e| bad(e.to_string()))?;
    let amount = parse_amount("amount", amount)?;
    Ok(Checked {
        fee: transfer_fee(network, fee_kind, priority),
        asset,
        to,
        amount,
        external_id: external_id.clone(),
    })
}

/// `POST /wallets/{walletId}/transfers` (user action).
pub async fn create(
    State(state): State<AppState>,
    Path(wallet_id): Path<String>,
    Signed { caller, body }: Signed<TransferRequest>,
) -> ApiResult<Json<Transfer>> {
    settle(&state).await?;
    let wallet = movable(&state, &caller, &wallet_id).await?;
    let network = network_of(&wallet)?;
    let checked = check(&state, network, &body).await?;
    let request_body = serde_json::to_string(&body).map_err(ApiError::internal)?;
    if let Some(external_id) = &checked.external_id
        && let Some(existing) = state.store.transfer_by_external_id(external_id).await?
    {
        return same_or_conflict(&state, &existing, &wallet.id, &request_body).await;
    }
    let now = state.now_ms();
    let (executing_at, broadcast_at, confirm_at) = schedule(now, state.confirm_after_ms);
    let id = new_id("xfr");
    let row = TransferRow {
        seq: 0,
        tx_hash: tx_hash(network, &id),
        id,
        wallet_id: wallet.id.clone(),
        network: network.name.to_owned(),
        requester_id: caller.user.id.clone(),
        token_id: Some(caller.claims.jti.clone()),
        request_body,
        asset: checked.asset.asset.clone(),
        asset_kind: checked.asset.kind.to_owned(),
        from_address: wallet.address.clone(),
        to_address: checked.to.clone(),
        amount: checked.amount.to_string(),
        fee: checked.fee.to_string(),
        status: "Pending".to_owned(),
        reason: None,
        external_id: checked.external_id.clone(),
        date_requested: iso_from_ms(now),
        executing_at,
        broadcast_at,
        confirm_at,
        settled: false,
    };
    if let Err(error) = debit_and_record(&state, &row, &checked).await {
        // Two requests racing with one externalId: the loser answers like a retry.
        if error.status.is_server_error()
            && let Some(external_id) = &checked.external_id
            && let Some(existing) = state.store.transfer_by_external_id(external_id).await?
        {
            return same_or_conflict(&state, &existing, &wallet.id, &row.request_body).await;
        }
        return Err(error);
    }
    tracing::info!(transfer = %row.id, wallet = %wallet.id, amount = %row.amount, "transfer accepted");
    settle(&state).await?;
    let row = state.store.transfer(&row.id).await?.unwrap_or(row);
    Ok(Json(to_model(&row, &checked.asset, network, state.now_ms())))
}

/// Takes amount and fee from the sender and stores the transfer, in one write transaction.
async fn debit_and_record(state: &AppState, row: &TransferRow, checked: &Checked) -> ApiResult<()> {
    let tx = state.store.begin_write().await?;
    let (network, from) = (row.network.as_str(), row.from_address.as_str());
    let native = Store::balance_in(&tx, network, from, "")?;
    let insufficient = |asset: &str, available: u128, required: u128| {
        ApiError::bad_request("Insufficient funds").with_details(json!({
            "asset": asset, "available": available.to_string(), "required": required.to_string(),
        }))
    };
    if checked.asset.asset.is_empty() {
        let required = checked
            .amount
            .checked_add(checked.fee)
            .ok_or_else(|| insufficient("native", native, u128::MAX))?;
        if native < required {
            return Err(insufficient("native", native, required));
        }
        Store::set_balance_in(&tx, network, from, "", native - required)?;
    } else {
        let token = Store::balance_in(&tx, network, from, &checked.asset.asset)?;
        if token < checked.amount {
            return Err(insufficient(&checked.asset.asset, token, checked.amount));
        }
        if native < checked.fee {
            return Err(insufficient("native (fee)", native, checked.fee));
        }
        Store::set_balance_in(&tx, network, from, &checked.asset.asset, token - checked.amount)?;
        Store::set_balance_in(&tx, network, from, "", native - checked.fee)?;
    }
    Store::insert_transfer_in(&tx, row)?;
    tx.commit().await?;
    state.store.note_transfer_step(row.executing_at);
    Ok(())
}

/// The same `externalId`: the same wallet and body get the original back, anything else 409.
async fn same_or_conflict(
    state: &AppState,
    existing: &TransferRow,
    wallet_id: &str,
    request_body: &str,
) -> ApiResult<Json<Transfer>> {
    let same = existing.wallet_id == wallet_id
        && serde_json::from_str::<serde_json::Value>(&existing.request_body).ok()
            == serde_json::from_str::<serde_json::Value>(request_body).ok();
    if same {
        return Ok(Json(served(state, existing).await?));
    }
    Err(ApiError::conflict("Conflicting transfer with same externalId").with_details(json!({
        "duplicate": { "id": existing.id, "externalId": existing.external_id }
    })))
}

/// `GET /wallets/{walletId}/transfers`, newest first.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(wallet_id): Path<String>,
    DfnsQuery(query): DfnsQuery<PageQuery>,
) -> ApiResult<Json<TransferList>> {
    settle(&state).await?;
    let wallet = readable(&state, &caller, &wallet_id).await?;
    let page = PageRequest::parse(query.limit, query.pagination_token.as_deref())?;
    let rows = state.store.transfers_page(&wallet.id, page.before_seq, page.fetch()).await?;
    let (rows, next_page_token) = page.finish(rows, |row| row.seq);
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(served(&state, row).await?);
    }
    Ok(Json(TransferList { wallet_id: wallet.id, items, next_page_token }))
}

/// `GET /wallets/{walletId}/transfers/{transferId}`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((wallet_id, transfer_id)): Path<(String, String)>,
) -> ApiResult<Json<Transfer>> {
    settle(&state).await?;
    let wallet = readable(&state, &caller, &wallet_id).await?;
    let row = state
        .store
        .transfer(&transfer_id)
        .await?
        .filter(|row| row.wallet_id == wallet.id)
        .ok_or_else(|| {
            ApiError::not_found("Transfer not found")
                .with_details(json!({ "transferId": transfer_id }))
        })?;
    Ok(Json(served(&state, &row).await?))
}

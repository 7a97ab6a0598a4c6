//! Wallets (§4.1, §4.2): create (delegated, idempotent by `externalId`), list, get, assets,
//! history. An end user sees only the wallets delegated to them; the service account sees all
//! and can move none of the delegated ones.

use axum::Json;
use axum::extract::{Path, State};
use dfns_client::models::{
    Asset, AssetKind, CreateWalletRequest, HistoryItem, HistoryQuery, ListWalletsQuery, Page,
    SigningKey, Wallet, WalletAssets, WalletHistory, WalletSpec, WalletStatus,
};
use serde::Deserialize;

use super::extract::{Caller, DfnsQuery, Signed};
use super::paging::PageRequest;
use crate::chain::keys::KeyPair;
use crate::chain::{Network, address::address};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::ledger::{asset_info, settle};
use crate::state::AppState;
use crate::store::{HistoryFilter, KeyRow, UserRow, WalletRow};

/// The wallet as Dfns serves it.
pub fn to_model(row: &WalletRow) -> ApiResult<Wallet> {
    let network = network_of(row)?;
    Ok(Wallet {
        id: row.id.clone(),
        network: row.network.clone(),
        address: Some(row.address.clone()),
        signing_key: SigningKey {
            id: row.key_id.clone(),
            scheme: network.curve().scheme().to_owned(),
            curve: network.curve().name().to_owned(),
            public_key: row.public_key.clone(),
            delegated_to: row.owner_id.clone(),
        },
        status: WalletStatus::from(row.status.as_str()),
        date_created: row.date_created.clone(),
        name: row.name.clone(),
        custodial: row.owner_id.is_none(),
        external_id: row.external_id.clone(),
        tags: serde_json::from_str(&row.tags).unwrap_or_default(),
    })
}

pub fn network_of(row: &WalletRow) -> ApiResult<&'static Network> {
    crate::chain::network(&row.network).ok_or_else(|| {
        ApiError::internal(format!("wallet {} is on unknown network {}", row.id, row.network))
    })
}

/// A network the emulator runs, or the contract's 400.
pub fn supported_network(name: &str) -> ApiResult<&'static Network> {
    crate::chain::network(name).ok_or_else(|| {
        let known: Vec<_> = crate::chain::networks::networks().iter().map(|n| n.name).collect();
        ApiError::bad_request(format!("Network {name} is not supported"))
            .with_details(serde_json::json!({ "supportedNetworks": known }))
    })
}

/// A wallet the caller may read: theirs, or any for the service account. Others are 404.
pub async fn readable(state: &AppState, caller: &Caller, wallet_id: &str) -> ApiResult<WalletRow> {
    let not_found = || {
        ApiError::not_found("Wallet not found")
            .with_details(serde_json::json!({ "walletId": wallet_id }))
    };
    let wallet = state.store.wallet(wallet_id).await?.ok_or_else(not_found)?;
    if caller.is_service_account() || wallet.owner_id.as_deref() == Some(caller.user.id.as_str()) {
        Ok(wallet)
    } else {
        Err(not_found())
    }
}

/// A wallet the caller may move funds from or sign with: an end user's own, or the service
/// account's custodial ones. A delegated wallet is out of the service account's reach.
pub async fn movable(state: &AppState, caller: &Caller, wallet_id: &str) -> ApiResult<WalletRow> {
    let wallet = readable(state, caller, wallet_id).await?;
    if caller.is_service_account() && wallet.owner_id.is_some() {
        return Err(ApiError::forbidden(format!(
            "Wallet {wallet_id} is delegated to an end user: only they can move its funds or sign with it"
        )));
    }
    if wallet.status != "Active" {
        return Err(ApiError::bad_request(format!("Wallet {wallet_id} is {}", wallet.status)));
    }
    Ok(wallet)
}

/// `POST /wallets` (user action).
pub async fn create(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<CreateWalletRequest>,
) -> ApiResult<Json<Wallet>> {
    let owner = match (&body.delegate_to, caller.is_service_account()) {
        (Some(user_id), true) => Some(delegate(&state, user_id).await?),
        (None, true) => None,
        // End users' wallets are theirs; naming anyone else is refused.
        (Some(user_id), false) if *user_id != caller.user.id => {
            return Err(ApiError::forbidden("End users can only create wallets for themselves"));
        }
        (_, false) => Some(caller.user.clone()),
    };
    let network = supported_network(&body.network)?;
    let request_body = serde_json::to_string(&body).map_err(ApiError::internal)?;
    if let Some(external_id) = &body.external_id
        && let Some(existing) = state.store.wallet_by_external_id(external_id).await?
    {
        return same_or_conflict(&existing, &request_body, &caller, external_id);
    }
    let wallet =
        create_wallet(&state, &caller.user, owner.as_ref(), network, &body, request_body).await;
    match wallet {
        Ok(wallet) => Ok(Json(to_model(&wallet)?)),
        // Two racing creations with one externalId: the loser answers like a retry.
        Err(error) => match &body.external_id {
            Some(external_id) => match state.store.wallet_by_external_id(external_id).await? {
                Some(existing) => {
                    let request_body = serde_json::to_string(&body).map_err(ApiError::internal)?;
                    same_or_conflict(&existing, &request_body, &caller, external_id)
                }
                None => Err(error),
            },
            None => Err(error),
        },
    }
}

fn same_or_conflict(
    existing: &WalletRow,
    request_body: &str,
    caller: &Caller,
    external_id: &str,
) -> ApiResult<Json<Wallet>> {
    let same_body = serde_json::from_str::<serde_json::Value>(&existing.request_body).ok()
        == serde_json::from_str::<serde_json::Value>(request_body).ok();
    if same_body && existing.created_by == caller.user.id {
        return Ok(Json(to_model(existing)?));
    }
    Err(ApiError::conflict("Conflicting wallet with same externalId").with_details(
        serde_json::json!({
            "duplicate": { "id": existing.id, "externalId": external_id }
        }),
    ))
}

async fn delegate(state: &AppState, user_id: &str) -> ApiResult<UserRow> {
    state
        .store
        .user(user_id)
        .await?
        .filter(|user| user.kind == "EndUser" && user.is_registered)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "delegateTo {user_id} is not a registered end user of this org"
            ))
        })
}

/// Makes the key and the wallet. Used by `POST /wallets` and end-user registration.
pub async fn create_wallet(
    state: &AppState,
    creator: &UserRow,
    owner: Option<&UserRow>,
    network: &'static Network,
    body: &CreateWalletRequest,
    request_body: String,
) -> ApiResult<WalletRow> {
    let key = KeyPair::generate(network.curve());
    // The key was just generated on the network's curve, so the network has an address for it.
    let address = address(network, &key.public_key_bytes())
        .expect("a key generated for a network has an address there");
    let now = state.clock.now_iso();
    let key_row = KeyRow {
        id: new_id("key"),
        curve: network.curve().name().to_owned(),
        public_key: key.public_key_hex(),
        sealed: state.vault.seal(&key),
        delegated_to: owner.map(|user| user.id.clone()),
        date_created: now.clone(),
    };
    let wallet = WalletRow {
        seq: 0,
        id: new_id("wa"),
        network: network.name.to_owned(),
        address,
        key_id: key_row.id.clone(),
        status: "Active".to_owned(),
        name: body.name.clone(),
        tags: serde_json::to_string(&body.tags.clone().unwrap_or_default())
            .map_err(ApiError::internal)?,
        owner_id: owner.map(|user| user.id.clone()),
        created_by: creator.id.clone(),
        external_id: body.external_id.clone(),
        request_body,
        date_created: now,
        curve: key_row.curve.clone(),
        public_key: key_row.public_key.clone(),
    };
    state.store.insert_wallet(&key_row, &wallet).await?;
    tracing::info!(wallet = %wallet.id, network = network.name, owner = ?wallet.owner_id, "wallet created");
    if state.fund_new_wallets {
        let coin = crate::ledger::AssetInfo::native(network);
        let one = 10u128.pow(u32::from(network.native_decimals));
        crate::ledger::mint(state, network, None, &wallet.address, &coin, one).await?;
    }
    Ok(wallet)
}

/// The wallets of a new end user (`POST /auth/registration/enduser`).
pub async fn create_for_new_user(
    state: &AppState,
    user: &UserRow,
    specs: &[WalletSpec],
) -> ApiResult<Vec<Wallet>> {
    let mut wallets = Vec::with_capacity(specs.len());
    for spec in specs {
        let network = supported_network(&spec.network)?;
        let body = CreateWalletRequest {
            network: spec.network.clone(),
            name: spec.name.clone(),
            ..Default::default()
        };
        let request_body = serde_json::to_string(&body).map_err(ApiError::internal)?;
        let row = create_wallet(state, user, Some(user), network, &body, request_body).await?;
        wallets.push(to_model(&row)?);
    }
    Ok(wallets)
}

/// `GET /wallets`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    DfnsQuery(query): DfnsQuery<ListWalletsQuery>,
) -> ApiResult<Json<Page<Wallet>>> {
    let page = PageRequest::parse(query.limit, query.pagination_token.as_deref())?;
    let owner = if caller.is_service_account() {
        match &query.owner {
            // `owner` is a user id or a username.
            Some(owner) => match state.store.user(owner).await? {
                Some(user) => Some(user.id),
                None => Some(
                    state
                        .store
                        .user_by_username(owner)
                        .await?
                        .map_or_else(|| owner.clone(), |u| u.id),
                ),
            },
            None => None,
        }
    } else {
        Some(caller.user.id.clone())
    };
    let rows = state.store.wallets_page(owner.as_deref(), page.before_seq, page.fetch()).await?;
    let (rows, next_page_token) = page.finish(rows, |row| row.seq);
    let items = rows.iter().map(to_model).collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(Page { items, next_page_token }))
}

/// `GET /wallets/{walletId}`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(wallet_id): Path<String>,
) -> ApiResult<Json<Wallet>> {
    Ok(Json(to_model(&readable(&state, &caller, &wallet_id).await?)?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssetsQuery {
    #[serde(default)]
    net_worth: Option<bool>,
}

/// `GET /wallets/{walletId}/assets`.
pub async fn assets(
    State(state): State<AppState>,
    caller: Caller,
    Path(wallet_id): Path<String>,
    DfnsQuery(query): DfnsQuery<AssetsQuery>,
) -> ApiResult<Json<WalletAssets>> {
    settle(&state).await?;
    let wallet = readable(&state, &caller, &wallet_id).await?;
    let network = network_of(&wallet)?;
    let balances = state.store.balances(network.name, &wallet.address).await?;
    let mut assets = Vec::new();
    // The native coin is always listed, even at zero.
    if !balances.iter().any(|(asset, _)| asset.is_empty()) {
        assets.push(asset_entry(
            &crate::ledger::AssetInfo::native(network),
            network,
            "0".to_owned(),
        ));
    }
    for (asset, amount) in balances {
        let info = asset_info(&state.store, network, &asset).await?;
        assets.push(asset_entry(&info, network, amount));
    }
    let net_worth = query.net_worth.unwrap_or(false).then(|| {
        let usd: f64 = assets
            .iter()
            .filter_map(|asset| {
                let quote = asset.quotes.as_ref()?.get("USD")?;
                let units =
                    asset.balance.parse::<f64>().ok()? / 10f64.powi(i32::from(asset.decimals));
                Some(units * quote)
            })
            .sum();
        dfns_client::models::Quotes::from([("USD".to_owned(), usd)])
    });
    Ok(Json(WalletAssets { wallet_id: wallet.id, network: wallet.network, assets, net_worth }))
}

fn asset_entry(info: &crate::ledger::AssetInfo, network: &Network, balance: String) -> Asset {
    let (contract, mint) = match info.kind {
        "Erc20" => (Some(info.asset.clone()), None),
        "Spl" => (None, Some(info.asset.clone())),
        _ => (None, None),
    };
    Asset {
        kind: AssetKind::from(info.kind),
        contract,
        mint,
        symbol: info.symbol.clone(),
        decimals: info.decimals,
        verified: Some(info.verified),
        balance,
        quotes: info.quotes(network),
    }
}

/// `GET /wallets/{walletId}/history`: confirmed movements, newest first.
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(wallet_id): Path<String>,
    DfnsQuery(query): DfnsQuery<HistoryQuery>,
) -> ApiResult<Json<WalletHistory>> {
    settle(&state).await?;
    let wallet = readable(&state, &caller, &wallet_id).await?;
    if let Some(direction) = &query.direction
        && direction != "In"
        && direction != "Out"
    {
        return Err(ApiError::bad_request("direction must be In or Out"));
    }
    let page = PageRequest::parse(query.limit, query.pagination_token.as_deref())?;
    let filter =
        HistoryFilter { direction: query.direction, kind: query.kind, contract: query.contract };
    let rows = state.store.history_page(&wallet.id, &filter, page.before_seq, page.fetch()).await?;
    let (rows, next_page_token) = page.finish(rows, |(seq, _)| *seq);
    let items = rows
        .iter()
        .map(|(_, item)| serde_json::from_str::<HistoryItem>(item).map_err(ApiError::internal))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(WalletHistory {
        wallet_id: wallet.id,
        network: wallet.network,
        items,
        next_page_token,
    }))
}

//! `GET /networks/fees` and the emulator's own faucet.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{Caller, DfnsJson, DfnsQuery};
use super::wallets::supported_network;
use crate::chain::Family;
use crate::chain::address::validate_address;
use crate::chain::fees::fee_estimate;
use crate::error::{ApiError, ApiResult};
use crate::ledger::{AssetInfo, asset_info, mint, parse_amount};
use crate::state::AppState;
use crate::store::TokenRow;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeesQuery {
    network: String,
}

/// `GET /networks/fees?network=`.
pub async fn fees(
    State(state): State<AppState>,
    _caller: Caller,
    DfnsQuery(query): DfnsQuery<FeesQuery>,
) -> ApiResult<Json<Value>> {
    let network = supported_network(&query.network)?;
    let block = state.store.block_number(network.name).await?;
    Ok(Json(fee_estimate(network, u64::try_from(block).unwrap_or_default())))
}

/// `POST /_emulator/faucet` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaucetRequest {
    network: String,
    address: String,
    amount: String,
    /// `Native` (default), `Erc20` or `Spl`.
    #[serde(default)]
    kind: Option<String>,
    /// Erc20 contract.
    #[serde(default)]
    contract: Option<String>,
    /// Spl mint.
    #[serde(default)]
    mint: Option<String>,
    /// Token ticker, recorded the first time a token is minted.
    #[serde(default)]
    symbol: Option<String>,
    /// Token decimals, recorded the first time a token is minted.
    #[serde(default)]
    decimals: Option<u8>,
    /// The sender the credit appears to come from (e.g. a poisoner's look-alike address).
    #[serde(default)]
    from: Option<String>,
}

/// `POST /_emulator/faucet`: credits an address; refused unless started with `--emulator-api`.
pub async fn faucet(
    State(state): State<AppState>,
    DfnsJson(body): DfnsJson<FaucetRequest>,
) -> ApiResult<Json<Value>> {
    if !state.emulator_api {
        return Err(ApiError::forbidden(
            "The faucet is off: start the emulator with --emulator-api",
        ));
    }
    let network = supported_network(&body.network)?;
    let bad = |message: String| ApiError::bad_request(message);
    let address = validate_address(network, &body.address).map_err(|e| bad(e.to_string()))?;
    let amount = parse_amount("amount", &body.amount)?;
    let from = body
        .from
        .as_deref()
        .map(|from| validate_address(network, from).map_err(|e| bad(format!("from: {e}"))))
        .transpose()?;
    let token = match (body.kind.as_deref().unwrap_or("Native"), network.family) {
        ("Native", _) => None,
        ("Erc20", Family::Evm) => Some((
            "Erc20",
            body.contract.as_deref().ok_or_else(|| bad("Erc20 needs contract".into()))?,
        )),
        ("Spl", Family::Solana) => {
            Some(("Spl", body.mint.as_deref().ok_or_else(|| bad("Spl needs mint".into()))?))
        }
        (kind, _) => return Err(bad(format!("the faucet cannot mint {kind} on {}", network.name))),
    };
    let asset = match token {
        None => AssetInfo::native(network),
        Some((kind, token)) => {
            let token =
                validate_address(network, token).map_err(|e| bad(format!("{kind} token: {e}")))?;
            if let Some(decimals) = body.decimals {
                if decimals > 36 {
                    return Err(bad("decimals must be at most 36".into()));
                }
                let row = TokenRow {
                    network: network.name.to_owned(),
                    address: token.clone(),
                    kind: kind.to_owned(),
                    symbol: body.symbol.clone(),
                    decimals: i64::from(decimals),
                    verified: false,
                };
                state.store.put_token(&row).await?;
            }
            asset_info(&state.store, network, &token).await?
        }
    };
    let (tx_hash, balance) =
        mint(&state, network, from.as_deref(), &address, &asset, amount).await?;
    Ok(Json(json!({
        "network": network.name,
        "address": address,
        "kind": asset.kind,
        "amount": amount.to_string(),
        "balance": balance.to_string(),
        "txHash": tx_hash,
    })))
}

//! Signatures (§4.4) through a wallet or, as Dfns now prefers, through its key. The key is
//! unsealed only for the signature and never leaves the emulator.

use axum::Json;
use axum::extract::{Path, State};
use dfns_client::models::{
    PageQuery, RequestStatus, Requester, Signature, SignatureList, SignatureParts,
};
use serde_json::{Value, json};

use super::extract::{Caller, DfnsQuery, Signed};
use super::paging::PageRequest;
use super::wallets::{movable, network_of, readable};
use crate::chain::Family;
use crate::chain::sign::{SignatureRequest, sign};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::state::AppState;
use crate::store::{KeyRow, SignatureRow};

/// `POST /wallets/{walletId}/signatures` (user action).
pub async fn create_for_wallet(
    State(state): State<AppState>,
    Path(wallet_id): Path<String>,
    Signed { caller, body }: Signed<Value>,
) -> ApiResult<Json<Signature>> {
    let wallet = movable(&state, &caller, &wallet_id).await?;
    let network = network_of(&wallet)?;
    let key = key_row(&state, &wallet.key_id).await?;
    let path = format!("/wallets/{}/signatures", wallet.id);
    let target = Target {
        key,
        wallet_id: Some(wallet.id),
        network: Some(network.name),
        family: network.family,
    };
    Ok(Json(create(&state, &caller, target, &path, body).await?))
}

/// `POST /keys/{keyId}/signatures` (user action): `blockchainKind` says how to read the payload.
pub async fn create_for_key(
    State(state): State<AppState>,
    Path(key_id): Path<String>,
    Signed { caller, body }: Signed<Value>,
) -> ApiResult<Json<Signature>> {
    let key = usable_key(&state, &caller, &key_id).await?;
    let family = match body.get("blockchainKind").and_then(Value::as_str) {
        Some("Evm") => Family::Evm,
        Some("Bitcoin") => Family::Bitcoin,
        Some("Solana") => Family::Solana,
        Some(other) => {
            return Err(ApiError::bad_request(format!("blockchainKind {other} is not supported")));
        }
        None => {
            return Err(ApiError::bad_request(
                "blockchainKind is required when signing with a key",
            ));
        }
    };
    let curve = match family {
        Family::Evm | Family::Bitcoin => "secp256k1",
        Family::Solana => "ed25519",
    };
    if key.curve != curve {
        return Err(ApiError::bad_request(format!(
            "Key {key_id} is {} and cannot sign for {family:?}",
            key.curve
        )));
    }
    let path = format!("/keys/{key_id}/signatures");
    let network =
        body.get("network").and_then(Value::as_str).and_then(crate::chain::network).map(|n| n.name);
    let target = Target { key, wallet_id: None, network, family };
    Ok(Json(create(&state, &caller, target, &path, body).await?))
}

struct Target {
    key: KeyRow,
    wallet_id: Option<String>,
    network: Option<&'static str>,
    family: Family,
}

async fn create(
    state: &AppState,
    caller: &Caller,
    target: Target,
    path: &str,
    body: Value,
) -> ApiResult<Signature> {
    let request = SignatureRequest::parse(target.family, &body)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    let external_id = match body.get("externalId") {
        Some(Value::String(id)) => Some(id.clone()),
        None | Some(Value::Null) => None,
        Some(_) => return Err(ApiError::bad_request("externalId must be a string")),
    };
    if let Some(external_id) = &external_id
        && let Some(existing) = state.store.signature_by_external_id(external_id).await?
    {
        return same_or_conflict(&existing, path, &body, external_id);
    }
    let key = state.vault.open(&target.key.sealed).map_err(ApiError::internal)?;
    let output = sign(&key, &request);
    let now = state.clock.now_iso();
    let signature = Signature {
        id: new_id("sig"),
        key_id: target.key.id.clone(),
        wallet_id: target.wallet_id.clone(),
        network: target.network.map(str::to_owned),
        requester: Requester {
            user_id: caller.user.id.clone(),
            token_id: Some(caller.claims.jti.clone()),
        },
        request_body: body,
        status: RequestStatus::Signed,
        reason: None,
        signature: Some(SignatureParts {
            r: output.r,
            s: output.s,
            recid: output.recid,
            encoded: Some(output.encoded),
        }),
        date_requested: now.clone(),
        date_signed: Some(now),
        external_id: external_id.clone(),
    };
    let row = SignatureRow {
        seq: 0,
        id: signature.id.clone(),
        key_id: target.key.id,
        wallet_id: target.wallet_id,
        external_id,
        request_path: path.to_owned(),
        body: serde_json::to_string(&signature).map_err(ApiError::internal)?,
    };
    if let Err(error) = state.store.insert_signature(&row).await {
        // Two requests racing with one externalId: the loser answers like a retry.
        if let Some(external_id) = &row.external_id
            && let Some(existing) = state.store.signature_by_external_id(external_id).await?
        {
            return same_or_conflict(&existing, path, &signature.request_body, external_id);
        }
        return Err(error.into());
    }
    tracing::info!(signature = %signature.id, kind = request.kind(), "signed");
    Ok(signature)
}

/// The same `externalId`: the same path and body get the original back, anything else 409.
fn same_or_conflict(
    existing: &SignatureRow,
    path: &str,
    body: &Value,
    external_id: &str,
) -> ApiResult<Signature> {
    let original: Signature = serde_json::from_str(&existing.body).map_err(ApiError::internal)?;
    if existing.request_path == path && original.request_body == *body {
        return Ok(original);
    }
    Err(ApiError::conflict("Conflicting signature with same externalId").with_details(json!({
        "duplicate": { "id": existing.id, "externalId": external_id }
    })))
}

async fn key_row(state: &AppState, key_id: &str) -> ApiResult<KeyRow> {
    state.store.key(key_id).await?.ok_or_else(|| {
        ApiError::not_found("Key not found").with_details(json!({ "keyId": key_id }))
    })
}

/// A key the caller may read: delegated to them, or any for the service account.
async fn readable_key(state: &AppState, caller: &Caller, key_id: &str) -> ApiResult<KeyRow> {
    let key = key_row(state, key_id).await?;
    if caller.is_service_account() || key.delegated_to.as_deref() == Some(caller.user.id.as_str()) {
        Ok(key)
    } else {
        Err(ApiError::not_found("Key not found").with_details(json!({ "keyId": key_id })))
    }
}

/// A key the caller may sign with: delegated ones only by their end user.
async fn usable_key(state: &AppState, caller: &Caller, key_id: &str) -> ApiResult<KeyRow> {
    let key = readable_key(state, caller, key_id).await?;
    if caller.is_service_account() && key.delegated_to.is_some() {
        return Err(ApiError::forbidden(format!(
            "Key {key_id} is delegated to an end user: only they can sign with it"
        )));
    }
    Ok(key)
}

async fn page(state: &AppState, key_id: &str, query: &PageQuery) -> ApiResult<SignatureList> {
    let page = PageRequest::parse(query.limit, query.pagination_token.as_deref())?;
    let rows = state.store.signatures_page(key_id, page.before_seq, page.fetch()).await?;
    let (rows, next_page_token) = page.finish(rows, |row| row.seq);
    let items = rows
        .iter()
        .map(|row| serde_json::from_str(&row.body).map_err(ApiError::internal))
        .collect::<ApiResult<Vec<Signature>>>()?;
    Ok(SignatureList { key_id: key_id.to_owned(), items, next_page_token })
}

/// `GET /wallets/{walletId}/signatures`.
pub async fn list_for_wallet(
    State(state): State<AppState>,
    caller: Caller,
    Path(wallet_id): Path<String>,
    DfnsQuery(query): DfnsQuery<PageQuery>,
) -> ApiResult<Json<SignatureList>> {
    let wallet = readable(&state, &caller, &wallet_id).await?;
    // A wallet's signatures are its key's, whichever endpoint asked for them.
    Ok(Json(page(&state, &wallet.key_id, &query).await?))
}

/// `GET /keys/{keyId}/signatures`.
pub async fn list_for_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(key_id): Path<String>,
    DfnsQuery(query): DfnsQuery<PageQuery>,
) -> ApiResult<Json<SignatureList>> {
    let key = readable_key(&state, &caller, &key_id).await?;
    Ok(Json(page(&state, &key.id, &query).await?))
}

/// `GET /wallets/{walletId}/signatures/{signatureId}`.
pub async fn get_for_wallet(
    State(state): State<AppState>,
    caller: Caller,
    Path((wallet_id, signature_id)): Path<(String, String)>,
) -> ApiResult<Json<Signature>> {
    let wallet = readable(&state, &caller, &wallet_id).await?;
    one(&state, &signature_id, |row| row.key_id == wallet.key_id).await
}

/// `GET /keys/{keyId}/signatures/{signatureId}`.
pub async fn get_for_key(
    State(state): State<AppState>,
    caller: Caller,
    Path((key_id, signature_id)): Path<(String, String)>,
) -> ApiResult<Json<Signature>> {
    let key = readable_key(&state, &caller, &key_id).await?;
    one(&state, &signature_id, |row| row.key_id == key.id).await
}

async fn one(
    state: &AppState,
    id: &str,
    belongs: impl Fn(&SignatureRow) -> bool,
) -> ApiResult<Json<Signature>> {
    let row = state.store.signature(id).await?.filter(|row| belongs(row)).ok_or_else(|| {
        ApiError::not_found("Signature not found").with_details(json!({ "signatureId": id }))
    })?;
    Ok(Json(serde_json::from_str(&row.body).map_err(ApiError::internal)?))
}

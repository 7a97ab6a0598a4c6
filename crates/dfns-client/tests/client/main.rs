//! The client against small mock servers on loopback: the user-action dance, exact bytes,
//! errors kept apart, retries only where safe, and the base URL seam.

mod every_response;
mod mock;
mod recovery_kit;
mod responses;
mod retry_after;

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use dfns_client::keys::{KeyAlgorithm, PrivateKey, PublicKey};
use dfns_client::models::{
    DelegatedLoginRequest, FactorAssertion, RecoverRequest, SendRecoveryCodeRequest,
    SignedChallenge, UserActionInitRequest,
};
use dfns_client::{
    ClientConfig, CredentialSigner, DelegatedClient, Error, KeySigner, PublicClient, Secret,
    ServiceAccountClient, SignerError,
};
use serde_json::{Value, json};

use mock::Mock;

fn challenge_for(cred_id: &str) -> Value {
    json!({
        "challenge": "a-challenge",
        "challengeIdentifier": "an-identifier",
        "supportedCredentialKinds": [{"kind": "Key", "factor": "first", "requiresSecondFactor": false}],
        "userVerification": "required",
        "allowCredentials": {"key": [{"type": "public-key", "id": cred_id}], "webauthn": []},
        "someFutureField": {"ignored": true},
    })
}

#[tokio::test]
async fn the_service_account_signs_every_write_with_its_key() {
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    let public = key.public_key();
    let mock = Mock::new();
    let router = axum::Router::new()
        .route(
            "/auth/action/init",
            post(|Json(_): Json<Value>| async { Json(challenge_for("sa-cred")) }),
        )
        .route(
            "/auth/action",
            post(move |Json(body): Json<SignedChallenge>| {
                let public = public.clone();
                async move { Json(answer_action(&public, &body)) }
            }),
        )
        .route("/auth/login/delegated", post(|| async { Json(json!({"token": "eu-token"})) }));
    let base = mock.serve(router).await;
    let signer = KeySigner::new("sa-cred", key);
    let config = ClientConfig::new(&base).expect("url");
    let client = ServiceAccountClient::new(config, Secret::new("sa-token"), Arc::new(signer))
        .expect("client");

    let login = client
        .delegated_login(&DelegatedLoginRequest { username: "ada@example.com".to_owned() })
        .await
        .expect("logged in");
    assert_eq!(login.token.expose(), "eu-token");

    let requests = mock.requests();
    let paths: Vec<_> = requests.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(
        paths,
        [
            ("POST", "/auth/action/init"),
            ("POST", "/auth/action"),
            ("POST", "/auth/login/delegated")
        ]
    );
    assert!(requests.iter().all(|r| r.authorization.as_deref() == Some("Bearer sa-token")));
    let init: UserActionInitRequest = serde_json::from_str(&requests[0].body).expect("init body");
    assert_eq!(init.user_action_http_method, "POST");
    assert_eq!(init.user_action_http_path, "/auth/login/delegated");
    assert_eq!(init.user_action_payload, requests[2].body, "the signed bytes are the sent bytes");
    assert_eq!(requests[2].user_action.as_deref(), Some("user-action-token"));
    assert_eq!(requests[0].user_action, None);
}

/// What `/auth/action` checks in this mock: the Key assertion really signs the challenge.
fn answer_action(public: &PublicKey, body: &SignedChallenge) -> Value {
    use base64::Engine as _;
    let FactorAssertion::Key { credential_assertion } = &body.first_factor else {
        return json!({"error": "not a key"});
    };
    let decode = |value: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value).expect("b64url")
    };
    let client_data = decode(&credential_assertion.client_data);
    let parsed: Value = serde_json::from_slice(&client_data).expect("client data");
    assert_eq!(parsed, json!({"type": "key.get", "challenge": "a-challenge"}));
    public
        .verify(&client_data, &decode(&credential_assertion.signature))
        .expect("a valid signature");
    assert_eq!(body.challenge_identifier, "an-identifier");
    json!({"userAction": "user-action-token"})
}

#[tokio::test]
async fn a_delegated_write_completes_with_the_bytes_that_were_signed() {
    let mock = Mock::new();
    let router = axum::Router::new()
        .route("/auth/action/init", post(|| async { Json(challenge_for("user-cred")) }))
        .route("/auth/action", post(|| async { Json(json!({"userAction": "ua"})) }))
        .route(
            "/auth/credentials/deactivate",
            put(|| async { Json(json!({"message": "Credential deactivated"})) }),
        );
    let base = mock.serve(router).await;
    let client = DelegatedClient::new(ClientConfig::new(&base).expect("url"), Secret::new("eu"))
        .expect("client");

    let pending = client.deactivate_credential_init("cr-1").await.expect("init");
    assert_eq!(pending.body(), r#"{"credentialUuid":"cr-1"}"#);
    assert_eq!(pending.challenge().challenge, "a-challenge");
    let signed = SignedChallenge {
        challenge_identifier: pending.challenge().challenge_identifier.clone(),
        first_factor: FactorAssertion::Key {
            credential_assertion: KeySigner::new(
                "user-cred",
                PrivateKey::generate(KeyAlgorithm::Ed25519),
            )
            .assert("a-challenge"),
        },
        second_factor: None,
    };
    let done = client.complete(pending, &signed).await.expect("completed");
    assert_eq!(done.message, "Credential deactivated");

    let requests = mock.requests();
    let init: UserActionInitRequest = serde_json::from_str(&requests[0].body).expect("init body");
    assert_eq!(init.user_action_http_method, "PUT");
    assert_eq!(init.user_action_http_path, "/auth/credentials/deactivate");
    assert_eq!(requests[2].method, "PUT");
    assert_eq!(requests[2].body, init.user_action_payload);
    assert_eq!(requests[2].user_action.as_deref(), Some("ua"));
}

#[tokio::test]
async fn a_dfns_error_keeps_its_status_id_message_and_details() {
    let mock = Mock::new();
    let router = axum::Router::new().route(
        "/auth/credentials",
        get(|| async {
            let body = json!({"error": {"id": "e-1", "status": 404, "message": "not here", "details": {"k": 1}}});
            (StatusCode::NOT_FOUND, Json(body))
        }),
    );
    let client = DelegatedClient::new(
        ClientConfig::new(&mock.serve(router).await).expect("url"),
        Secret::new("t"),
    )
    .expect("client");
    let error = client.list_credentials().await.expect_err("a 404");
    let api = error.api().expect("a Dfns error");
    assert_eq!(
        (api.status, api.id.as_deref(), api.message.as_str()),
        (404, Some("e-1"), "not here")
    );
    assert_eq!(api.details, Some(json!({"k": 1})));
    assert_eq!(error.to_string(), "Dfns answered 404: not here");
}

#[tokio::test]
async fn older_error_shapes_and_plain_text_are_read() {
    for (body, expected) in [
        (r#"{"error":{"message":"old shape"}}"#, "old shape"),
        (r#"{"message":"flat shape"}"#, "flat shape"),
        ("Bad Gateway from a proxy", "Bad Gateway from a proxy"),
    ] {
        let mock = Mock::new();
        let router = axum::Router::new().route(
            "/auth/credentials",
            get(move || async move { (StatusCode::BAD_REQUEST, body) }),
        );
        let config = ClientConfig::new(&mock.serve(router).await).expect("url");
        let client = DelegatedClient::new(config, Secret::new("t")).expect("client");
        let error = client.list_credentials().await.expect_err("a 400");
        assert_eq!(error.api().map(|e| e.message.as_str()), Some(expected));
        assert_eq!(error.status(), Some(400));
    }
}

#[tokio::test]
async fn an_answer_that_is_not_the_contract_is_a_decode_error() {
    let mock = Mock::new();
    let router = axum::Router::new()
        .route("/auth/credentials", get(|| async { Json(json!({"items": "not a list"})) }));
    let client = DelegatedClient::new(
        ClientConfig::new(&mock.serve(router).await).expect("url"),
        Secret::new("t"),
    )
    .expect("client");
    let error = client.list_credentials().await.expect_err("undecodable");
    assert!(matches!(error, Error::Decode { status: 200, .. }), "{error:?}");
}

#[tokio::test]
async fn a_server_that_does_not_answer_is_a_transport_error() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let config = ClientConfig::new(&format!("http://{address}")).expect("url").with_max_retries(0);
    let client = DelegatedClient::new(config, Secret::new("t")).expect("client");
    let error = client.list_credentials().await.expect_err("nothing listens");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn reads_are_retried_when_dfns_is_busy_and_writes_never_are() {
    let mock = Mock::new();
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let router = axum::Router::new()
        .route(
            "/auth/credentials",
            get(move || {
                let hits = hits.clone();
                async move {
                    if hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            Json(json!({"error": {"message": "busy"}})),
                        )
                    } else {
                        (StatusCode::OK, Json(json!({"items": []})))
                    }
                }
            }),
        )
        .route("/auth/logout", put(|| async { (StatusCode::SERVICE_UNAVAILABLE, "busy") }));
    let base = mock.serve(router).await;
    let config = ClientConfig::new(&base).expect("url").with_timeout(Duration::from_secs(10));
    let client = DelegatedClient::new(config, Secret::new("t")).expect("client");
    assert!(client.list_credentials().await.expect("third try").items.is_empty());
    assert_eq!(mock.requests().len(), 3);

    let error = client.logout(false).await.expect_err("busy");
    assert_eq!(error.status(), Some(503));
    assert_eq!(mock.requests().len(), 4, "a write is sent once");
}

#[tokio::test]
async fn a_base_url_with_a_path_keeps_its_prefix() {
    let mock = Mock::new();
    let router = axum::Router::new()
        .route("/dfns/auth/credentials", get(|| async { Json(json!({"items": []})) }));
    let base = mock.serve(router).await;
    let client = DelegatedClient::new(
        ClientConfig::new(&format!("{base}/dfns")).expect("url"),
        Secret::new("t"),
    )
    .expect("client");
    client.list_credentials().await.expect("the prefix is kept");
    assert!(ClientConfig::new("not a url").is_err());
}

#[test]
fn the_key_signer_refuses_a_challenge_that_does_not_list_its_credential() {
    let signer = KeySigner::new("mine", PrivateKey::generate(KeyAlgorithm::P256));
    let challenge = serde_json::from_value(challenge_for("someone-else")).expect("challenge");
    let error = signer.sign(&challenge).expect_err("not allowed");
    assert!(matches!(error, SignerError::CredentialNotAllowed { .. }), "{error}");
}

#[test]
fn secrets_never_print() {
    let login: dfns_client::models::Authentication =
        serde_json::from_value(json!({"token": "eyJ-secret"})).expect("token");
    assert!(!format!("{login:?}").contains("eyJ-secret"));
    let signer = KeySigner::new("c", PrivateKey::generate(KeyAlgorithm::Secp256k1));
    assert!(!format!("{signer:?}").contains("PRIVATE"));
}

#[test]
fn unknown_enum_values_are_kept() {
    let kind: dfns_client::models::CredentialKind =
        serde_json::from_value(json!("PasskeyV2")).expect("kind");
    assert_eq!(kind, dfns_client::models::CredentialKind::Other("PasskeyV2".to_owned()));
    assert_eq!(serde_json::to_value(&kind).expect("json"), json!("PasskeyV2"));
}

#[test]
fn history_items_of_unknown_kinds_keep_every_field() {
    let item = json!({
        "kind": "Trc721Transfer", "walletId": "wa-1", "direction": "In", "network": "Tron",
        "blockNumber": 7, "txHash": "abc", "timestamp": "2026-11-26T00:00:00.000Z",
        "contract": "T9y", "tokenId": "42", "metadata": {"asset": {"symbol": "NFT"}}
    });
    let parsed: dfns_client::models::HistoryItem =
        serde_json::from_value(item.clone()).expect("item");
    assert_eq!(parsed.kind, dfns_client::models::HistoryKind::Other("Trc721Transfer".to_owned()));
    assert_eq!(parsed.extra.get("tokenId"), Some(&json!("42")));
    assert_eq!(serde_json::to_value(&parsed).expect("json"), item, "nothing is dropped");
}

#[test]
fn a_transfer_in_a_status_this_version_does_not_know_is_kept() {
    let transfer = json!({
        "id": "xfr-1", "walletId": "wa-1", "network": "Ethereum", "requester": {"userId": "us-1"},
        "requestBody": {"kind": "Erc721", "contract": "0x1", "to": "0x2", "tokenId": "3"},
        "status": "Queued", "dateRequested": "2026-11-26T00:00:00.000Z"
    });
    let parsed: dfns_client::models::Transfer = serde_json::from_value(transfer).expect("transfer");
    assert_eq!(parsed.status, dfns_client::models::RequestStatus::Other("Queued".to_owned()));
    assert_eq!(parsed.request_body["kind"], "Erc721");
}

#[tokio::test]
async fn the_wallet_stream_follows_next_page_tokens_to_the_end() {
    let mock = Mock::new();
    let router = axum::Router::new().route(
        "/wallets",
        get(|uri: axum::http::Uri| async move {
            let page = match uri.query().unwrap_or_default() {
                "" => json!({"items": [wallet("wa-1"), wallet("wa-2")], "nextPageToken": "p2"}),
                "paginationToken=p2" => json!({"items": [wallet("wa-3")], "nextPageToken": "p3"}),
                _ => json!({"items": []}),
            };
            Json(page)
        }),
    );
    let base = mock.serve(router).await;
    let client = DelegatedClient::new(ClientConfig::new(&base).expect("url"), Secret::new("t"))
        .expect("client");
    use futures::TryStreamExt as _;
    let wallets: Vec<_> = client.wallets(None).try_collect().await.expect("all pages");
    let ids: Vec<_> = wallets.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["wa-1", "wa-2", "wa-3"]);
    assert_eq!(mock.requests().len(), 3);
}

fn wallet(id: &str) -> Value {
    json!({
        "id": id, "network": "Ethereum", "status": "Active", "dateCreated": "2026-11-26T00:00:00.000Z",
        "custodial": false, "tags": [],
        "signingKey": {"id": "key-1", "scheme": "ECDSA", "curve": "secp256k1", "publicKey": "02ab"}
    })
}

#[tokio::test]
async fn the_public_client_sends_no_token_and_recovers_with_the_temporary_one() {
    let mock = Mock::new();
    let router = axum::Router::new()
        .route("/auth/recover/user/code", post(|| async { Json(json!({"message": "sent"})) }))
        .route(
            "/auth/recover/user",
            post(|| async {
                Json(json!({
                    "credential": {"uuid": "cr-1", "kind": "Fido2", "name": "Passkey"},
                    "user": {"id": "us-1", "username": "ada@example.com", "orgId": "or-1"},
                }))
            }),
        );
    let base = mock.serve(router).await;
    let client = PublicClient::new(ClientConfig::new(&base).expect("url")).expect("client");
    let request = SendRecoveryCodeRequest {
        username: "ada@example.com".to_owned(),
        org_id: "or-1".to_owned(),
    };
    assert_eq!(client.send_recovery_code(&request).await.expect("sent").message, "sent");
    let recover: RecoverRequest = serde_json::from_value(json!({
        "recovery": {"kind": "RecoveryKey", "credentialAssertion": {"credId": "k", "clientData": "c", "signature": "s"}},
        "newCredentials": {"firstFactorCredential": {"credentialKind": "Fido2", "credentialInfo": {"credId": "n", "clientData": "c", "attestationData": "a"}}},
    }))
    .expect("a recover body");
    let recovered = client.recover(&Secret::new("temporary"), &recover).await.expect("recovered");
    assert_eq!(recovered.user.id, "us-1");

    let requests = mock.requests();
    assert_eq!(requests[0].authorization, None);
    assert_eq!(requests[0].body, r#"{"username":"ada@example.com","orgId":"or-1"}"#);
    assert_eq!(requests[1].authorization.as_deref(), Some("Bearer temporary"));
    assert_eq!(
        serde_json::from_str::<Value>(&requests[1].body).expect("json")["recovery"]["kind"],
        "RecoveryKey"
    );
}

#[test]
fn credential_codes_and_recovery_tokens_never_print() {
    let code: dfns_client::models::CredentialCode = serde_json::from_value(
        json!({"code": "ABCD23456", "expiration": "2026-11-26T00:00:00.000Z"}),
    )
    .expect("code");
    assert!(!format!("{code:?}").contains("ABCD23456"));
    let challenge: dfns_client::models::RecoveryChallenge = serde_json::from_value(json!({
        "user": {"id": "us-1", "name": "ada", "displayName": "ada"},
        "temporaryAuthenticationToken": "eyJ-temporary",
        "challenge": "ch",
        "supportedCredentialKinds": {"firstFactor": ["Fido2"], "secondFactor": []},
        "authenticatorSelection": {"residentKey": "required", "requireResidentKey": true, "userVerification": "required"},
        "attestation": "direct",
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "excludeCredentials": [],
        "otpUrl": "",
        "allowedRecoveryCredentials": [{"id": "k", "encryptedRecoveryKey": "e30="}],
    }))
    .expect("the SDK's CreateDelegatedRecoveryChallengeResponse shape");
    assert_eq!(challenge.allowed_recovery_credentials[0].id, "k");
    assert!(!format!("{challenge:?}").contains("eyJ-temporary"));
}

//! The `dfns-emulator` binary: state survives a stop and a start; `env` prints the seed's
//! variables; bad flags are refused with a message.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfns_client::Method;
use dfns_client::models::{
    CreateWalletRequest, DelegatedLoginRequest, SignaturePayload, SignatureRequest, Transfer,
    TransferRequest,
};
use dfns_client::{ClientConfig, DelegatedClient, KeySigner, Secret, ServiceAccountClient};
use dfns_emulator::{Bootstrap, read_bootstrap};

use crate::support::{Scripted, first_factor_only};

const BINARY: &str = env!("CARGO_BIN_EXE_dfns-emulator");

/// The binary serving `data_dir` on a port the OS picks; killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(data_dir: &Path) -> (Running, Bootstrap) {
    let _ = std::fs::remove_file(data_dir.join("bootstrap.json"));
    let child = Command::new(BINARY)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--emulator-api",
            "--confirm-after-ms",
            "0",
            "--data-dir",
        ])
        .arg(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let running = Running(child);
    // bootstrap.json is written once the socket listens.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(bootstrap) = read_bootstrap(data_dir) {
            return (running, bootstrap);
        }
        assert!(Instant::now() < deadline, "the emulator did not start within 60 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Ends the process with SIGTERM, as Ctrl-C or a service manager would, and waits for it.
fn stop(mut running: Running) {
    let pid = running.0.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    while running.0.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "the emulator did not stop within 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn service_account(bootstrap: &Bootstrap) -> ServiceAccountClient {
    let account = &bootstrap.service_account;
    let signer = KeySigner::from_pem(&account.cred_id, &account.private_key_pem).expect("key");
    let config = ClientConfig::new(&bootstrap.api_url).expect("url");
    ServiceAccountClient::new(config, Secret::new(&account.token), Arc::new(signer))
        .expect("client")
}

#[tokio::test]
async fn state_survives_a_stop_and_a_start_of_the_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (running, first) = start(dir.path()).await;
    let client = service_account(&first);
    let challenge = client
        .create_delegated_registration_challenge(
            &dfns_client::models::DelegatedRegistrationRequest {
                email: "kept@example.com".to_owned(),
                kind: dfns_client::models::UserKind::EndUser,
                external_id: Some("company-42".to_owned()),
            },
        )
        .await
        .expect("challenge");
    let passkey = Scripted::new("localhost", "https://localhost");
    let registered = client
        .register(
            &challenge.temporary_authentication_token,
            &first_factor_only(passkey.register(&challenge.options)),
        )
        .await
        .expect("registered");
    // A custodial wallet with money, a confirmed transfer and a signature.
    let wallet = client
        .create_wallet(&CreateWalletRequest {
            network: "EthereumSepolia".to_owned(),
            ..Default::default()
        })
        .await
        .expect("wallet");
    let funding = serde_json::json!({"network": "EthereumSepolia", "address": wallet.address, "amount": "1000000000000000000"});
    let funded = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", first.api_url))
        .json(&funding)
        .send()
        .await
        .expect("faucet");
    assert!(funded.status().is_success());
    let transfer = TransferRequest::Native {
        to: "0x000000000000000000000000000000000000dEaD".to_owned(),
        amount: "1000".to_owned(),
        memo: None,
        priority: None,
        external_id: Some("kept-transfer".to_owned()),
    };
    let path = format!("/wallets/{}/transfers", wallet.id);
    let sent: Transfer = client.signed(Method::POST, &path, &transfer).await.expect("transfer");
    let assets_before = client.get_wallet_assets(&wallet.id).await.expect("assets");
    // A token ended by a logout before the stop: the revoked ids live in memory too.
    let ended = client
        .delegated_login(&DelegatedLoginRequest { username: "kept@example.com".to_owned() })
        .await
        .expect("login")
        .token;
    DelegatedClient::new(ClientConfig::new(&first.api_url).expect("url"), ended.clone())
        .expect("client")
        .logout(false)
        .await
        .expect("logout");
    stop(running);

    let (_running, second) = start(dir.path()).await;
    let client = service_account(&second);
    assert_eq!(
        client.get_wallet(&wallet.id).await.expect("the wallet is kept").address,
        wallet.address
    );
    assert_eq!(client.get_wallet_assets(&wallet.id).await.expect("assets"), assets_before);
    let kept = client.get_transfer(&wallet.id, &sent.id).await.expect("the transfer is kept");
    assert_eq!(kept.status, dfns_client::models::RequestStatus::Confirmed);
    // The sealed key opens again: the wallet still signs.
    let hash = SignatureRequest {
        payload: SignaturePayload::Hash { hash: format!("0x{}", "ab".repeat(32)) },
        blockchain_kind: None,
        network: None,
        external_id: None,
    };
    let path = format!("/wallets/{}/signatures", wallet.id);
    let signature: dfns_client::models::Signature =
        client.signed(Method::POST, &path, &hash).await.expect("signs");
    assert!(signature.signature.is_some());
    assert_eq!(second.org_id, first.org_id);
    assert_eq!(second.service_account, first.service_account);
    let login = service_account(&second)
        .delegated_login(&DelegatedLoginRequest { username: "kept@example.com".to_owned() })
        .await
        .expect("the user is still there");
    let user = DelegatedClient::new(ClientConfig::new(&second.api_url).expect("url"), login.token)
        .expect("client");
    let credentials = user.list_credentials().await.expect("list").items;
    assert_eq!(credentials.len(), 1);
    assert_eq!(credentials[0].credential_uuid, registered.credential.uuid);
    let ended = DelegatedClient::new(ClientConfig::new(&second.api_url).expect("url"), ended)
        .expect("client");
    let refused = ended.list_credentials().await.expect_err("still logged out after a restart");
    assert_eq!(refused.status(), Some(401));
}

#[tokio::test]
async fn a_data_dir_of_an_earlier_version_opens_with_everything_in_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (running, first) = start(dir.path()).await;
    stop(running);
    // Earlier versions recorded the applied migrations in sqlx's table, not in user_version.
    {
        let db = rusqlite::Connection::open(dir.path().join("dfns-emulator.sqlite3")).expect("db");
        db.execute_batch(
            "PRAGMA user_version = 0;
             CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
               installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
               checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
             INSERT INTO _sqlx_migrations VALUES (1, 'identity', CURRENT_TIMESTAMP, 1, x'00', 1),
               (2, 'wallets', CURRENT_TIMESTAMP, 1, x'00', 1),
               (3, 'recovery', CURRENT_TIMESTAMP, 1, x'00', 1);",
        )
        .expect("an earlier version's bookkeeping");
    }
    let (_running, second) = start(dir.path()).await;
    assert_eq!(second.service_account, first.service_account, "the same org, not a new one");
    service_account(&second)
        .create_wallet(&CreateWalletRequest {
            network: "EthereumSepolia".to_owned(),
            ..Default::default()
        })
        .await
        .expect("it serves");
}

#[tokio::test]
async fn env_prints_the_service_account_variables() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (running, bootstrap) = start(dir.path()).await;
    stop(running);
    let output =
        Command::new(BINARY).arg("env").arg("--data-dir").arg(dir.path()).output().expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(text.contains(&format!("export DFNS_API_URL='{}'\n", bootstrap.api_url)));
    assert!(text.contains(&format!(
        "export DFNS_SERVICE_ACCOUNT_TOKEN='{}'\n",
        bootstrap.service_account.token
    )));
    assert!(text.contains(&format!(
        "export DFNS_SERVICE_ACCOUNT_CRED_ID='{}'\n",
        bootstrap.service_account.cred_id
    )));
    assert!(
        text.contains("export DFNS_SERVICE_ACCOUNT_PRIVATE_KEY='-----BEGIN PRIVATE KEY-----\n")
    );
}

#[test]
fn env_without_a_bootstrap_says_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output =
        Command::new(BINARY).arg("env").arg("--data-dir").arg(dir.path()).output().expect("runs");
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("start the emulator there first"), "{text}");
}

#[test]
fn bad_flags_are_refused_with_a_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (flags, expected) in [
        (vec!["--listen", "not-an-address"], "invalid value 'not-an-address'"),
        (vec!["--origin", "not a url"], "invalid value 'not a url'"),
        (vec!["--rp-id", "https://localhost"], "the rp id must be a bare domain"),
        (vec!["--challenge-ttl-secs", "0"], "--challenge-ttl-secs must be a positive number"),
    ] {
        let output = Command::new(BINARY)
            .args(&flags)
            .arg("--data-dir")
            .arg(dir.path())
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{flags:?}");
        let text = String::from_utf8_lossy(&output.stderr);
        assert!(text.contains(expected), "{flags:?}: {text}");
    }
}

//! A real emulator on a loopback port with a clock the tests move, plus the clients and
//! authenticators a test needs to act as a company backend and as its end users.

pub mod authenticators;

use std::sync::Arc;
use std::time::Duration;

use dfns_client::keys::{KeyAlgorithm, PrivateKey};
use dfns_client::models::{
    CredentialKind, DelegatedLoginRequest, DelegatedRegistrationRequest, FactorAssertion,
    NewCredential, RegistrationChallenge, RegistrationOptions, RegistrationRequest,
    RegistrationResponse, SignedChallenge, UserKind,
};
use dfns_client::{
    ClientConfig, DelegatedClient, KeySigner, PendingAction, PublicClient, Secret,
    ServiceAccountClient,
};
use dfns_emulator::clock::ManualClock;
use dfns_emulator::{Bootstrap, Config, Emulator};

pub use authenticators::Scripted;

/// How long the test emulator takes to confirm a transfer.
pub const CONFIRM_AFTER: Duration = Duration::from_secs(4);

/// An emulator serving on 127.0.0.1 with its own data dir and a manual clock.
pub struct TestEmulator {
    pub bootstrap: Bootstrap,
    pub clock: Arc<ManualClock>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl TestEmulator {
    /// The faucet on, transfers confirming 4 s after they are requested.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = Arc::new(ManualClock::new());
        let mut config = Config::new(dir.path().to_owned());
        config.clock = clock.clone();
        config.emulator_api = true;
        config.confirm_after_ms = CONFIRM_AFTER.as_millis() as i64;
        adjust(&mut config);
        let emulator = Emulator::open(config).await.expect("emulator opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let address = listener.local_addr().expect("address");
        let bootstrap = emulator.bootstrap(&format!("http://{address}"));
        let server = tokio::spawn(emulator.serve(listener, std::future::pending()));
        Self { bootstrap, clock, server, _dir: dir }
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub fn config(&self) -> ClientConfig {
        ClientConfig::new(&self.bootstrap.api_url).expect("base url").with_max_retries(0)
    }

    pub fn service_account(&self) -> ServiceAccountClient {
        let account = &self.bootstrap.service_account;
        let signer = KeySigner::from_pem(&account.cred_id, &account.private_key_pem)
            .expect("service account key");
        ServiceAccountClient::new(self.config(), Secret::new(&account.token), Arc::new(signer))
            .expect("client")
    }

    pub fn delegated(&self, token: &Secret) -> DelegatedClient {
        DelegatedClient::new(self.config(), token.clone()).expect("client")
    }

    /// A client without a token: a new device, or a user who recovers.
    pub fn public(&self) -> PublicClient {
        PublicClient::new(self.config()).expect("client")
    }

    /// A raw HTTP client, for requests our client would never send.
    pub fn http(&self) -> RawHttp {
        RawHttp { base_url: self.bootstrap.api_url.clone(), http: reqwest::Client::new() }
    }

    pub async fn registration_challenge(&self, email: &str) -> RegistrationChallenge {
        self.service_account()
            .create_delegated_registration_challenge(&DelegatedRegistrationRequest {
                email: email.to_owned(),
                kind: UserKind::EndUser,
                external_id: None,
            })
            .await
            .expect("registration challenge")
    }

    pub async fn login_token(&self, username: &str) -> Secret {
        self.service_account()
            .delegated_login(&DelegatedLoginRequest { username: username.to_owned() })
            .await
            .expect("delegated login")
            .token
    }

    pub async fn login(&self, username: &str) -> DelegatedClient {
        self.delegated(&self.login_token(username).await)
    }

    /// Registers `email` with the first-factor credential `make` builds for the challenge.
    pub async fn register_with(
        &self,
        email: &str,
        make: impl FnOnce(&RegistrationOptions) -> NewCredential,
    ) -> RegistrationResponse {
        let challenge = self.registration_challenge(email).await;
        let credential = make(&challenge.options);
        self.service_account()
            .register(&challenge.temporary_authentication_token, &first_factor_only(credential))
            .await
            .expect("registration completes")
    }

    /// A registered end user holding a scripted passkey, logged in.
    pub async fn passkey_user(&self, email: &str) -> (Scripted, DelegatedClient) {
        let mut passkey = Scripted::new(&self.bootstrap.rp_id, "https://localhost");
        let registered = self.register_with(email, |challenge| passkey.register(challenge)).await;
        passkey.user_id = registered.user.id;
        (passkey, self.login(email).await)
    }

    /// A registered end user holding a Key credential, logged in.
    pub async fn key_user(&self, email: &str) -> (KeySigner, DelegatedClient) {
        let signer = new_key_signer(KeyAlgorithm::P256);
        self.register_with(email, |challenge| key_credential(&signer, &challenge.challenge)).await;
        (signer, self.login(email).await)
    }
}

impl Drop for TestEmulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn first_factor_only(credential: NewCredential) -> RegistrationRequest {
    RegistrationRequest {
        first_factor_credential: credential,
        second_factor_credential: None,
        recovery_credential: None,
    }
}

pub fn new_key_signer(algorithm: KeyAlgorithm) -> KeySigner {
    KeySigner::new(base64_url(&rand_bytes()), PrivateKey::generate(algorithm))
}

pub fn key_credential(signer: &KeySigner, challenge: &str) -> NewCredential {
    NewCredential {
        credential_kind: CredentialKind::Key,
        credential_info: signer.credential_info(challenge).expect("key attestation"),
        credential_name: Some("Test key".to_owned()),
        encrypted_private_key: None,
    }
}

/// The `/auth/action` body for a pending write answered by `first_factor`.
pub fn signed<R>(pending: &PendingAction<R>, first_factor: FactorAssertion) -> SignedChallenge {
    SignedChallenge {
        challenge_identifier: pending.challenge().challenge_identifier.clone(),
        first_factor,
        second_factor: None,
    }
}

/// A pending write answered by a Key credential.
pub fn key_factor<R>(signer: &KeySigner, pending: &PendingAction<R>) -> SignedChallenge {
    let assertion = signer.assert(&pending.challenge().challenge);
    signed(pending, FactorAssertion::Key { credential_assertion: assertion })
}

pub fn rand_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("random");
    bytes
}

pub fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The status and body of a raw answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
}

impl Answer {
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

pub struct RawHttp {
    base_url: String,
    http: reqwest::Client,
}

impl RawHttp {
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        user_action: Option<&str>,
        body: &str,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(user_action) = user_action {
            request = request.header("x-dfns-useraction", user_action);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        Answer { status, body }
    }
}

/// Asserts that `error` is Dfns's answer `status` with `message`.
pub fn assert_dfns_error(error: &dfns_client::Error, status: u16, message: &str) {
    let api = error.api().unwrap_or_else(|| panic!("a Dfns error, got {error:?}"));
    assert_eq!((api.status, api.message.as_str()), (status, message), "{api:?}");
}

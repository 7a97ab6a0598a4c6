// Every JSON body the emulator parses, sent through its real router (`Emulator::router`, with
// `oneshot`, no socket) on a scratch data dir: a body for each route that takes one, from the
// caller that route expects, and for writes with a user action signed for exactly that body, so
// bytes reach the handler's own checks and not only the parser. The fuzz target
// (`fuzz/fuzz_targets/bodies.rs`) includes this file, so it and the mutation test in `bodies.rs`
// drive exactly the same requests.

/// Who sends a route's body.
#[derive(Debug, Clone, Copy)]
pub enum Sender {
    /// No token.
    Nobody,
    /// The org's service account.
    Service,
    /// The end user, logged in.
    User,
    /// A registration's temporary token.
    Registering,
    /// Another end user, with a token made for this request alone: a logout may end every
    /// session of its user, which must not be the fixture's.
    LeavingUser,
}

/// A route that takes a body: method, path (`{wallet}` and `{key}` stand for the fixture's), who
/// sends it, and whether it needs a user action.
pub type BodyRoute = (&'static str, &'static str, Sender, bool);

/// Every route with a body, in the order a selector byte picks them.
pub const BODY_ROUTES: [BodyRoute; 23] = [
    ("POST", "/auth/action/init", Sender::User, false),
    ("POST", "/auth/action", Sender::User, false),
    ("POST", "/auth/registration/delegated", Sender::Service, true),
    ("POST", "/auth/registration", Sender::Registering, false),
    ("POST", "/auth/registration/enduser", Sender::Registering, false),
    ("POST", "/auth/login/delegated", Sender::Service, true),
    ("PUT", "/auth/logout", Sender::LeavingUser, false),
    ("POST", "/auth/credentials/init", Sender::User, false),
    ("POST", "/auth/credentials", Sender::User, true),
    ("PUT", "/auth/credentials/activate", Sender::User, true),
    ("PUT", "/auth/credentials/deactivate", Sender::User, true),
    ("POST", "/auth/credentials/code", Sender::User, true),
    ("POST", "/auth/credentials/code/init", Sender::Nobody, false),
    ("POST", "/auth/credentials/code/verify", Sender::Nobody, false),
    ("POST", "/auth/recover/user/delegated", Sender::Service, true),
    ("POST", "/auth/recover/user/code", Sender::Nobody, false),
    ("POST", "/auth/recover/user/init", Sender::Nobody, false),
    ("POST", "/auth/recover/user", Sender::Registering, false),
    ("POST", "/wallets", Sender::User, true),
    ("POST", "/wallets/{wallet}/transfers", Sender::User, true),
    ("POST", "/wallets/{wallet}/signatures", Sender::User, true),
    ("POST", "/keys/{key}/signatures", Sender::User, true),
    ("POST", "/_emulator/faucet", Sender::Nobody, false),
];

/// The fixture's end user.
pub const FUZZ_USER: &str = "fuzz@example.co";
/// The end user whose sessions the logouts end.
pub const LEAVING_USER: &str = "leaving@example.co";

/// An emulator with an end user holding a Key credential and a funded wallet, another end user
/// to log out, and a pending registration, ready to take any body on any route.
pub struct BodyDriver {
    router: axum::Router,
    service_token: String,
    service_signer: dfns_client::KeySigner,
    user_token: String,
    user_signer: dfns_client::KeySigner,
    registering_token: String,
    wallet_id: String,
    key_id: String,
    _dir: tempfile::TempDir,
}

impl BodyDriver {
    /// Opens an emulator on a scratch dir (clock stopped, so no token expires while it runs) and
    /// sets up its fixture through its own routes.
    pub async fn start() -> Self {
        use dfns_client::keys::{KeyAlgorithm, PrivateKey};
        use dfns_client::models::{
            Authentication, DelegatedLoginRequest, DelegatedRegistrationRequest,
            RegistrationChallenge, UserKind, Wallet,
        };
        // In memory where the system has it: a run writes a row or more per input.
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() };
        let dir = dir.expect("scratch dir");
        let mut config = dfns_emulator::Config::new(dir.path().to_owned());
        config.clock = std::sync::Arc::new(dfns_emulator::clock::ManualClock::new());
        config.emulator_api = true;
        config.confirm_after_ms = 0;
        let emulator = dfns_emulator::Emulator::open(config).await.expect("emulator opens");
        let account = emulator.bootstrap("http://127.0.0.1").service_account;
        let service_signer =
            dfns_client::KeySigner::from_pem(account.cred_id.as_str(), &account.private_key_pem)
                .expect("service account key");
        let user_signer =
            dfns_client::KeySigner::new("fuzz-user-key", PrivateKey::generate(KeyAlgorithm::P256));
        let mut driver = Self {
            router: emulator.router(),
            service_token: account.token,
            service_signer,
            user_token: String::new(),
            user_signer,
            registering_token: String::new(),
            wallet_id: String::new(),
            key_id: String::new(),
            _dir: dir,
        };

        driver.register(FUZZ_USER, &driver.user_signer).await;
        let leaving =
            dfns_client::KeySigner::new("leaving-key", PrivateKey::generate(KeyAlgorithm::P256));
        driver.register(LEAVING_USER, &leaving).await;

        let login = DelegatedLoginRequest { username: FUZZ_USER.to_owned() };
        let login: Authentication =
            driver.service_json("POST", "/auth/login/delegated", &login).await;
        driver.user_token = login.token.expose().to_owned();

        let pending = DelegatedRegistrationRequest {
            email: "later@example.co".to_owned(),
            kind: UserKind::EndUser,
            external_id: None,
        };
        let pending: RegistrationChallenge =
            driver.service_json("POST", "/auth/registration/delegated", &pending).await;
        driver.registering_token = pending.temporary_authentication_token.expose().to_owned();

        let wallet = serde_json::json!({ "network": "EthereumSepolia" });
        let body = serde_json::to_string(&wallet).expect("JSON");
        let action = driver.user_action(Sender::User, "POST", "/wallets", &body).await;
        let (status, answer) = driver
            .send_raw("POST", "/wallets", Some(&driver.user_token), action.as_deref(), body.into())
            .await;
        assert_eq!(status, 200, "wallet: {}", String::from_utf8_lossy(&answer));
        let wallet: Wallet = serde_json::from_slice(&answer).expect("a wallet");
        driver.key_id = wallet.signing_key.id.clone();
        let faucet = serde_json::json!({
            "network": "EthereumSepolia", "address": wallet.address, "amount": "1000000000000000000000",
        });
        let (status, answer) = driver
            .send_raw("POST", "/_emulator/faucet", None, None, faucet.to_string().into())
            .await;
        assert_eq!(status, 200, "faucet: {}", String::from_utf8_lossy(&answer));
        driver.wallet_id = wallet.id;
        driver
    }

    /// Sends `body` to the route `selector` picks (its low bits; the high bit withholds the user
    /// action) and checks what holds for any body: never a 5xx, and every refusal in Dfns's
    /// error shape with its own status. Returns the status.
    pub async fn send(&self, selector: u8, body: &[u8]) -> u16 {
        let (method, template, sender, signed) =
            BODY_ROUTES[usize::from(selector & 0x7f) % BODY_ROUTES.len()];
        let path = template.replace("{wallet}", &self.wallet_id).replace("{key}", &self.key_id);
        let token = match sender {
            Sender::Nobody => None,
            Sender::Service => Some(self.service_token.clone()),
            Sender::User => Some(self.user_token.clone()),
            Sender::Registering => Some(self.registering_token.clone()),
            Sender::LeavingUser => Some(self.leaving_user_token().await),
        };
        // Only a JSON body can be signed; anything else must be refused before the user action.
        let payload = std::str::from_utf8(body)
            .ok()
            .filter(|text| serde_json::from_str::<serde_json::Value>(text).is_ok());
        let action = match payload {
            Some(payload) if signed && selector & 0x80 == 0 => {
                self.user_action(sender, method, &path, payload).await
            }
            _ => None,
        };
        let (status, answer) =
            self.send_raw(method, &path, token.as_deref(), action.as_deref(), body.to_vec()).await;
        let shown = || format!("{method} {path} {:?}: {status}", String::from_utf8_lossy(body));
        assert!(status < 500, "{}: {}", shown(), String::from_utf8_lossy(&answer));
        if status >= 400 {
            let error: serde_json::Value = serde_json::from_slice(&answer)
                .unwrap_or_else(|error| panic!("{}: not JSON ({error})", shown()));
            assert_eq!(error["error"]["status"], status, "{}: {error}", shown());
            assert!(error["error"]["message"].as_str().is_some(), "{}: {error}", shown());
        }
        status
    }

    /// Registers `email` as an end user whose credential is `signer`'s key.
    async fn register(&self, email: &str, signer: &dfns_client::KeySigner) {
        use dfns_client::models::{
            CredentialKind, DelegatedRegistrationRequest, NewCredential, RegistrationChallenge,
            RegistrationRequest, UserKind,
        };
        let registration = DelegatedRegistrationRequest {
            email: email.to_owned(),
            kind: UserKind::EndUser,
            external_id: None,
        };
        let challenge: RegistrationChallenge =
            self.service_json("POST", "/auth/registration/delegated", &registration).await;
        let credential_info =
            signer.credential_info(&challenge.options.challenge).expect("key attestation");
        let request = RegistrationRequest {
            first_factor_credential: NewCredential {
                credential_kind: CredentialKind::Key,
                credential_info,
                credential_name: Some("Fuzz key".to_owned()),
                encrypted_private_key: None,
            },
            second_factor_credential: None,
            recovery_credential: None,
        };
        let body = serde_json::to_vec(&request).expect("JSON");
        let token = challenge.temporary_authentication_token.expose().to_owned();
        let (status, answer) =
            self.send_raw("POST", "/auth/registration", Some(&token), None, body).await;
        assert_eq!(status, 200, "registration: {}", String::from_utf8_lossy(&answer));
    }

    /// A new login token of the leaving user.
    async fn leaving_user_token(&self) -> String {
        let login =
            dfns_client::models::DelegatedLoginRequest { username: LEAVING_USER.to_owned() };
        let login: dfns_client::models::Authentication =
            self.service_json("POST", "/auth/login/delegated", &login).await;
        login.token.expose().to_owned()
    }

    /// A user action for `method path payload`, signed by the service account or the end user;
    /// `None` when the emulator refuses to make one (the request then goes without).
    async fn user_action(
        &self,
        sender: Sender,
        method: &str,
        path: &str,
        payload: &str,
    ) -> Option<String> {
        use dfns_client::models::{
            FactorAssertion, SignedChallenge, UserActionChallenge, UserActionInitRequest,
            UserActionToken,
        };
        let (token, signer) = match sender {
            Sender::Service => (&self.service_token, &self.service_signer),
            _ => (&self.user_token, &self.user_signer),
        };
        let init = UserActionInitRequest {
            user_action_payload: payload.to_owned(),
            user_action_http_method: method.to_owned(),
            user_action_http_path: path.to_owned(),
            user_action_server_kind: Some("Api".to_owned()),
        };
        let body = serde_json::to_vec(&init).ok()?;
        let (status, answer) =
            self.send_raw("POST", "/auth/action/init", Some(token), None, body).await;
        if status != 200 {
            return None;
        }
        let challenge: UserActionChallenge = serde_json::from_slice(&answer).ok()?;
        let signed = SignedChallenge {
            challenge_identifier: challenge.challenge_identifier,
            first_factor: FactorAssertion::Key {
                credential_assertion: signer.assert(&challenge.challenge),
            },
            second_factor: None,
        };
        let body = serde_json::to_vec(&signed).ok()?;
        let (status, answer) = self.send_raw("POST", "/auth/action", Some(token), None, body).await;
        if status != 200 {
            return None;
        }
        let action: UserActionToken = serde_json::from_slice(&answer).ok()?;
        Some(action.user_action.expose().to_owned())
    }

    /// A write of the service account that must succeed (the fixture's own steps).
    async fn service_json<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> T {
        let body = serde_json::to_string(body).expect("JSON");
        let action = self.user_action(Sender::Service, method, path, &body).await;
        let (status, answer) = self
            .send_raw(method, path, Some(&self.service_token), action.as_deref(), body.into())
            .await;
        assert_eq!(status, 200, "{method} {path}: {}", String::from_utf8_lossy(&answer));
        serde_json::from_slice(&answer).expect("the answer's model")
    }

    /// One request through the router: its status and body.
    async fn send_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        user_action: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, Vec<u8>) {
        use tower::ServiceExt as _;
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(user_action) = user_action {
            request = request.header("x-dfns-useraction", user_action);
        }
        let request = request.body(axum::body::Body::from(body)).expect("a request");
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), 1 << 22).await.expect("the body");
        (status, body.to_vec())
    }
}

//! What the companion's benchmark and load commands share: a person signed up and registered
//! with a device passkey through the website and `/api/v1`, answers read as the app reads them,
//! and percentiles.

// Each example that includes this module uses a part of it.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use dfns_client::Secret;
use serde_json::{Value, json};
use sigil_api::{RegistrationChallenge, SessionResponse};
use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{
    Approval, CancellationToken, DevicePasskey, Passkeys, PinReason, Prompt, Prompter,
};
use sigil_companion::store::pkce::CodeVerifier;
use sigil_companion::testing::Website;

pub const PASSWORD: &str = "bench password 1234";

/// The body of a 2xx answer, or an error naming the status and the body.
pub async fn expect_ok(response: reqwest::Response) -> anyhow::Result<String> {
    let status = response.status();
    let body = response.text().await?;
    if !status.is_success() {
        bail!("{status}: {body}");
    }
    Ok(body)
}

/// Signs a user up and registers them with a device passkey; returns the app session's token
/// and the passkey (its key in memory).
pub async fn sign_up_and_register(base: &str, email: &str) -> anyhow::Result<(String, Passkeys)> {
    let website = Website::new(base)?;
    website.sign_up(email, PASSWORD).await?;
    let verifier = CodeVerifier::generate()?;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("state", "setup")
        .append_pair("code_challenge", verifier.challenge().as_str())
        .append_pair("code_challenge_method", "S256")
        .append_pair("redirect_uri", sigil_api::DEFAULT_REDIRECT_URI)
        .finish();
    let link = website.confirm_at(&format!("/login?{query}")).await?;
    let code = link.query_pairs().find(|(k, _)| k == "code").context("no code")?.1.into_owned();
    let app = reqwest::Client::new();
    let body = json!({
        "code": code,
        "codeVerifier": verifier.expose(),
        "redirectUri": sigil_api::DEFAULT_REDIRECT_URI,
    });
    let session = app.post(format!("{base}/api/v1/session")).json(&body).send().await?;
    let session: SessionResponse = serde_json::from_str(&expect_ok(session).await?)?;
    let bearer = session.session_token.expose().to_owned();

    let init = app.post(format!("{base}/api/v1/registration/init")).bearer_auth(&bearer);
    let challenge: RegistrationChallenge =
        serde_json::from_str(&expect_ok(init.send().await?).await?)?;
    let passkeys = Passkeys::new(
        Arc::new(DevicePasskey::new(Arc::new(sigil_store::MemoryStore::new()), "bench")),
        RelyingParty::new("localhost", "Sigil bench")?,
    );
    let credential =
        passkeys.register(&challenge.options, None, &Approve, &CancellationToken::new()).await?;
    let complete = app
        .post(format!("{base}/api/v1/registration/complete"))
        .bearer_auth(&bearer)
        .json(&json!({ "firstFactorCredential": credential }));
    expect_ok(complete.send().await?).await?;
    Ok((bearer, passkeys))
}

/// Approves every device-passkey prompt and gives the bench passkey's PIN.
pub struct Approve;

impl Prompter for Approve {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<Secret> {
        Some(Secret::new("246810"))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        true
    }
}

/// How long each step of one chain took.
#[derive(Debug, Clone)]
pub struct Chain {
    /// The app session it opened.
    pub session_token: Arc<str>,
    pub authorize_page: Duration,
    pub sign_in: Duration,
    pub session: Duration,
    pub dfns_token: Duration,
}

impl Chain {
    pub fn total(&self) -> Duration {
        self.authorize_page + self.sign_in + self.session + self.dfns_token
    }
}

/// One app login: the browser signs in on the authorize page, the app redeems the code and
/// asks for a Dfns token.
pub async fn login_chain(base: &str, email: &str) -> anyhow::Result<Chain> {
    let website = Website::new(base)?;
    let verifier = CodeVerifier::generate()?;
    let state = CodeVerifier::generate()?.expose().to_owned();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("state", &state)
        .append_pair("code_challenge", verifier.challenge().as_str())
        .append_pair("code_challenge_method", "S256")
        .append_pair("redirect_uri", sigil_api::DEFAULT_REDIRECT_URI)
        .finish();

    let t = Instant::now();
    let page = website.get(&format!("/login?{query}")).await?;
    let authorize_page = t.elapsed();
    let (csrf, next) = (page.field("csrf")?, page.field("next")?);

    let t = Instant::now();
    let fields =
        [("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD), ("next", &next)];
    let link = website.post_form("/signin", &fields).await?.deep_link()?;
    let sign_in = t.elapsed();
    let param =
        |name: &str| link.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    ensure!(param("state").as_deref() == Some(state.as_str()), "state changed");
    let code = param("code").context("no code")?;

    let app = reqwest::Client::new();
    let t = Instant::now();
    let body = json!({
        "code": code,
        "codeVerifier": verifier.expose(),
        "redirectUri": sigil_api::DEFAULT_REDIRECT_URI,
    });
    let session = expect_ok(app.post(format!("{base}/api/v1/session")).json(&body).send().await?);
    let session: SessionResponse = serde_json::from_str(&session.await?)?;
    let session_time = t.elapsed();

    let t = Instant::now();
    let token = app
        .post(format!("{base}/api/v1/dfns-token"))
        .bearer_auth(session.session_token.expose())
        .send()
        .await?;
    let token: Value = serde_json::from_str(&expect_ok(token).await?)?;
    ensure!(token["token"].is_string(), "no Dfns token");
    Ok(Chain {
        session_token: session.session_token.expose().into(),
        authorize_page,
        sign_in,
        session: session_time,
        dfns_token: t.elapsed(),
    })
}

pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The `p` quantile (0–1) of `sorted`, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let index = ((sorted.len().max(1) - 1) as f64 * p).round() as usize;
    sorted.get(index).map_or(0.0, |d| millis(*d))
}

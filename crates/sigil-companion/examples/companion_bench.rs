//! Benchmark of the app's login chain through the companion, on loopback:
//!
//!   authorize page (`GET /login?…`, the sign-in form) → sign-in (`POST /signin`, argon2id,
//!   rate limits, login code) → session (`POST /api/v1/session`, PKCE) → Dfns token
//!   (`POST /api/v1/dfns-token`, delegated login with a service-account user action)
//!
//! A dfns-emulator and a companion run in this process on 127.0.0.1 ports, the companion on the
//! database named by `--database-url` (a fresh SQLite file by default; PostgreSQL with
//! `scripts/bench-companion.sh`). `--users` users are signed up and registered with a device
//! passkey first (not measured); then `--chains` chains run, `--concurrency` at a time, each as
//! a new browser. Bounded by `--max-secs`. Prints chains per second, p50/p99 of the chain and
//! the p50 of each step. Then the sessions these chains opened ask for their Dfns token again,
//! `--tokens` times, `--concurrency` at a time, as the app does at each start and refresh: one
//! line with the rate, p50 and p99.

// A benchmark reports on standard output.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use clap::Parser;
use dfns_client::Secret;
use serde_json::{Value, json};
use sigil_api::{RegistrationChallenge, SessionResponse};
use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{
    Approval, CancellationToken, DevicePasskey, Passkeys, PinReason, Prompt, Prompter,
};
use sigil_companion::config::{Config, Settings};
use sigil_companion::server::{self, AppState};
use sigil_companion::store::Store;
use sigil_companion::store::pkce::CodeVerifier;
use sigil_companion::testing::Website;

const PASSWORD: &str = "bench password 1234";

#[derive(Debug, Parser)]
struct Args {
    /// The companion's database (default: a SQLite file in a temporary folder).
    #[arg(long)]
    database_url: Option<String>,
    /// Users to sign up and register before measuring.
    #[arg(long, default_value_t = 16)]
    users: usize,
    /// Login chains to run.
    #[arg(long, default_value_t = 400)]
    chains: usize,
    /// Chains (then token requests) in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// `POST /api/v1/dfns-token` requests of the sessions opened by the chains.
    #[arg(long, default_value_t = 4000)]
    tokens: usize,
    /// Stop after this many seconds even if `--chains` is not reached.
    #[arg(long, default_value_t = 180)]
    max_secs: u64,
}

/// How long each step of one chain took.
#[derive(Debug, Clone)]
struct Chain {
    /// The app session it opened.
    session_token: Arc<str>,
    authorize_page: Duration,
    sign_in: Duration,
    session: Duration,
    dfns_token: Duration,
}

impl Chain {
    fn total(&self) -> Duration {
        self.authorize_page + self.sign_in + self.session + self.dfns_token
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(args.users > 0 && args.chains > 0 && args.concurrency > 0, "counts must be > 0");
    let scratch = tempfile::tempdir()?;

    let mut emulator_config = dfns_emulator::Config::new(scratch.path().join("dfns"));
    emulator_config.confirm_after_ms = 0;
    let emulator = dfns_emulator::Emulator::open(emulator_config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let bootstrap = emulator.bootstrap(&format!("http://{}", listener.local_addr()?));
    tokio::spawn(emulator.serve(listener, std::future::pending()));

    let database_url = args.database_url.clone().unwrap_or_else(|| {
        format!("sqlite://{}?mode=rwc", scratch.path().join("companion.db").display())
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let account = &bootstrap.service_account;
    let key = format!("--dfns-service-account-private-key={}", account.private_key_pem);
    let settings = Settings::try_parse_from([
        "sigil-companion",
        "--public-url",
        &base,
        "--dfns-api-url",
        &bootstrap.api_url,
        "--dfns-service-account-token",
        &account.token,
        "--dfns-service-account-cred-id",
        &account.cred_id,
        &key,
    ])?;
    let mut config = Config::from_settings(settings)?;
    // One address sends everything: limits stay on (every hit is counted) but high.
    config.limits = config.limits.scaled(1_000_000);
    let store = Store::connect(&database_url).await?;
    let backend = store.backend();
    let state = AppState::new(config, store)?;
    tokio::spawn(server::serve(listener, state, std::future::pending()));

    let started = Instant::now();
    for index in 0..args.users {
        sign_up_and_register(&base, &email(index)).await.with_context(|| email(index))?;
    }
    println!(
        "companion on {backend}: {} users signed up and registered in {:.1} s",
        args.users,
        started.elapsed().as_secs_f64()
    );

    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (next, base, total, users) = (next.clone(), base.clone(), args.chains, args.users);
        workers.push(tokio::spawn(async move {
            let mut chains = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total || Instant::now() >= deadline {
                    return anyhow::Ok(chains);
                }
                chains.push(login_chain(&base, &email(n % users)).await?);
            }
        }));
    }
    let mut chains = Vec::new();
    for worker in workers {
        chains.extend(worker.await??);
    }
    report(&chains, started.elapsed(), args.concurrency);
    let sessions: Arc<Vec<Arc<str>>> =
        Arc::new(chains.iter().map(|chain| chain.session_token.clone()).collect());
    dfns_tokens(&base, sessions, &args).await
}

/// The app asking for its Dfns token again, round-robin over `sessions`.
async fn dfns_tokens(base: &str, sessions: Arc<Vec<Arc<str>>>, args: &Args) -> anyhow::Result<()> {
    ensure!(!sessions.is_empty(), "no session to ask with");
    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = reqwest::Client::new();
    let url = format!("{base}/api/v1/dfns-token");
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (next, sessions, app, url, total) =
            (next.clone(), sessions.clone(), app.clone(), url.clone(), args.tokens);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total || Instant::now() >= deadline {
                    return anyhow::Ok(latencies);
                }
                let t = Instant::now();
                let session = &sessions[n % sessions.len()];
                let answer = app.post(&url).bearer_auth(session).send().await?;
                expect_ok(answer).await?;
                latencies.push(t.elapsed());
            }
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    println!(
        "dfns-token again ({} sessions), concurrency {}: {} in {:.2} s, {rate:.1}/s, p50 {:.2} ms, \
         p99 {:.2} ms",
        sessions.len(),
        args.concurrency,
        latencies.len(),
        elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    Ok(())
}

fn email(index: usize) -> String {
    format!("bench-{index}@example.org")
}

/// One app login: the browser signs in on the authorize page, the app redeems the code and
/// asks for a Dfns token.
async fn login_chain(base: &str, email: &str) -> anyhow::Result<Chain> {
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

async fn expect_ok(response: reqwest::Response) -> anyhow::Result<String> {
    let status = response.status();
    let body = response.text().await?;
    if !status.is_success() {
        bail!("{status}: {body}");
    }
    Ok(body)
}

/// Signs a user up and registers them with a device passkey (setup, not measured).
async fn sign_up_and_register(base: &str, email: &str) -> anyhow::Result<()> {
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
    Ok(())
}

/// Approves every device-passkey prompt and gives the bench passkey's PIN.
struct Approve;

impl Prompter for Approve {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<Secret> {
        Some(Secret::new("246810"))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        true
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let index = ((sorted.len().max(1) - 1) as f64 * p).round() as usize;
    sorted.get(index).map_or(0.0, |d| millis(*d))
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn report(chains: &[Chain], elapsed: Duration, concurrency: usize) {
    let sorted = |step: fn(&Chain) -> Duration| {
        let mut all: Vec<Duration> = chains.iter().map(step).collect();
        all.sort_unstable();
        all
    };
    let totals = sorted(Chain::total);
    println!(
        "login chains: {} in {:.2} s, concurrency {concurrency}",
        chains.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "  throughput {:.1} chains/s, chain p50 {:.2} ms, p99 {:.2} ms",
        chains.len() as f64 / elapsed.as_secs_f64(),
        percentile(&totals, 0.50),
        percentile(&totals, 0.99)
    );
    for (name, step) in [
        ("authorize page", (|c: &Chain| c.authorize_page) as fn(&Chain) -> Duration),
        ("sign-in + code", |c: &Chain| c.sign_in),
        ("session (PKCE)", |c: &Chain| c.session),
        ("dfns-token", |c: &Chain| c.dfns_token),
    ] {
        let all = sorted(step);
        println!(
            "  {name:<15} p50 {:>7.2} ms  p99 {:>7.2} ms",
            percentile(&all, 0.5),
            percentile(&all, 0.99)
        );
    }
}

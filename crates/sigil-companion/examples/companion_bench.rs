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

use anyhow::{Context as _, ensure};
use clap::Parser;
use sigil_companion::config::{Config, Settings};
use sigil_companion::server::{self, AppState};
use sigil_companion::store::Store;
use support::{Chain, expect_ok, login_chain, percentile, sign_up_and_register};

mod support;

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

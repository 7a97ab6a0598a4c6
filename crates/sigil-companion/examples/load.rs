//! Load without errors: mixed requests against a running companion and a running emulator, each
//! its own process on loopback (`scripts/load.sh` starts both), `--concurrency` at a time,
//! bounded by `--requests` per server and by `--max-secs`.
//!
//! * The companion, as the app and the browser use it: session checks (`GET /api/v1/me`), the
//!   app's Dfns token (`POST /api/v1/dfns-token`), the company configuration, the website's pages
//!   (home and the authorize page), new sessions (the sign-in chain: authorize page, sign-in,
//!   `POST /api/v1/session`, three requests) and new wallets (`POST /api/v1/wallets`).
//! * The emulator, as the companion and the app use it: service-account logins (a signed user
//!   action, then `/auth/login/delegated`), transfers signed by the users' passkeys (Init, the
//!   passkey, Complete) and lists (wallets, history, transfers, assets).
//!
//! `--users` people are signed up and registered first (not measured). Answers the servers
//! give by design under load, rate limits (429), are counted apart; anything else that is not
//! a success is an error. Prints, per server: requests by kind, rate, p50 and p99, errors,
//! limited, and the server's memory (PSS, from /proc/PID/smaps_rollup) before and after. Exits
//! with an error if any request failed.

// A load command reports on standard output.
#![allow(clippy::print_stdout)]

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use clap::Parser;
use dfns_client::models::{
    DelegatedLoginRequest, HistoryQuery, ListWalletsQuery, SignedChallenge, TransferRequest,
};
use dfns_client::{ClientConfig, DelegatedClient, KeySigner, Secret, ServiceAccountClient};
use serde_json::Value;
use sigil_authn::{CancellationToken, Passkeys};
use support::{Approve, expect_ok, login_chain, percentile, sign_up_and_register};

#[derive(Debug, Parser)]
struct Args {
    /// The emulator's data dir (its bootstrap.json names its URL and service account).
    #[arg(long)]
    emulator_data_dir: PathBuf,
    /// The emulator's process id, for its memory.
    #[arg(long)]
    emulator_pid: u32,
    /// The companion's base URL, e.g. `http://127.0.0.1:8788`.
    #[arg(long)]
    companion_url: String,
    /// The companion's process id, for its memory.
    #[arg(long)]
    companion_pid: u32,
    /// Requests to send to each server.
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Requests in flight at once, per server.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// People to sign up and register first (the website allows 10 sign-ups per address in
    /// 10 minutes).
    #[arg(long, default_value_t = 8)]
    users: usize,
    /// Stop each server's part after this many seconds even if `--requests` is not reached.
    #[arg(long, default_value_t = 600)]
    max_secs: u64,
}

/// A person of the load: their app session, passkey, Dfns token and Sepolia wallet.
struct Person {
    email: String,
    session: String,
    passkeys: Passkeys,
    dfns: DelegatedClient,
    wallet: String,
}

/// How one request ended.
enum Answer {
    Ok,
    /// A rate limit the server applies by design.
    Limited,
    Error(String),
}

impl Answer {
    fn of_status(status: reqwest::StatusCode, what: &str) -> Self {
        match status.as_u16() {
            200..=299 => Self::Ok,
            429 => Self::Limited,
            other => Self::Error(format!("{what}: HTTP {other}")),
        }
    }

    fn of_dfns<T>(result: Result<T, dfns_client::Error>, what: &str) -> Self {
        match result {
            Ok(_) => Self::Ok,
            Err(error) if error.status() == Some(429) => Self::Limited,
            Err(error) => Self::Error(format!("{what}: {error}")),
        }
    }
}

/// What one server's part measured.
#[derive(Default)]
struct Tally {
    elapsed: Duration,
    latencies: Vec<Duration>,
    by_kind: BTreeMap<&'static str, usize>,
    limited: usize,
    errors: Vec<String>,
}

impl Tally {
    fn add(&mut self, kind: &'static str, took: Duration, answers: Vec<Answer>) {
        self.latencies.push(took);
        *self.by_kind.entry(kind).or_default() += answers.len();
        for answer in answers {
            match answer {
                Answer::Ok => {}
                Answer::Limited => self.limited += 1,
                Answer::Error(error) => self.errors.push(error),
            }
        }
    }

    fn merge(&mut self, other: Self) {
        self.latencies.extend(other.latencies);
        for (kind, count) in other.by_kind {
            *self.by_kind.entry(kind).or_default() += count;
        }
        self.limited += other.limited;
        self.errors.extend(other.errors);
    }

    fn requests(&self) -> usize {
        self.by_kind.values().sum()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(args.requests > 0 && args.concurrency > 0 && args.users > 0, "counts must be > 0");
    let bootstrap = dfns_emulator::read_bootstrap(&args.emulator_data_dir)
        .with_context(|| format!("no bootstrap.json in {}", args.emulator_data_dir.display()))?;
    for url in [&bootstrap.api_url, &args.companion_url] {
        ensure!(url.starts_with("http://127.0.0.1:"), "load only goes to loopback, not {url}");
    }
    let account = &bootstrap.service_account;
    let signer = KeySigner::from_pem(&account.cred_id, &account.private_key_pem)?;
    let dfns_config = ClientConfig::new(&bootstrap.api_url)?.with_max_retries(0);
    let service = ServiceAccountClient::new(
        dfns_config.clone(),
        Secret::new(&account.token),
        Arc::new(signer),
    )?;

    let started = Instant::now();
    let http = reqwest::Client::new();
    let mut people = Vec::new();
    for index in 0..args.users {
        let email = format!("load-{index}-{}@example.org", std::process::id());
        let (session, passkeys) = sign_up_and_register(&args.companion_url, &email).await?;
        let token = http
            .post(format!("{}/api/v1/dfns-token", args.companion_url))
            .bearer_auth(&session)
            .send()
            .await?;
        let token: Value = serde_json::from_str(&expect_ok(token).await?)?;
        let token = token["token"].as_str().context("no Dfns token")?;
        let dfns = DelegatedClient::new(dfns_config.clone(), Secret::new(token))?;
        let wallets = dfns.list_wallets(&ListWalletsQuery::default()).await?;
        let wallet =
            wallets.items.iter().find(|w| w.network == "EthereumSepolia").context("Sepolia")?;
        let funded = http
            .post(format!("{}/_emulator/faucet", bootstrap.api_url))
            .json(&serde_json::json!({"network": "EthereumSepolia", "address": wallet.address, "amount": "100000000000000000000"}))
            .send()
            .await?;
        expect_ok(funded).await?;
        people.push(Person { email, session, passkeys, dfns, wallet: wallet.id.clone() });
    }
    println!(
        "{} people signed up, registered and funded in {:.1} s",
        args.users,
        started.elapsed().as_secs_f64()
    );
    let people = Arc::new(people);

    let memory = pss_mib(args.companion_pid)?;
    let base = args.companion_url.clone();
    let companion =
        run(&args, people.clone(), move |n, person| companion_request(base.clone(), n, person))
            .await;
    report("companion", &companion, &args, memory, pss_mib(args.companion_pid)?);

    let memory = pss_mib(args.emulator_pid)?;
    let service = Arc::new(service);
    let emulator =
        run(&args, people, move |n, person| emulator_request(service.clone(), n, person)).await;
    report("emulator", &emulator, &args, memory, pss_mib(args.emulator_pid)?);

    let errors = companion.errors.len() + emulator.errors.len();
    ensure!(errors == 0, "{errors} requests failed");
    Ok(())
}

/// `--requests` requests numbered 0.., `--concurrency` at a time; worker `w` acts as person
/// `w % users`, so one person's signed transfers never race each other.
async fn run<F, Fut>(args: &Args, people: Arc<Vec<Person>>, request: F) -> Tally
where
    F: Fn(usize, Arc<Vec<Person>>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = (&'static str, Vec<Answer>)> + Send,
{
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.max_secs);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for worker in 0..args.concurrency {
        let (next, people, request, total) =
            (next.clone(), people.clone(), request.clone(), args.requests);
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let t = Instant::now();
                // The request picks its kind from `n`, its person from the worker.
                let (kind, answers) =
                    request(n * people.len() + worker % people.len(), people.clone()).await;
                tally.add(kind, t.elapsed(), answers);
            }
            tally
        }));
    }
    let mut tally = Tally::default();
    for worker in workers {
        tally.merge(worker.await.unwrap_or_default());
    }
    tally.elapsed = started.elapsed();
    tally
}

/// Request `n` (its kind: `n / users`; its person: `n % users`) to the companion.
async fn companion_request(
    base: String,
    n: usize,
    people: Arc<Vec<Person>>,
) -> (&'static str, Vec<Answer>) {
    let person = &people[n % people.len()];
    let http = reqwest::Client::new();
    let send = |request: reqwest::RequestBuilder, what: &'static str| async move {
        match request.send().await {
            Ok(answer) => Answer::of_status(answer.status(), what),
            Err(error) => Answer::Error(format!("{what}: {error}")),
        }
    };
    match (n / people.len()) % 20 {
        0..=5 => ("me", vec![send(http.get(format!("{base}/api/v1/me")).bearer_auth(&person.session), "me").await]),
        6..=10 => ("dfns-token", vec![send(http.post(format!("{base}/api/v1/dfns-token")).bearer_auth(&person.session), "dfns-token").await]),
        11..=12 => ("config", vec![send(http.get(format!("{base}/api/v1/config")), "config").await]),
        13..=15 => ("home page", vec![send(http.get(format!("{base}/")), "home page").await]),
        16..=17 => ("authorize page", vec![send(http.get(format!("{base}/login?state=load&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=sigil%3A%2F%2Fauth%2Fcallback")), "authorize page").await]),
        18 => ("new wallet", vec![send(http.post(format!("{base}/api/v1/wallets")).bearer_auth(&person.session).json(&serde_json::json!({"network": "EthereumSepolia"})), "new wallet").await]),
        _ => {
            // A new session: three requests, each limited by design past 30 sign-ins a minute.
            let answer = match login_chain(&base, &person.email).await {
                Ok(_) => Answer::Ok,
                Err(error) if error.to_string().contains("429") => Answer::Limited,
                Err(error) => Answer::Error(format!("sign-in chain: {error:#}")),
            };
            ("sign-in chain (3 requests)", vec![answer])
        }
    }
}

/// Request `n` (its kind: `n / users`; its person: `n % users`) to the emulator.
async fn emulator_request(
    service: Arc<ServiceAccountClient>,
    n: usize,
    people: Arc<Vec<Person>>,
) -> (&'static str, Vec<Answer>) {
    let person = &people[n % people.len()];
    let wallet = person.wallet.as_str();
    match (n / people.len()) % 10 {
        0..=2 => {
            let request = DelegatedLoginRequest { username: person.email.clone() };
            let login = service.delegated_login(&request).await;
            ("login", vec![Answer::of_dfns(login, "login")])
        }
        3..=4 => ("transfer", vec![transfer(person).await]),
        5 => (
            "list wallets",
            vec![Answer::of_dfns(
                person.dfns.list_wallets(&ListWalletsQuery::default()).await,
                "list wallets",
            )],
        ),
        6 => (
            "history",
            vec![Answer::of_dfns(
                person.dfns.get_wallet_history(wallet, &HistoryQuery::default()).await,
                "history",
            )],
        ),
        7..=8 => (
            "list transfers",
            vec![Answer::of_dfns(person.dfns.list_transfers(wallet, None).await, "list transfers")],
        ),
        _ => {
            ("assets", vec![Answer::of_dfns(person.dfns.get_wallet_assets(wallet).await, "assets")])
        }
    }
}

/// One native transfer of 1 wei, signed with the person's passkey (Init, passkey, Complete).
async fn transfer(person: &Person) -> Answer {
    let request = TransferRequest::Native {
        to: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
        amount: "1".into(),
        memo: None,
        priority: None,
        external_id: None,
    };
    let pending = match person.dfns.transfer_asset_init(&person.wallet, &request).await {
        Ok(pending) => pending,
        Err(error) => return Answer::of_dfns(Err::<(), _>(error), "transfer init"),
    };
    let assertion = match person
        .passkeys
        .sign(pending.challenge(), &Approve, &CancellationToken::new())
        .await
    {
        Ok(assertion) => assertion,
        Err(error) => return Answer::Error(format!("passkey: {error}")),
    };
    let signed = SignedChallenge {
        challenge_identifier: pending.challenge().challenge_identifier.clone(),
        first_factor: assertion,
        second_factor: None,
    };
    Answer::of_dfns(person.dfns.complete(pending, &signed).await, "transfer")
}

/// The proportional set size of a process, MiB.
fn pss_mib(pid: u32) -> anyhow::Result<f64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .with_context(|| format!("process {pid}"))?;
    let kib: f64 = rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no Pss line")?;
    Ok(kib / 1024.0)
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn report(server: &str, tally: &Tally, args: &Args, before: f64, after: f64) {
    let mut latencies = tally.latencies.clone();
    latencies.sort_unstable();
    let kinds: Vec<String> =
        tally.by_kind.iter().map(|(kind, count)| format!("{kind} {count}")).collect();
    println!(
        "{server}: {} requests ({}), {} at once: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms; {} errors, \
         {} limited by design (429); memory (PSS) {before:.1} MiB before, {after:.1} MiB after",
        tally.requests(),
        kinds.join(", "),
        args.concurrency,
        tally.requests() as f64 / tally.elapsed.as_secs_f64().max(f64::EPSILON),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        tally.errors.len(),
        tally.limited,
    );
    for error in tally.errors.iter().take(5) {
        println!("  error: {error}");
    }
}

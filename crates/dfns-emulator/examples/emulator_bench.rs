//! Benchmark of a running emulator on loopback, in three parts, each bounded in count and time:
//!
//! 1. logins: complete service-account user actions (`/auth/action/init` → P-256 signature →
//!    `/auth/action` → `/auth/login/delegated`), with `--concurrency` in flight;
//! 2. transfers: signed native transfers (Init → sign → Complete), `--concurrency` in flight,
//!    each worker from its own wallet to one recipient;
//! 3. scale: list latency of the first and the last page of wallets and of history, measured at
//!    a small size and again at `--wallets` wallets and `--transfers` history items, to show that
//!    a page costs the same whatever the total.
//!
//! Prints one line per part: count, throughput, p50 and p99 latency. Needs the emulator's `--emulator-api` (faucet);
//! `scripts/bench.sh` starts one with it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use dfns_client::keys::{KeyAlgorithm, PrivateKey};
use dfns_client::models::{
    CreateWalletRequest, CredentialKind, DelegatedLoginRequest, DelegatedRegistrationRequest,
    HistoryQuery, ListWalletsQuery, NewCredential, RegistrationRequest, Transfer, TransferRequest,
    UserKind, Wallet,
};
use dfns_client::{ClientConfig, KeySigner, Method, Secret, ServiceAccountClient};

#[derive(Debug, Parser)]
struct Args {
    /// The emulator's data dir (its bootstrap.json names the URL and the service account).
    #[arg(long, default_value = ".data/dfns-emulator")]
    data_dir: PathBuf,
    /// Service-account logins to run.
    #[arg(long, default_value_t = 1000)]
    logins: usize,
    /// Logins, then transfers, in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Signed transfers to run; also the history size of the scale part.
    #[arg(long, default_value_t = 10_000)]
    transfers: usize,
    /// Wallets to hold at the end of the scale part.
    #[arg(long, default_value_t = 1000)]
    wallets: usize,
    /// Stop each part after this many seconds even if its count is not reached.
    #[arg(long, default_value_t = 300)]
    max_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.logins > 0 && args.concurrency > 0,
        "--logins and --concurrency must be > 0"
    );
    let bootstrap = dfns_emulator::read_bootstrap(&args.data_dir).with_context(|| {
        format!("no bootstrap.json in {}: is the emulator running?", args.data_dir.display())
    })?;
    anyhow::ensure!(
        bootstrap.api_url.starts_with("http://127.")
            || bootstrap.api_url.starts_with("http://localhost"),
        "the benchmark only targets an emulator on loopback, not {}",
        bootstrap.api_url
    );
    let account = &bootstrap.service_account;
    let signer = KeySigner::from_pem(&account.cred_id, &account.private_key_pem)?;
    let config = ClientConfig::new(&bootstrap.api_url)?.with_max_retries(0);
    let client = ServiceAccountClient::new(config, Secret::new(&account.token), Arc::new(signer))?;
    let http = reqwest::Client::new();

    let username = register_user(&client).await?;
    let request = DelegatedLoginRequest { username };
    let login_client = client.clone();
    let logins = concurrently(args.logins, args.concurrency, args.max_secs, move |_| {
        let (client, request) = (login_client.clone(), request.clone());
        async move {
            client.delegated_login(&request).await?;
            Ok(())
        }
    })
    .await?;
    report("logins (init -> sign -> action -> delegated login)", &logins, args.concurrency);

    // One custodial sender per worker (the service account may move their funds), so workers do
    // not queue on one balance, and one recipient.
    let mut senders = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency {
        let wallet = create_wallet(&client).await?;
        faucet(&http, &bootstrap.api_url, &wallet).await?;
        senders.push(wallet);
    }
    let to = create_wallet(&client).await?;
    // Enough wallets for two full pages, so small and large pages hold as many items.
    let mut created = args.concurrency + 1;
    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
    while created < 200.min(args.wallets) && Instant::now() < deadline {
        create_wallet(&client).await?;
        created += 1;
    }
    // The first 100 transfers of the first sender, to time small pages of its history.
    let warmup = 100.min(args.transfers);
    for _ in 0..warmup {
        transfer(&client, &senders[0], &to).await?;
    }
    let small = (list_latencies(&client, &senders[0]).await?, created);
    let senders = Arc::new(senders);
    let (transfer_client, transfer_senders) = (client.clone(), senders.clone());
    let transfers = concurrently(args.transfers, args.concurrency, args.max_secs, move |worker| {
        let (client, senders, to) = (transfer_client.clone(), transfer_senders.clone(), to.clone());
        async move {
            transfer(&client, &senders[worker], &to).await?;
            Ok(())
        }
    })
    .await?;
    report("transfers (init -> sign -> action -> transfer)", &transfers, args.concurrency);
    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
    while created < args.wallets && Instant::now() < deadline {
        create_wallet(&client).await?;
        created += 1;
    }
    // The first sender's history: its transfers, the faucet's incoming item and its warm-up.
    let history = 1 + warmup + transfers.latencies.len().div_ceil(args.concurrency);
    let large = list_latencies(&client, &senders[0]).await?;
    print_scale((&small.0, small.1, warmup + 1), (&large, created, history));
    Ok(())
}

/// Latencies of a part and its wall time.
struct Part {
    latencies: Vec<Duration>,
    elapsed: Duration,
}

/// Runs `count` calls of `call(worker)` with `concurrency` workers, each making one call at a
/// time, stopping after `max_secs`.
async fn concurrently<F, Fut>(
    count: usize,
    concurrency: usize,
    max_secs: u64,
    call: F,
) -> anyhow::Result<Part>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(max_secs);
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let call = Arc::new(call);
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let (next, call) = (next.clone(), call.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < count
                && Instant::now() < deadline
            {
                let begun = Instant::now();
                call(worker).await?;
                latencies.push(begun.elapsed());
            }
            anyhow::Ok(latencies)
        });
    }
    let mut latencies = Vec::new();
    while let Some(result) = workers.join_next().await {
        latencies.extend(result??);
    }
    Ok(Part { latencies, elapsed: started.elapsed() })
}

async fn register_user(client: &ServiceAccountClient) -> anyhow::Result<String> {
    let username = format!("bench-{}@example.com", std::process::id());
    let challenge = client
        .create_delegated_registration_challenge(&DelegatedRegistrationRequest {
            email: username.clone(),
            kind: UserKind::EndUser,
            external_id: None,
        })
        .await?;
    let key = KeySigner::new(
        format!("bench-key-{}", std::process::id()),
        PrivateKey::generate(KeyAlgorithm::P256),
    );
    let registration = RegistrationRequest {
        first_factor_credential: NewCredential {
            credential_kind: CredentialKind::Key,
            credential_info: key.credential_info(&challenge.options.challenge)?,
            credential_name: None,
            encrypted_private_key: None,
        },
        second_factor_credential: None,
        recovery_credential: None,
    };
    client.register(&challenge.temporary_authentication_token, &registration).await?;
    Ok(username)
}

async fn create_wallet(client: &ServiceAccountClient) -> anyhow::Result<Wallet> {
    let request =
        CreateWalletRequest { network: "EthereumSepolia".to_owned(), ..Default::default() };
    Ok(client.create_wallet(&request).await?)
}

async fn faucet(http: &reqwest::Client, api_url: &str, wallet: &Wallet) -> anyhow::Result<()> {
    let body = serde_json::json!({
        "network": wallet.network,
        "address": wallet.address,
        "amount": "1000000000000000000000000",
    });
    let response = http.post(format!("{api_url}/_emulator/faucet")).json(&body).send().await?;
    anyhow::ensure!(
        response.status().is_success(),
        "the faucet refused ({}): start the emulator with --emulator-api",
        response.status()
    );
    Ok(())
}

async fn transfer(
    client: &ServiceAccountClient,
    from: &Wallet,
    to: &Wallet,
) -> anyhow::Result<Transfer> {
    let request = TransferRequest::Native {
        to: to.address.clone().unwrap_or_default(),
        amount: "1000".to_owned(),
        memo: None,
        priority: None,
        external_id: None,
    };
    let path = format!("/wallets/{}/transfers", from.id);
    Ok(client.signed(Method::POST, &path, &request).await?)
}

/// Median latencies of the first and the last page of wallets and of `wallet`'s history.
async fn list_latencies(
    client: &ServiceAccountClient,
    wallet: &Wallet,
) -> anyhow::Result<[Duration; 4]> {
    const SAMPLES: usize = 30;
    let wallets = |token: Option<String>| ListWalletsQuery {
        limit: Some(100),
        pagination_token: token,
        owner: None,
    };
    let history = |token: Option<String>| HistoryQuery {
        limit: Some(100),
        pagination_token: token,
        ..Default::default()
    };
    // Walk to the last page once to get its token.
    let (mut last_wallets, mut token) = (None, None);
    loop {
        let page = client.list_wallets(&wallets(token.clone())).await?;
        match page.next_page_token {
            Some(next) => {
                last_wallets = Some(next.clone());
                token = Some(next);
            }
            None => break,
        }
    }
    let (mut last_history, mut token) = (None, None);
    loop {
        let page = client.get_wallet_history(&wallet.id, &history(token.clone())).await?;
        match page.next_page_token {
            Some(next) => {
                last_history = Some(next.clone());
                token = Some(next);
            }
            None => break,
        }
    }
    let mut medians = [Duration::ZERO; 4];
    for (index, median) in medians.iter_mut().enumerate() {
        let mut samples = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let begun = Instant::now();
            match index {
                0 => drop(client.list_wallets(&wallets(None)).await?),
                1 => drop(client.list_wallets(&wallets(last_wallets.clone())).await?),
                2 => drop(client.get_wallet_history(&wallet.id, &history(None)).await?),
                _ => drop(
                    client.get_wallet_history(&wallet.id, &history(last_history.clone())).await?,
                ),
            }
            samples.push(begun.elapsed());
        }
        samples.sort_unstable();
        *median = samples[samples.len() / 2];
    }
    Ok(medians)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[allow(clippy::print_stdout)] // the benchmark's report
fn report(what: &str, part: &Part, concurrency: usize) {
    let mut sorted = part.latencies.clone();
    sorted.sort_unstable();
    let percentile = |p: f64| {
        let index = ((sorted.len().max(1) - 1) as f64 * p).round() as usize;
        sorted.get(index).map_or(0.0, |d| millis(*d))
    };
    println!(
        "{what}, concurrency {concurrency}: {} in {:.2} s, {:.1}/s, p50 {:.2} ms, p99 {:.2} ms",
        sorted.len(),
        part.elapsed.as_secs_f64(),
        sorted.len() as f64 / part.elapsed.as_secs_f64(),
        percentile(0.50),
        percentile(0.99)
    );
}

#[allow(clippy::print_stdout)] // the benchmark's report
fn print_scale(small: (&[Duration; 4], usize, usize), large: (&[Duration; 4], usize, usize)) {
    println!("list latency, median of 30, 100 items per page:");
    let rows =
        ["wallets, first page", "wallets, last page", "history, first page", "history, last page"];
    for (index, what) in rows.iter().enumerate() {
        let size = |(_, wallets, history): (&[Duration; 4], usize, usize)| {
            if index < 2 { format!("{wallets} wallets") } else { format!("{history} items") }
        };
        println!(
            "  {what:<20} {:>7.2} ms at {:<14} {:>7.2} ms at {}",
            millis(small.0[index]),
            size(small),
            millis(large.0[index]),
            size(large)
        );
    }
}

//! Sequential signed transfers through [`ServiceAccountClient`] against a running emulator on
//! loopback: each one is `/auth/action/init` → P-256 signature → `/auth/action` →
//! `POST /wallets/{id}/transfers`, timed from the call to the decoded answer.
//!
//! * `--setup FILE`: creates two custodial wallets with the service account, funds the first
//!   through the emulator's faucet (`--emulator-api`) and writes `{"from": walletId, "to":
//!   address}` to FILE, so that both clients move funds between the same wallets.
//! * `--wallets FILE`: runs `--warmup` untimed transfers between those wallets, then up to
//!   `--count` timed ones (at most `--max-secs` seconds), prints `N transfers, p50 X ms, p99 Y ms`
//!   and, with `--latencies-out`, writes each latency in ms, one a line.
//!
//! `scripts/bench-client.sh` (`make bench-client`) starts the emulator, sets up once, then runs
//! this and the official TypeScript SDK (`tests/sdk/node/bench/transfer.mjs`) in turns.

use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfns_client::models::{CreateWalletRequest, RequestStatus, Transfer, TransferRequest, Wallet};
use dfns_client::{ClientConfig, KeySigner, Method, Secret, ServiceAccountClient};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

struct Args {
    data_dir: PathBuf,
    setup: Option<PathBuf>,
    wallets: Option<PathBuf>,
    count: usize,
    warmup: usize,
    max_secs: u64,
    latencies_out: Option<PathBuf>,
}

const USAGE: &str = "transfer_bench --data-dir DIR (--setup FILE | --wallets FILE [--count 2000] \
                     [--warmup 100] [--max-secs 120] [--latencies-out FILE])";

fn parse_args() -> Result<Args> {
    let mut args = Args {
        data_dir: PathBuf::from(".data/dfns-emulator"),
        setup: None,
        wallets: None,
        count: 2000,
        warmup: 100,
        max_secs: 120,
        latencies_out: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut value = || given.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match flag.as_str() {
            "--data-dir" => args.data_dir = value()?.into(),
            "--count" => args.count = value()?.parse()?,
            "--warmup" => args.warmup = value()?.parse()?,
            "--max-secs" => args.max_secs = value()?.parse()?,
            "--setup" => args.setup = Some(value()?.into()),
            "--wallets" => args.wallets = Some(value()?.into()),
            "--latencies-out" => args.latencies_out = Some(value()?.into()),
            _ => return Err(format!("unknown argument {flag}; {USAGE}").into()),
        }
    }
    if args.count == 0 || args.setup.is_some() == args.wallets.is_some() {
        return Err(
            format!("--count must be > 0, and one of --setup or --wallets given; {USAGE}").into()
        );
    }
    Ok(args)
}

// One thread, like Node's event loop: the transfers are sequential, so a second worker thread
// would only add cross-thread wake-ups between the connection task and the caller.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let path = args.data_dir.join("bootstrap.json");
    let bootstrap: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&path)
            .map_err(|e| format!("{}: {e}: is the emulator running?", path.display()))?,
    )?;
    let field = |pointer: &str| {
        bootstrap
            .pointer(pointer)
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| format!("bootstrap.json has no {pointer}"))
    };
    let api_url = field("/apiUrl")?;
    if !(api_url.starts_with("http://127.") || api_url.starts_with("http://localhost")) {
        return Err(
            format!("the benchmark only targets an emulator on loopback, not {api_url}").into()
        );
    }
    let signer = KeySigner::from_pem(
        field("/serviceAccount/credId")?,
        field("/serviceAccount/privateKeyPem")?,
    )?;
    let config = ClientConfig::new(api_url)?.with_max_retries(0);
    let token = Secret::new(field("/serviceAccount/token")?);
    let client = ServiceAccountClient::new(config, token, Arc::new(signer))?;

    if let Some(out) = &args.setup {
        let from = create_wallet(&client).await?;
        let to = create_wallet(&client).await?;
        faucet(api_url, &from).await?;
        let to = to.address.ok_or("the recipient wallet has no address")?;
        std::fs::write(out, serde_json::json!({ "from": from.id, "to": to }).to_string())?;
        return Ok(());
    }
    let wallets = args.wallets.as_ref().ok_or(USAGE)?;
    let wallets: serde_json::Value = serde_json::from_slice(&std::fs::read(wallets)?)?;
    let wallet = |name: &str| {
        wallets[name].as_str().map(str::to_owned).ok_or(format!("no {name} in the wallets file"))
    };
    let (from, to) = (wallet("from")?, wallet("to")?);

    for _ in 0..args.warmup {
        transfer(&client, &from, &to).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
    let mut latencies = Vec::with_capacity(args.count);
    while latencies.len() < args.count && Instant::now() < deadline {
        let begun = Instant::now();
        let sent: Transfer =
            client.signed(Method::POST, &transfer_path(&from), &request(&to)).await?;
        latencies.push(begun.elapsed());
        check(&sent, &from)?;
    }
    if let Some(out) = &args.latencies_out {
        let lines: String =
            latencies.iter().map(|d| format!("{:.6}\n", d.as_secs_f64() * 1000.0)).collect();
        std::fs::write(out, lines)?;
    }
    report(&mut latencies);
    Ok(())
}

async fn create_wallet(client: &ServiceAccountClient) -> Result<Wallet> {
    let request =
        CreateWalletRequest { network: "EthereumSepolia".to_owned(), ..Default::default() };
    Ok(client.create_wallet(&request).await?)
}

/// The emulator's faucet: plenty for every transfer of both runs.
async fn faucet(api_url: &str, wallet: &Wallet) -> Result<()> {
    let body = serde_json::json!({
        "network": wallet.network,
        "address": wallet.address,
        "amount": "1000000000000000000000000",
    });
    let response = reqwest::Client::new()
        .post(format!("{api_url}/_emulator/faucet"))
        .json(&body)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!(
            "the faucet refused ({}): start the emulator with --emulator-api",
            response.status()
        )
        .into());
    }
    Ok(())
}

fn transfer_path(from: &str) -> String {
    format!("/wallets/{from}/transfers")
}

fn request(to: &str) -> TransferRequest {
    TransferRequest::Native {
        to: to.to_owned(),
        amount: "1000".to_owned(),
        memo: None,
        priority: None,
        external_id: None,
    }
}

async fn transfer(client: &ServiceAccountClient, from: &str, to: &str) -> Result<()> {
    let sent: Transfer = client.signed(Method::POST, &transfer_path(from), &request(to)).await?;
    check(&sent, from)
}

/// The transfer really went out: an id, from this wallet, not failed or rejected.
fn check(sent: &Transfer, from: &str) -> Result<()> {
    let accepted = matches!(
        sent.status,
        RequestStatus::Pending
            | RequestStatus::Executing
            | RequestStatus::Broadcasted
            | RequestStatus::Signed
            | RequestStatus::Confirmed
    );
    if !sent.id.starts_with("xfr-") || sent.wallet_id != from || !accepted {
        return Err(format!(
            "unexpected transfer: id {}, wallet {}, status {}",
            sent.id, sent.wallet_id, sent.status
        )
        .into());
    }
    Ok(())
}

/// `N transfers, p50 X ms, p99 Y ms`: nearest rank, as the Node side computes it.
#[allow(clippy::print_stdout)] // the benchmark's report
fn report(latencies: &mut [Duration]) {
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let index = ((latencies.len() - 1) as f64 * p).round() as usize;
        latencies[index].as_secs_f64() * 1000.0
    };
    println!(
        "{} transfers, p50 {:.3} ms, p99 {:.3} ms",
        latencies.len(),
        percentile(0.50),
        percentile(0.99)
    );
}

//! Benchmark: complete service-account user actions against a running emulator on loopback.
//!
//! Each operation is what a company backend does to log an end user in: `/auth/action/init`,
//! a P-256 signature, `/auth/action`, then `/auth/login/delegated` with the user action.
//! Prints throughput and p50/p99 latency. Bounded in count and in time.
//!
//! ```sh
//! cargo run --release -p dfns-emulator --example bench -- --data-dir .data/dfns-emulator
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use dfns_client::keys::{KeyAlgorithm, PrivateKey};
use dfns_client::models::{
    CredentialKind, DelegatedLoginRequest, DelegatedRegistrationRequest, NewCredential,
    RegistrationRequest, UserKind,
};
use dfns_client::{ClientConfig, KeySigner, Secret, ServiceAccountClient};

#[derive(Debug, Parser)]
struct Args {
    /// The emulator's data dir (its bootstrap.json names the URL and the service account).
    #[arg(long, default_value = ".data/dfns-emulator")]
    data_dir: PathBuf,
    /// Operations to run.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Operations in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Stop after this many seconds even if `count` is not reached.
    #[arg(long, default_value_t = 120)]
    max_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.count > 0 && args.concurrency > 0,
        "--count and --concurrency must be > 0"
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

    // One end user to log in, registered with a Key credential.
    let username = format!("bench-{}@example.com", std::process::id());
    let challenge = client
        .create_delegated_registration_challenge(&DelegatedRegistrationRequest {
            email: username.clone(),
            kind: UserKind::EndUser,
            external_id: None,
        })
        .await?;
    let user_key = KeySigner::new(
        format!("bench-key-{}", std::process::id()),
        PrivateKey::generate(KeyAlgorithm::P256),
    );
    let credential = NewCredential {
        credential_kind: CredentialKind::Key,
        credential_info: user_key.credential_info(&challenge.challenge)?,
        credential_name: None,
        encrypted_private_key: None,
    };
    let registration = RegistrationRequest {
        first_factor_credential: credential,
        second_factor_credential: None,
        recovery_credential: None,
    };
    client.register(&challenge.temporary_authentication_token, &registration).await?;

    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency {
        let (client, next, username, count) =
            (client.clone(), next.clone(), username.clone(), args.count);
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let request = DelegatedLoginRequest { username };
            while next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < count
                && Instant::now() < deadline
            {
                let begun = Instant::now();
                client.delegated_login(&request).await?;
                latencies.push(begun.elapsed());
            }
            anyhow::Ok(latencies)
        });
    }
    let mut latencies = Vec::new();
    while let Some(result) = workers.join_next().await {
        latencies.extend(result??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[index].as_secs_f64() * 1000.0
    };
    #[allow(clippy::print_stdout)] // the benchmark's report
    {
        println!(
            "operations: {} in {:.2} s, concurrency {} (init -> sign -> action -> delegated login)",
            latencies.len(),
            elapsed.as_secs_f64(),
            args.concurrency
        );
        println!("throughput: {:.1} ops/s", latencies.len() as f64 / elapsed.as_secs_f64());
        println!("latency: p50 {:.2} ms, p99 {:.2} ms", percentile(0.50), percentile(0.99));
    }
    Ok(())
}

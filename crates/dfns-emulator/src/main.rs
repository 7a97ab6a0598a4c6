//! `dfns-emulator`: serve the emulated Dfns API, or print its service-account environment.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use dfns_emulator::{Config, Emulator, Lifetimes, env_lines, read_bootstrap};
use url::Url;

#[derive(Debug, Parser)]
#[command(version, about = "A local, faithful emulator of the Dfns API")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print `export DFNS_…=…` lines for the service account of a data dir.
    Env {
        /// The emulator's data dir.
        #[arg(long, env = "DFNS_EMULATOR_DATA_DIR")]
        data_dir: PathBuf,
    },
}

#[derive(Debug, Args)]
struct Serve {
    /// Address to listen on.
    #[arg(long, env = "DFNS_EMULATOR_LISTEN", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Where the SQLite file and bootstrap.json live.
    #[arg(long, env = "DFNS_EMULATOR_DATA_DIR", default_value = ".data/dfns-emulator")]
    data_dir: PathBuf,
    /// Passkey relying-party id (a bare domain).
    #[arg(long, env = "DFNS_EMULATOR_RP_ID", default_value = "localhost")]
    rp_id: String,
    /// An origin allowed in WebAuthn client data; repeat for several.
    #[arg(
        long = "origin",
        env = "DFNS_EMULATOR_ORIGINS",
        value_delimiter = ',',
        default_value = "https://localhost"
    )]
    origins: Vec<Url>,
    /// Lifetime of end-user login tokens, in seconds.
    #[arg(long, default_value_t = 900)]
    login_token_ttl_secs: i64,
    /// Lifetime of registration temporary tokens, in seconds.
    #[arg(long, default_value_t = 600)]
    temporary_token_ttl_secs: i64,
    /// Lifetime of challenges and signed user actions, in seconds.
    #[arg(long, default_value_t = 300)]
    challenge_ttl_secs: i64,
    /// Milliseconds from a transfer's request to its confirmation on the simulated chain.
    #[arg(long, env = "DFNS_EMULATOR_CONFIRM_AFTER_MS", default_value_t = 3000)]
    confirm_after_ms: i64,
    /// Turn on the emulator-only writes under /_emulator/ (the faucet).
    #[arg(long, env = "DFNS_EMULATOR_API")]
    emulator_api: bool,
    /// Credit every new wallet with one whole unit of its network's coin (needs --emulator-api).
    #[arg(long, env = "DFNS_EMULATOR_FUND_NEW_WALLETS", requires = "emulator_api")]
    fund_new_wallets: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Env { data_dir }) => {
            let bootstrap = read_bootstrap(&data_dir).with_context(|| {
                format!(
                    "no usable bootstrap.json in {}: start the emulator there first",
                    data_dir.display()
                )
            })?;
            std::io::stdout().write_all(env_lines(&bootstrap).as_bytes())?;
            Ok(())
        }
        None => serve(cli.serve).await,
    }
}

async fn serve(args: Serve) -> anyhow::Result<()> {
    for (name, value) in [
        ("--login-token-ttl-secs", args.login_token_ttl_secs),
        ("--temporary-token-ttl-secs", args.temporary_token_ttl_secs),
        ("--challenge-ttl-secs", args.challenge_ttl_secs),
    ] {
        anyhow::ensure!(value > 0, "{name} must be a positive number of seconds");
    }
    let mut config = Config::new(args.data_dir);
    config.rp_id = args.rp_id;
    config.origins = args.origins;
    config.confirm_after_ms = args.confirm_after_ms;
    config.emulator_api = args.emulator_api;
    config.fund_new_wallets = args.fund_new_wallets;
    config.lifetimes = Lifetimes {
        login_token_ms: args.login_token_ttl_secs * 1000,
        temporary_token_ms: args.temporary_token_ttl_secs * 1000,
        challenge_ms: args.challenge_ttl_secs * 1000,
        user_action_ms: args.challenge_ttl_secs * 1000,
        ..Lifetimes::default()
    };
    let emulator = Emulator::open(config).await.context("could not start the emulator")?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    emulator.serve(listener, shutdown_signal()).await.context("server failed")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

//! Settings from flags and the environment (`clap`), checked once at start into a [`Config`].
//! A missing or malformed setting stops the companion with a message naming it.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use dfns_client::{KeySigner, Secret};
use url::Url;

use crate::limits::Limits;
use crate::mail::SmtpMailer;
use crate::store::{Backend, redact_url};
use crate::updates::Releases;

/// The command line of `sigil-companion`. Every flag can also come from the environment variable
/// shown in `--help`; the service account's secrets should come only from there.
#[derive(Parser)]
#[command(name = "sigil-companion", version, about, long_about = None)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "SIGIL_COMPANION_LISTEN", default_value = "127.0.0.1:8788")]
    pub listen: SocketAddr,
    /// Database: `sqlite://PATH?mode=rwc` (one instance) or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(
        long,
        env = "SIGIL_COMPANION_DATABASE_URL",
        default_value = "sqlite://sigil-companion.db?mode=rwc",
        hide_default_value = false,
        hide_env_values = true
    )]
    pub database_url: String,
    /// The URL people and the app reach this companion at (links, cookies, CSRF origin check).
    #[arg(long, env = "SIGIL_COMPANION_PUBLIC_URL", default_value = "http://127.0.0.1:8788")]
    pub public_url: String,
    /// The Dfns API (the real one, or a dfns-emulator).
    #[arg(long, env = "DFNS_API_URL", default_value = "http://127.0.0.1:8787")]
    pub dfns_api_url: String,
    /// The service account's token.
    #[arg(long, env = "DFNS_SERVICE_ACCOUNT_TOKEN", hide_env_values = true, value_parser = secret)]
    pub dfns_service_account_token: Option<Secret>,
    /// The id of the service account's Key credential.
    #[arg(long, env = "DFNS_SERVICE_ACCOUNT_CRED_ID")]
    pub dfns_service_account_cred_id: Option<String>,
    /// The service account's private key, PEM (`\n` escapes are accepted).
    #[arg(
        long,
        env = "DFNS_SERVICE_ACCOUNT_PRIVATE_KEY",
        hide_env_values = true,
        value_parser = secret
    )]
    pub dfns_service_account_private_key: Option<Secret>,
    /// The WebAuthn relying party id passkeys are made for (a bare domain).
    #[arg(long, env = "SIGIL_RP_ID", default_value = "localhost")]
    pub rp_id: String,
    /// The origin the app writes into WebAuthn client data (default `https://{rp-id}`).
    #[arg(long, env = "SIGIL_ORIGIN")]
    pub origin: Option<String>,
    /// The name shown for this company's wallet.
    #[arg(long, env = "SIGIL_APP_NAME", default_value = "Sigil")]
    pub app_name: String,
    /// The Dfns networks the company offers, comma-separated.
    #[arg(
        long,
        env = "SIGIL_NETWORKS",
        value_delimiter = ',',
        default_value = "EthereumSepolia,BaseSepolia,PolygonAmoy,ArbitrumSepolia,BitcoinTestnet4,SolanaDevnet"
    )]
    pub networks: Vec<String>,
    /// The networks every user gets a wallet on at registration, comma-separated.
    #[arg(
        long,
        env = "SIGIL_DEFAULT_NETWORKS",
        value_delimiter = ',',
        default_value = "EthereumSepolia,SolanaDevnet"
    )]
    pub default_networks: Vec<String>,
    /// Redirect URIs the authorize page may send codes to (repeat, or comma-separated).
    #[arg(
        long = "redirect-uri",
        env = "SIGIL_REDIRECT_URIS",
        value_delimiter = ',',
        default_value = sigil_api::DEFAULT_REDIRECT_URI
    )]
    pub redirect_uris: Vec<String>,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a reverse proxy).
    #[arg(long, env = "SIGIL_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Password hashes (argon2id, 19 MiB each) this process runs at once; sign-ins and sign-ups
    /// beyond it get HTTP 503 with `Retry-After`.
    #[arg(long, env = "SIGIL_CONCURRENT_PASSWORD_HASHES", default_value_t = 8)]
    pub concurrent_password_hashes: u32,
    /// Default guardrails for users' wallets, JSON: `{"dailyLimits":{"EthereumSepolia":
    /// {"Native":"0.5"}},"firstSendWarning":true,"lookalikeCheck":true}`.
    #[arg(long, env = "SIGIL_GUARDRAILS")]
    pub guardrails: Option<String>,
    /// Block explorers the app links to instead of its own, per offered network, JSON:
    /// `{"EthereumSepolia":{"transaction":"https://sepolia.etherscan.io/tx/{hash}",
    /// "address":"https://sepolia.etherscan.io/address/{address}"}}`.
    #[arg(long, env = "SIGIL_EXPLORERS")]
    pub explorers: Option<String>,
    /// The SMTP server mail goes through: `smtps://USER:PASSWORD@HOST[:PORT]`, or
    /// `smtp://USER:PASSWORD@HOST[:PORT]?tls=required` (STARTTLS); plain `smtp://` only to this
    /// machine. Without it (or `--mail-outbox`) no mail goes out and recovery is off.
    #[arg(long, env = "SIGIL_SMTP_URL", hide_env_values = true, value_parser = secret)]
    pub smtp_url: Option<Secret>,
    /// The sender of the mails, e.g. `Example Wallet <wallet@example.com>` (with `--smtp-url`).
    #[arg(long, env = "SIGIL_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Development and tests only: keep mails in the database and show them at `/dev/outbox`
    /// (to anyone) instead of sending them.
    #[arg(long, env = "SIGIL_MAIL_OUTBOX")]
    pub mail_outbox: bool,
    /// The folder of the app's signed updates (one subfolder per release; see the README).
    /// Without it, `/updates` answers `UPDATES_OFF`.
    #[arg(long, env = "SIGIL_UPDATES_DIR")]
    pub updates_dir: Option<PathBuf>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("dfns_api_url", &self.dfns_api_url)
            .field("rp_id", &self.rp_id)
            .field("mail_outbox", &self.mail_outbox)
            .finish_non_exhaustive()
    }
}

fn secret(raw: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(raw))
}

/// A setting that is missing or malformed.
#[derive(Debug, thiserror::Error)]
#[error("setting {setting}: {problem}")]
pub struct ConfigError {
    /// The flag and environment variable, e.g. `--public-url / SIGIL_COMPANION_PUBLIC_URL`.
    pub setting: &'static str,
    /// What is wrong and what would be right. Never contains a secret.
    pub problem: String,
}

impl ConfigError {
    /// The stable code of every configuration error.
    pub const CODE: &'static str = "CONFIG_INVALID";

    fn new(setting: &'static str, problem: impl Into<String>) -> Self {
        Self { setting, problem: problem.into() }
    }
}

/// The service account the companion acts as.
#[derive(Clone)]
pub struct ServiceAccount {
    /// Its bearer token.
    pub token: Secret,
    /// Its Key credential.
    pub signer: Arc<KeySigner>,
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("cred_id", &self.signer.cred_id())
            .finish_non_exhaustive()
    }
}

/// Where the companion's mail goes.
#[derive(Debug, Clone)]
pub enum MailSettings {
    /// Nowhere: the website's recovery check cannot send its code, so recovery is off.
    Off,
    /// Into the development outbox (`/dev/outbox`).
    Outbox,
    /// Through this SMTP server.
    Smtp(Arc<SmtpMailer>),
}

/// Everything the companion runs with, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The database URL (may hold a password: show it with [`redact_url`]).
    pub database_url: String,
    /// The companion's own URL, without a trailing slash.
    pub public_url: Url,
    /// The Dfns API.
    pub dfns_api_url: Url,
    /// The service account.
    pub service_account: ServiceAccount,
    /// The WebAuthn relying party id.
    pub rp_id: String,
    /// The WebAuthn origin of the app.
    pub origin: Url,
    /// The name shown for the wallet.
    pub app_name: String,
    /// The networks offered.
    pub networks: Vec<String>,
    /// The networks provisioned at registration (a subset of `networks`).
    pub default_networks: Vec<String>,
    /// The redirect URIs codes may be sent to, compared as exact strings.
    pub redirect_uris: Vec<String>,
    /// Whether `X-Forwarded-For` names the client.
    pub trust_forwarded_for: bool,
    /// Rate limits, the sign-in backoff and the password hashes at once.
    pub limits: Limits,
    /// Default guardrails the app applies until a person sets their own.
    pub guardrails: Option<sigil_api::CompanyGuardrails>,
    /// The company's block explorers, per network.
    pub explorers: BTreeMap<String, sigil_api::ExplorerLinks>,
    /// Where mail goes.
    pub mail: MailSettings,
    /// The app's signed updates, if this companion serves them.
    pub updates: Option<Releases>,
}

impl Config {
    /// Checks `settings`; the first problem found is returned, naming its setting.
    pub fn from_settings(settings: Settings) -> Result<Self, ConfigError> {
        const DATABASE: &str = "--database-url / SIGIL_COMPANION_DATABASE_URL";
        Backend::of_url(&settings.database_url)
            .map_err(|error| ConfigError::new(DATABASE, error.to_string()))?;
        let public_url = web_url(
            "--public-url / SIGIL_COMPANION_PUBLIC_URL",
            &settings.public_url,
            "the URL people open, e.g. https://wallet.example.com",
        )?;
        let dfns_api_url = web_url(
            "--dfns-api-url / DFNS_API_URL",
            &settings.dfns_api_url,
            "e.g. https://api.dfns.io, or http://127.0.0.1:8787 for the emulator",
        )?;
        let service_account = service_account(&settings)?;
        let rp_id = rp_id(&settings.rp_id)?;
        let origin = origin(settings.origin.as_deref(), &rp_id)?;
        let app_name = settings.app_name.trim().to_owned();
        if app_name.is_empty() || app_name.chars().count() > 64 {
            return Err(ConfigError::new("--app-name / SIGIL_APP_NAME", "use 1 to 64 characters"));
        }
        let networks = network_list("--networks / SIGIL_NETWORKS", &settings.networks)?;
        if networks.is_empty() {
            return Err(ConfigError::new(
                "--networks / SIGIL_NETWORKS",
                "name at least one network",
            ));
        }
        let default_networks = network_list(
            "--default-networks / SIGIL_DEFAULT_NETWORKS",
            &settings.default_networks,
        )?;
        if let Some(stray) = default_networks.iter().find(|n| !networks.contains(n)) {
            return Err(ConfigError::new(
                "--default-networks / SIGIL_DEFAULT_NETWORKS",
                format!("{stray} is not one of --networks ({})", networks.join(",")),
            ));
        }
        let redirect_uris = redirect_uris(&settings.redirect_uris)?;
        let limits = limits(&settings)?;
        let guardrails = guardrails(settings.guardrails.as_deref(), &networks)?;
        let explorers = explorers(settings.explorers.as_deref(), &networks)?;
        let mail = mail(&settings)?;
        let updates = updates(settings.updates_dir.as_deref())?;
        Ok(Self {
            listen: settings.listen,
            database_url: settings.database_url,
            public_url,
            dfns_api_url,
            service_account,
            rp_id,
            origin,
            app_name,
            networks,
            default_networks,
            redirect_uris,
            trust_forwarded_for: settings.trust_forwarded_for,
            limits,
            guardrails,
            explorers,
            mail,
            updates,
        })
    }

    /// Whether cookies must be `Secure` (the public URL is HTTPS).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The public URL's origin, as browsers send it in `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

/// An `http(s)` URL with a host, no query and no fragment; the trailing slash is dropped.
fn web_url(setting: &'static str, raw: &str, example: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw.trim())
        .map_err(|error| ConfigError::new(setting, format!("not a URL ({error}); {example}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::new(setting, format!("use an http or https URL; {example}")));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(ConfigError::new(setting, "leave out user name, query and fragment"));
    }
    let mut url = url;
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

fn service_account(settings: &Settings) -> Result<ServiceAccount, ConfigError> {
    const TOKEN: &str = "DFNS_SERVICE_ACCOUNT_TOKEN";
    const CRED_ID: &str = "DFNS_SERVICE_ACCOUNT_CRED_ID";
    const KEY: &str = "DFNS_SERVICE_ACCOUNT_PRIVATE_KEY";
    let missing = |setting| {
        ConfigError::new(
            setting,
            "missing: set it in the environment (for the emulator: \
             `eval \"$(dfns-emulator env --data-dir DIR)\"`)",
        )
    };
    let token = settings
        .dfns_service_account_token
        .clone()
        .filter(|token| !token.expose().trim().is_empty())
        .ok_or_else(|| missing(TOKEN))?;
    if token.expose().trim().chars().any(char::is_whitespace) {
        return Err(ConfigError::new(TOKEN, "a token has no spaces or line breaks"));
    }
    let cred_id = settings
        .dfns_service_account_cred_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| missing(CRED_ID))?;
    let pem = settings
        .dfns_service_account_private_key
        .as_ref()
        .filter(|key| !key.expose().trim().is_empty())
        .ok_or_else(|| missing(KEY))?;
    // `.env` files often carry a PEM on one line with literal `\n`.
    let pem = pem.expose().replace("\\n", "\n");
    let signer = KeySigner::from_pem(cred_id, &pem).map_err(|error| {
        ConfigError::new(KEY, format!("not a private key in PEM form: {error}"))
    })?;
    Ok(ServiceAccount { token: Secret::new(token.expose().trim()), signer: Arc::new(signer) })
}

/// A bare domain: what a WebAuthn rp id is.
fn rp_id(raw: &str) -> Result<String, ConfigError> {
    const SETTING: &str = "--rp-id / SIGIL_RP_ID";
    let rp_id = raw.trim().to_ascii_lowercase();
    let as_host = Url::parse(&format!("https://{rp_id}/")).ok();
    let valid = as_host.is_some_and(|url| url.host_str() == Some(rp_id.as_str()))
        && !rp_id.is_empty()
        && !rp_id.contains(':');
    if !valid {
        return Err(ConfigError::new(
            SETTING,
            format!("{raw:?} is not a bare domain such as example.com or localhost"),
        ));
    }
    Ok(rp_id)
}

/// The app's WebAuthn origin: its host must be the rp id or under it (WebAuthn L2 §5.1.3).
fn origin(raw: Option<&str>, rp_id: &str) -> Result<Url, ConfigError> {
    const SETTING: &str = "--origin / SIGIL_ORIGIN";
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return Url::parse(&format!("https://{rp_id}"))
            .map_err(|error| ConfigError::new(SETTING, error.to_string()));
    };
    let origin = Url::parse(raw)
        .map_err(|error| ConfigError::new(SETTING, format!("not a URL ({error})")))?;
    let host = origin.host_str().unwrap_or_default();
    if host != rp_id && !host.ends_with(&format!(".{rp_id}")) {
        return Err(ConfigError::new(
            SETTING,
            format!("the origin's host {host:?} must be {rp_id} or a subdomain of it"),
        ));
    }
    if origin.path() != "/" || origin.query().is_some() {
        return Err(ConfigError::new(SETTING, "an origin is scheme://host[:port], no path"));
    }
    Ok(origin)
}

/// Network names: letters and digits, each once; empty items (a trailing comma) are ignored.
fn network_list(setting: &'static str, raw: &[String]) -> Result<Vec<String>, ConfigError> {
    let mut networks: Vec<String> = Vec::new();
    for name in raw.iter().map(|name| name.trim()).filter(|name| !name.is_empty()) {
        if !name.chars().all(|c| c.is_ascii_alphanumeric()) || name.len() > 64 {
            return Err(ConfigError::new(
                setting,
                format!("{name:?} is not a Dfns network name such as EthereumSepolia"),
            ));
        }
        if !networks.iter().any(|known| known == name) {
            networks.push(name.to_owned());
        }
    }
    Ok(networks)
}

/// The default limits with the ones set on the command line.
fn limits(settings: &Settings) -> Result<Limits, ConfigError> {
    const HASHES: &str = "--concurrent-password-hashes / SIGIL_CONCURRENT_PASSWORD_HASHES";
    let concurrent_password_hashes = usize::try_from(settings.concurrent_password_hashes)
        .ok()
        .filter(|hashes| (1..=4096).contains(hashes))
        .ok_or_else(|| ConfigError::new(HASHES, "use 1 to 4096 (each takes 19 MiB)"))?;
    Ok(Limits { concurrent_password_hashes, ..Limits::default() })
}

/// Default guardrails: JSON naming offered networks, with limits that are positive amounts.
fn guardrails(
    raw: Option<&str>,
    networks: &[String],
) -> Result<Option<sigil_api::CompanyGuardrails>, ConfigError> {
    const SETTING: &str = "--guardrails / SIGIL_GUARDRAILS";
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else { return Ok(None) };
    let guardrails: sigil_api::CompanyGuardrails = serde_json::from_str(raw).map_err(|error| {
        ConfigError::new(
            SETTING,
            format!("not the JSON expected ({error}); e.g. {{\"dailyLimits\":{{\"EthereumSepolia\":{{\"Native\":\"0.5\"}}}}}}"),
        )
    })?;
    for (network, limits) in &guardrails.daily_limits {
        if !networks.contains(network) {
            return Err(ConfigError::new(
                SETTING,
                format!("{network} is not one of --networks ({})", networks.join(",")),
            ));
        }
        for (asset, amount) in limits {
            let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
            let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
            let positive = amount.bytes().any(|byte| matches!(byte, b'1'..=b'9'));
            if whole.is_empty() || !digits(whole) || !digits(fraction) || !positive {
                return Err(ConfigError::new(
                    SETTING,
                    format!(
                        "the limit of {asset} on {network} is {amount:?}: use a positive amount such as \"0.5\""
                    ),
                ));
            }
        }
    }
    Ok(Some(guardrails))
}

fn explorers(
    raw: Option<&str>,
    networks: &[String],
) -> Result<BTreeMap<String, sigil_api::ExplorerLinks>, ConfigError> {
    const SETTING: &str = "--explorers / SIGIL_EXPLORERS";
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return Ok(BTreeMap::new());
    };
    let explorers: BTreeMap<String, sigil_api::ExplorerLinks> = serde_json::from_str(raw)
        .map_err(|error| {
            ConfigError::new(
                SETTING,
                format!("not the JSON expected ({error}); e.g. {{\"EthereumSepolia\":{{\"transaction\":\"https://sepolia.etherscan.io/tx/{{hash}}\",\"address\":\"https://sepolia.etherscan.io/address/{{address}}\"}}}}"),
            )
        })?;
    for (network, links) in &explorers {
        if !networks.contains(network) {
            return Err(ConfigError::new(
                SETTING,
                format!("{network} is not one of --networks ({})", networks.join(",")),
            ));
        }
        if let Some(problem) = links.problem() {
            return Err(ConfigError::new(SETTING, format!("{network}: {problem}")));
        }
    }
    Ok(explorers)
}

/// The mail settings: an SMTP server with a sender, the development outbox, or neither.
fn mail(settings: &Settings) -> Result<MailSettings, ConfigError> {
    const URL: &str = "--smtp-url / SIGIL_SMTP_URL";
    const FROM: &str = "--mail-from / SIGIL_MAIL_FROM";
    let smtp_url = settings.smtp_url.as_ref().filter(|url| !url.expose().trim().is_empty());
    let Some(raw) = smtp_url else {
        return Ok(if settings.mail_outbox { MailSettings::Outbox } else { MailSettings::Off });
    };
    if settings.mail_outbox {
        return Err(ConfigError::new(
            "--mail-outbox / SIGIL_MAIL_OUTBOX",
            "choose one: the outbox (development) or --smtp-url (production)",
        ));
    }
    // Messages never repeat the URL: it may hold the server's password.
    let url = Url::parse(raw.expose().trim()).map_err(|_| {
        ConfigError::new(URL, "not a URL; e.g. smtps://USER:PASSWORD@smtp.example.com")
    })?;
    let host = url.host_str().unwrap_or_default();
    let tls = url.query_pairs().find(|(key, _)| key == "tls").map(|(_, value)| value.into_owned());
    match (url.scheme(), tls.as_deref()) {
        ("smtps", None) | ("smtp", Some("required" | "opportunistic")) => {}
        ("smtp", None) if is_loopback(host) => {}
        ("smtp", None) => {
            return Err(ConfigError::new(
                URL,
                "mail with codes must not cross the network unencrypted: use smtps://, or                  smtp://…?tls=required (plain smtp:// only to this machine)",
            ));
        }
        _ => {
            return Err(ConfigError::new(
                URL,
                "use smtps://HOST, smtp://HOST?tls=required, or smtp://localhost",
            ));
        }
    }
    let from =
        settings.mail_from.as_deref().map(str::trim).filter(|from| !from.is_empty()).ok_or_else(
            || ConfigError::new(FROM, "missing: who the mails come from, with --smtp-url"),
        )?;
    let from = from.parse().map_err(|_| {
        ConfigError::new(
            FROM,
            format!("{from:?} is not an address such as Wallet <wallet@example.com>"),
        )
    })?;
    let mailer = SmtpMailer::new(&url, from)
        .map_err(|error| ConfigError::new(URL, format!("not usable: {error}")))?;
    Ok(MailSettings::Smtp(Arc::new(mailer)))
}

/// The updates folder, every release in it checked (a bad one is named; nothing is served
/// from a folder the company got wrong).
fn updates(dir: Option<&std::path::Path>) -> Result<Option<Releases>, ConfigError> {
    const SETTING: &str = "--updates-dir / SIGIL_UPDATES_DIR";
    let Some(dir) = dir else { return Ok(None) };
    if !dir.is_dir() {
        return Err(ConfigError::new(SETTING, format!("{} is not a folder", dir.display())));
    }
    let (releases, count) =
        Releases::open(dir).map_err(|error| ConfigError::new(SETTING, error.to_string()))?;
    tracing::info!(dir = %dir.display(), releases = count, "serving the app's updates");
    Ok(Some(releases))
}

/// Whether `host` is this machine.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Redirect URIs: absolute, without fragment (RFC 6749 §3.1.2); at least one.
fn redirect_uris(raw: &[String]) -> Result<Vec<String>, ConfigError> {
    const SETTING: &str = "--redirect-uri / SIGIL_REDIRECT_URIS";
    let uris: Vec<String> =
        raw.iter().map(|uri| uri.trim()).filter(|uri| !uri.is_empty()).map(str::to_owned).collect();
    if uris.is_empty() {
        return Err(ConfigError::new(SETTING, "name at least one, e.g. sigil://auth/callback"));
    }
    for uri in &uris {
        let parsed = Url::parse(uri).map_err(|error| {
            ConfigError::new(SETTING, format!("{uri:?} is not a URI ({error})"))
        })?;
        if parsed.fragment().is_some() {
            return Err(ConfigError::new(SETTING, format!("{uri:?}: no fragment allowed")));
        }
    }
    Ok(uris)
}

#[cfg(test)]
mod tests;

//! The org and its service account: created on the first start in an empty data dir, kept in
//! the database, and written out as `bootstrap.json` on every start (the API URL may change).

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::keys::{KeyAlgorithm, PrivateKey};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::ids::{new_id, random_bytes};
use crate::store::{CredentialRow, Store, UserRow};
use crate::tokens::{TokenIssuer, TokenKind};

/// The file `dfns-emulator env` and other tools read.
pub const BOOTSTRAP_FILE: &str = "bootstrap.json";

/// What a company backend needs to use the emulator as its Dfns.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bootstrap {
    /// Base URL of the API.
    pub api_url: String,
    /// `or-…`
    pub org_id: String,
    /// Passkey rp id.
    pub rp_id: String,
    /// Allowed passkey origins.
    pub origins: Vec<String>,
    /// The service account.
    pub service_account: ServiceAccount,
}

/// The org's service account and its Key credential.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    /// `us-…`
    pub user_id: String,
    /// Its bearer token (`DFNS_SERVICE_ACCOUNT_TOKEN`).
    pub token: String,
    /// Its credential id (`DFNS_SERVICE_ACCOUNT_CRED_ID`).
    pub cred_id: String,
    /// Its private key, PKCS#8 PEM (`DFNS_SERVICE_ACCOUNT_PRIVATE_KEY`).
    pub private_key_pem: String,
}

impl std::fmt::Debug for Bootstrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bootstrap")
            .field("api_url", &self.api_url)
            .field("org_id", &self.org_id)
            .field("service_account", &self.service_account.user_id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

/// The org's identity as stored.
#[derive(Debug, Clone)]
pub struct Org {
    /// `or-…`
    pub org_id: String,
    /// Signs every token.
    pub tokens: TokenIssuer,
    /// The service account, without the API URL.
    pub service_account: ServiceAccount,
}

/// Why the org could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] crate::store::DbError),
    /// A stored value is not what it should be.
    #[error("the data dir holds a damaged setting {0:?}; move the data dir away to start afresh")]
    Damaged(&'static str),
    /// A key could not be encoded.
    #[error("key encoding: {0}")]
    Key(#[from] dfns_client::keys::KeyError),
}

const ISSUER: &str = "dfns-emulator";

/// Loads the org, creating it (with its service account) when the database is new.
pub async fn load_or_create(
    store: &Store,
    clock: &dyn Clock,
    service_token_ttl_ms: i64,
    rp_id: &str,
    origin: &str,
) -> Result<Org, BootstrapError> {
    if let Some(org_id) = store.setting("org_id").await? {
        let seed =
            store.setting("token_seed").await?.ok_or(BootstrapError::Damaged("token_seed"))?;
        let seed: [u8; 32] = hex::decode(seed)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(BootstrapError::Damaged("token_seed"))?;
        let service_account = store
            .setting("service_account")
            .await?
            .ok_or(BootstrapError::Damaged("service_account"))?;
        let service_account: ServiceAccount = serde_json::from_str(&service_account)
            .map_err(|_| BootstrapError::Damaged("service_account"))?;
        return Ok(Org { org_id, tokens: TokenIssuer::new(&seed, ISSUER), service_account });
    }
    let org_id = new_id("or");
    let seed = random_bytes::<32>();
    let tokens = TokenIssuer::new(&seed, ISSUER);
    let user = UserRow {
        id: new_id("us"),
        org_id: org_id.clone(),
        username: format!("service-account@{org_id}"),
        kind: "ServiceAccount".to_owned(),
        external_id: None,
        is_active: true,
        is_registered: true,
        tokens_valid_after: 0,
        date_created: clock.now_iso(),
    };
    store.insert_user(&user).await?;
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    // Dfns service-account credential ids are base64url of a `ci-…` id.
    let cred_id = URL_SAFE_NO_PAD.encode(new_id("ci"));
    store
        .insert_credential(&CredentialRow {
            uuid: new_id("cr"),
            user_id: user.id.clone(),
            kind: "Key".to_owned(),
            credential_id: cred_id.clone(),
            public_key_pem: key.public_key().to_pem()?,
            sign_count: 0,
            name: "Service account key".to_owned(),
            is_active: true,
            relying_party_id: rp_id.to_owned(),
            origin: origin.to_owned(),
            encrypted_private_key: None,
            date_created: clock.now_iso(),
            retired_at: None,
        })
        .await?;
    let token = tokens.issue(
        TokenKind::Service,
        &user.id,
        &org_id,
        new_id("to"),
        clock.now_ms(),
        service_token_ttl_ms,
    );
    let service_account = ServiceAccount {
        user_id: user.id,
        token,
        cred_id,
        private_key_pem: key.to_pkcs8_pem()?.expose().to_owned(),
    };
    let stored = serde_json::to_string(&service_account)
        .map_err(|_| BootstrapError::Damaged("service_account"))?;
    store.put_setting("token_seed", &hex::encode(seed)).await?;
    store.put_setting("service_account", &stored).await?;
    // Written last: its presence marks a complete bootstrap.
    store.put_setting("org_id", &org_id).await?;
    tracing::info!(%org_id, "created the org and its service account");
    Ok(Org { org_id, tokens, service_account })
}

/// Writes `bootstrap.json` into `data_dir`, readable by the owner only.
pub fn write_file(data_dir: &Path, bootstrap: &Bootstrap) -> std::io::Result<()> {
    let path = data_dir.join(BOOTSTRAP_FILE);
    let json = serde_json::to_vec_pretty(bootstrap).map_err(std::io::Error::other)?;
    let temporary = data_dir.join(format!("{BOOTSTRAP_FILE}.tmp"));
    // 0600 before the service account's key is written into it, not after.
    private_files::write(&temporary, &json)?;
    std::fs::rename(temporary, path)
}

/// Reads `bootstrap.json` from `data_dir`.
pub fn read_file(data_dir: &Path) -> std::io::Result<Bootstrap> {
    let bytes = std::fs::read(data_dir.join(BOOTSTRAP_FILE))?;
    serde_json::from_slice(&bytes).map_err(std::io::Error::other)
}

/// The `export NAME='value'` lines of the seed's environment variables.
pub fn env_lines(bootstrap: &Bootstrap) -> String {
    let quote = |value: &str| format!("'{}'", value.replace('\'', r"'\''"));
    [
        ("DFNS_API_URL", bootstrap.api_url.as_str()),
        ("DFNS_ORG_ID", bootstrap.org_id.as_str()),
        ("DFNS_SERVICE_ACCOUNT_TOKEN", bootstrap.service_account.token.as_str()),
        ("DFNS_SERVICE_ACCOUNT_CRED_ID", bootstrap.service_account.cred_id.as_str()),
        ("DFNS_SERVICE_ACCOUNT_PRIVATE_KEY", bootstrap.service_account.private_key_pem.as_str()),
    ]
    .iter()
    .map(|(name, value)| format!("export {name}={}\n", quote(value)))
    .collect()
}

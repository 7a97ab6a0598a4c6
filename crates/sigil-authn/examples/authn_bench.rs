//! Benchmark of a signature by each passkey on this computer, `--runs` times (50 by default):
//!
//! * TPM: one whole `PlatformTpm` signature on the TPM named by `SIGIL_TPM_TCTI` (swtpm under
//!   `scripts/with-swtpm.sh`): the keyring entry read, the TPM opened, its dictionary-attack state
//!   read, the storage key made from its template, a salted session, the blob loaded, the PIN
//!   checked and the digest signed by the chip, everything flushed.
//! * PIN unseal: one whole `DevicePasskey` signature, which is argon2id from the PIN and salt,
//!   XChaCha20-Poly1305 opening the COSE key, then a software ECDSA signature.
//!
//! Prints the median (and the fastest and slowest run) of each, with the argon2id parameters the
//! sealed entry records. Run with `make bench-authn`.

// A benchmark reports on standard output.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::Secret;
use dfns_client::models::{
    AuthenticatorSelection, ChallengeUser, PubKeyCredParam, RegistrationOptions, UserVerification,
};
use serde_json::{Value, json};
use sigil_authn::webauthn::{CreationOptions, RelyingParty, RequestOptions};
use sigil_authn::{Approval, Authenticator, DevicePasskey, PinReason, Prompt, Prompter};
use sigil_store::{MemoryStore, SecretStore};
use url::Url;

const PIN: &str = "246810";

/// Approves everything and types the PIN.
#[derive(Debug)]
struct Person;

impl Prompter for Person {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<Secret> {
        Some(Secret::new(PIN))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        true
    }
}

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let runs = runs()?;
    let tcti = std::env::var("SIGIL_TPM_TCTI").map_err(
        |_| "SIGIL_TPM_TCTI is not set: run this under scripts/with-swtpm.sh (make bench-authn)",
    )?;
    println!("{runs} runs each; TPM at {tcti}");

    let store = Arc::new(MemoryStore::new());
    let tpm = tpm(store.clone(), &tcti)?;
    let tpm_times = measure(&*tpm, runs).await?;
    report("TPM signature (swtpm)", &tpm_times);

    let store = Arc::new(MemoryStore::new());
    let device = DevicePasskey::new(store.clone(), "bench");
    let unseal_times = measure(&device, runs).await?;
    let entry: Value = serde_json::from_slice(
        store.get("bench")?.ok_or("the device passkey kept nothing")?.expose(),
    )?;
    let kdf = &entry["passkeys"][0]["sealed"]["kdf"];
    report(
        &format!(
            "PIN unseal + signature (argon2id m={} KiB, t={}, p={})",
            kdf["m"], kdf["t"], kdf["p"]
        ),
        &unseal_times,
    );
    Ok(())
}

#[cfg(target_os = "linux")]
fn tpm(store: Arc<MemoryStore>, tcti: &str) -> Result<Box<dyn Authenticator>, Failure> {
    Ok(Box::new(sigil_authn::PlatformTpm::new(store, "bench.tpm", tcti)?))
}

#[cfg(not(target_os = "linux"))]
fn tpm(_store: Arc<MemoryStore>, _tcti: &str) -> Result<Box<dyn Authenticator>, Failure> {
    Err("the TPM passkey is built on Linux only".into())
}

fn runs() -> Result<usize, Failure> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None, _) => Ok(50),
        (Some("--runs"), Some(runs)) => Ok(runs.parse()?),
        _ => Err("usage: authn_bench [--runs N]".into()),
    }
}

/// Makes one passkey on `authenticator`, then times `runs` signatures with it.
async fn measure(authenticator: &dyn Authenticator, runs: usize) -> Result<Vec<Duration>, Failure> {
    let rp = RelyingParty::new("localhost", "Sigil bench")?;
    let origin = Url::parse("https://localhost")?;
    let registration = RegistrationOptions {
        user: ChallengeUser {
            id: "us-bench".to_owned(),
            name: "bench@example.com".to_owned(),
            display_name: "Bench".to_owned(),
        },
        challenge: "YmVuY2gtcmVnaXN0ZXI".to_owned(),
        rp: None,
        supported_credential_kinds: Default::default(),
        authenticator_selection: AuthenticatorSelection {
            authenticator_attachment: None,
            resident_key: "required".to_owned(),
            require_resident_key: true,
            user_verification: UserVerification::Required,
        },
        attestation: "direct".to_owned(),
        pub_key_cred_params: vec![PubKeyCredParam { kind: "public-key".to_owned(), alg: -7 }],
        exclude_credentials: Vec::new(),
        otp_url: None,
    };
    let creation = CreationOptions::for_registration(&rp, &registration)?;
    let created = authenticator.create(&origin, &creation, &Person).await?;
    let action = serde_json::from_value(json!({
        "challenge": "YmVuY2gtc2lnbg", "challengeIdentifier": "bench", "userVerification": "required",
        "allowCredentials": {"key": [], "webauthn": [{"type": "public-key", "id": URL_SAFE_NO_PAD.encode(&created.credential_id)}]},
    }))?;
    let request = RequestOptions::for_user_action(&rp, &action)?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        authenticator.sign(&origin, &request, &Person).await?;
        times.push(started.elapsed());
    }
    Ok(times)
}

fn report(name: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let ms = |duration: Option<&Duration>| duration.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    // The middle run, or the mean of the two middle ones.
    let upper = sorted.len() / 2;
    let median = if sorted.len().is_multiple_of(2) {
        (ms(sorted.get(upper.saturating_sub(1))) + ms(sorted.get(upper))) / 2.0
    } else {
        ms(sorted.get(upper))
    };
    println!(
        "{name}: median {median:.1} ms (fastest {:.1} ms, slowest {:.1} ms)",
        ms(sorted.first()),
        ms(sorted.last()),
    );
}

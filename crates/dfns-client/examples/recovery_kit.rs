//! Makes a Dfns recovery kit for a username and prints it as JSON: a vector for other
//! implementations of the kit format (`tests/sdk/node/recovery-kit.test.mjs` opens the one in
//! `tests/fixtures/recovery-kit-sigil.json` with WebCrypto).
//!
//! ```sh
//! cargo run -p dfns-client --example recovery_kit -- '  Vector.User@Example.COM '
//! ```

use std::io::Write as _;

use dfns_client::recovery::RecoveryKey;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let username = std::env::args().nth(1).ok_or("usage: recovery_kit USERNAME")?;
    let (kit, code) = RecoveryKey::create(&username)?;
    let vector = serde_json::json!({
        "madeBy": "dfns-client (Rust) dfns_client::recovery::RecoveryKey::create",
        "username": username,
        "recoveryCode": code.expose(),
        "credentialId": kit.credential_id(),
        "publicKey": kit.public_key().to_pem()?,
        "encryptedPrivateKey": kit.encrypted_private_key(),
    });
    writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&vector)?)?;
    Ok(())
}

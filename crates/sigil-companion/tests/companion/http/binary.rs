//! The `sigil-companion` binary: a bad setting stops it at start, naming the setting.

use std::process::Command;

fn companion(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sigil-companion"));
    for (name, _) in std::env::vars() {
        if name.starts_with("DFNS_") || name.starts_with("SIGIL_") {
            command.env_remove(name);
        }
    }
    let output = command.args(args).envs(env.iter().copied()).output().expect("the binary runs");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_missing_service_account_stops_the_companion_naming_the_setting() {
    let (code, stderr) = companion(&[], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("DFNS_SERVICE_ACCOUNT_TOKEN"), "{stderr}");
    assert!(stderr.contains("CONFIG_INVALID"), "{stderr}");
}

#[test]
fn a_malformed_setting_stops_the_companion_without_showing_secrets() {
    let env = [
        ("DFNS_SERVICE_ACCOUNT_TOKEN", "secret-token-value"),
        ("DFNS_SERVICE_ACCOUNT_CRED_ID", "cred"),
        (
            "DFNS_SERVICE_ACCOUNT_PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----",
        ),
    ];
    let (code, stderr) = companion(&[], &env);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("DFNS_SERVICE_ACCOUNT_PRIVATE_KEY"), "{stderr}");
    assert!(!stderr.contains("c2VjcmV0") && !stderr.contains("secret-token-value"), "{stderr}");
    let (code, stderr) = companion(&["--public-url", "not a url"], &env);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--public-url"), "{stderr}");
}

#[test]
fn an_unreachable_database_stops_the_companion_with_a_hint() {
    let key = dfns_client::keys::PrivateKey::generate(dfns_client::keys::KeyAlgorithm::P256);
    let pem = key.to_pkcs8_pem().expect("PEM");
    let env = [
        ("DFNS_SERVICE_ACCOUNT_TOKEN", "token"),
        ("DFNS_SERVICE_ACCOUNT_CRED_ID", "cred"),
        ("DFNS_SERVICE_ACCOUNT_PRIVATE_KEY", pem.expose()),
        // Not a folder, for root too.
        ("SIGIL_COMPANION_DATABASE_URL", "sqlite:///dev/null/x/companion.db?mode=rwc"),
    ];
    let (code, stderr) = companion(&[], &env);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("can the companion create the folder"), "{stderr}");
}

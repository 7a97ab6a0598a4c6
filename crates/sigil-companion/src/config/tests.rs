use clap::Parser as _;
use dfns_client::keys::{KeyAlgorithm, PrivateKey};

use super::*;

fn pem() -> String {
    PrivateKey::generate(KeyAlgorithm::P256).to_pkcs8_pem().expect("PEM").expose().to_owned()
}

/// Settings from `args` on top of a complete service account.
fn settings(args: &[&str]) -> Settings {
    // `--flag=VALUE`: a PEM starts with dashes.
    let key = format!("--dfns-service-account-private-key={}", pem());
    let mut all = vec![
        "sigil-companion",
        "--dfns-service-account-token",
        "token-1",
        "--dfns-service-account-cred-id",
        "cred-1",
        &key,
    ];
    all.extend_from_slice(args);
    Settings::try_parse_from(all).expect("flags parse")
}

fn refused(args: &[&str]) -> ConfigError {
    Config::from_settings(settings(args)).expect_err("refused")
}

#[test]
fn the_defaults_match_the_emulator_and_the_app() {
    let config = Config::from_settings(settings(&[])).expect("valid");
    assert_eq!(config.dfns_api_url.as_str(), "http://127.0.0.1:8787/");
    assert_eq!(config.rp_id, "localhost");
    assert_eq!(config.origin.as_str(), "https://localhost/");
    assert_eq!(config.redirect_uris, ["sigil://auth/callback"]);
    assert_eq!(config.default_networks, ["EthereumSepolia", "SolanaDevnet"]);
    assert!(!config.secure_cookies());
    assert_eq!(config.public_origin(), "http://127.0.0.1:8788");
}

#[test]
fn a_missing_service_account_setting_is_named() {
    let error = Config::from_settings(
        Settings::try_parse_from(["sigil-companion", "--dfns-service-account-cred-id", "c"])
            .expect("flags parse"),
    )
    .expect_err("no token");
    assert_eq!(error.setting, "DFNS_SERVICE_ACCOUNT_TOKEN");
    assert!(error.to_string().contains("missing"), "{error}");
}

#[test]
fn a_private_key_that_is_not_pem_is_named_without_being_shown() {
    let error = Config::from_settings(
        Settings::try_parse_from([
            "sigil-companion",
            "--dfns-service-account-token",
            "t",
            "--dfns-service-account-cred-id",
            "c",
            "--dfns-service-account-private-key",
            "not-a-key-SECRETVALUE",
        ])
        .expect("flags parse"),
    )
    .expect_err("bad key");
    assert_eq!(error.setting, "DFNS_SERVICE_ACCOUNT_PRIVATE_KEY");
    assert!(!error.to_string().contains("SECRETVALUE"), "{error}");
}

#[test]
fn a_pem_with_escaped_line_breaks_is_accepted() {
    let escaped = pem().replace('\n', "\\n");
    let key = format!("--dfns-service-account-private-key={escaped}");
    let parsed = Settings::try_parse_from([
        "sigil-companion",
        "--dfns-service-account-token",
        "t",
        "--dfns-service-account-cred-id",
        "c",
        &key,
    ])
    .expect("flags parse");
    Config::from_settings(parsed).expect("one-line PEM from a .env file");
}

#[test]
fn malformed_settings_are_refused_naming_the_setting() {
    let cases: &[(&[&str], &str)] = &[
        (&["--public-url", "ftp://example.org"], "--public-url / SIGIL_COMPANION_PUBLIC_URL"),
        (
            &["--public-url", "https://example.org/?x=1"],
            "--public-url / SIGIL_COMPANION_PUBLIC_URL",
        ),
        (&["--dfns-api-url", "not a url"], "--dfns-api-url / DFNS_API_URL"),
        (&["--database-url", "mysql://db"], "--database-url / SIGIL_COMPANION_DATABASE_URL"),
        (&["--rp-id", "https://example.org"], "--rp-id / SIGIL_RP_ID"),
        (&["--rp-id", "example.org:443"], "--rp-id / SIGIL_RP_ID"),
        (&["--origin", "https://evil.example"], "--origin / SIGIL_ORIGIN"),
        (&["--origin", "https://localhost/path"], "--origin / SIGIL_ORIGIN"),
        (&["--networks", "Ethereum Sepolia"], "--networks / SIGIL_NETWORKS"),
        (&["--networks", ","], "--networks / SIGIL_NETWORKS"),
        (&["--default-networks", "Tron"], "--default-networks / SIGIL_DEFAULT_NETWORKS"),
        (&["--redirect-uri", "not a uri"], "--redirect-uri / SIGIL_REDIRECT_URIS"),
        (&["--redirect-uri", "sigil://auth/callback#x"], "--redirect-uri / SIGIL_REDIRECT_URIS"),
        (&["--app-name", " "], "--app-name / SIGIL_APP_NAME"),
        (
            &["--concurrent-password-hashes", "0"],
            "--concurrent-password-hashes / SIGIL_CONCURRENT_PASSWORD_HASHES",
        ),
    ];
    for (args, setting) in cases {
        assert_eq!(refused(args).setting, *setting, "{args:?}");
    }
}

#[test]
fn an_origin_on_a_subdomain_of_the_rp_id_is_accepted() {
    let config = Config::from_settings(settings(&[
        "--rp-id",
        "example.org",
        "--origin",
        "https://wallet.example.org",
    ]))
    .expect("valid");
    assert_eq!(config.origin.as_str(), "https://wallet.example.org/");
}

#[test]
fn an_unparsable_listen_address_is_refused_by_the_command_line() {
    let error = Settings::try_parse_from(["sigil-companion", "--listen", "localhost"])
        .expect_err("refused");
    assert!(error.to_string().contains("--listen"), "{error}");
}

#[test]
fn settings_never_show_the_service_account_secrets() {
    let settings = settings(&["--database-url", "postgres://app:hunter2@db/companion"]);
    let shown = format!("{settings:?}");
    assert!(!shown.contains("token-1") && !shown.contains("PRIVATE KEY"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let config = Config::from_settings(settings).expect("valid");
    let shown = format!("{:?}", config.service_account);
    assert!(!shown.contains("token-1"), "{shown}");
}

#[test]
fn company_guardrails_name_offered_networks_and_positive_limits() {
    let json = r#"{"dailyLimits":{"EthereumSepolia":{"Native":"0.5"}},"lookalikeCheck":false}"#;
    let config = Config::from_settings(settings(&["--guardrails", json])).expect("valid");
    let guardrails = config.guardrails.expect("guardrails");
    assert_eq!(guardrails.daily_limits["EthereumSepolia"]["Native"], "0.5");
    assert!(guardrails.first_send_warning, "on unless turned off");
    assert!(!guardrails.lookalike_check);
    assert_eq!(Config::from_settings(settings(&[])).expect("valid").guardrails, None);
    for (bad, says) in [
        ("{", "not the JSON expected"),
        (r#"{"dailyLimit":{}}"#, "not the JSON expected"),
        (r#"{"dailyLimits":{"Dogecoin":{"Native":"1"}}}"#, "Dogecoin is not one of --networks"),
        (r#"{"dailyLimits":{"EthereumSepolia":{"Native":"0"}}}"#, "positive amount"),
        (r#"{"dailyLimits":{"EthereumSepolia":{"Native":"-1"}}}"#, "positive amount"),
        (r#"{"dailyLimits":{"EthereumSepolia":{"Native":"1e3"}}}"#, "positive amount"),
    ] {
        let error = refused(&["--guardrails", bad]);
        assert_eq!(error.setting, "--guardrails / SIGIL_GUARDRAILS");
        assert!(error.problem.contains(says), "{bad}: {error}");
    }
}

#[test]
fn company_explorers_name_offered_networks_and_https_pages_with_their_placeholder() {
    let json = r#"{"EthereumSepolia":{"transaction":"https://scan.example/tx/{hash}","address":"https://scan.example/address/{address}"}}"#;
    let config = Config::from_settings(settings(&["--explorers", json])).expect("valid");
    assert_eq!(config.explorers["EthereumSepolia"].transaction, "https://scan.example/tx/{hash}");
    assert!(Config::from_settings(settings(&[])).expect("valid").explorers.is_empty());
    for (bad, says) in [
        ("[", "not the JSON expected"),
        (r#"{"EthereumSepolia":{"tx":"https://scan.example/tx/{hash}"}}"#, "not the JSON expected"),
        (
            r#"{"Dogecoin":{"transaction":"https://d.example/tx/{hash}","address":"https://d.example/a/{address}"}}"#,
            "Dogecoin is not one of --networks",
        ),
        (
            r#"{"EthereumSepolia":{"transaction":"http://scan.example/tx/{hash}","address":"https://scan.example/a/{address}"}}"#,
            "https:// URL with {hash} once",
        ),
        (
            r#"{"EthereumSepolia":{"transaction":"https://scan.example/tx/{hash}","address":"https://scan.example/a/"}}"#,
            "https:// URL with {address} once",
        ),
    ] {
        let error = refused(&["--explorers", bad]);
        assert_eq!(error.setting, "--explorers / SIGIL_EXPLORERS");
        assert!(error.problem.contains(says), "{bad}: {error}");
    }
}

#[test]
fn without_mail_settings_no_mail_goes_out_and_the_outbox_is_a_choice() {
    let config = Config::from_settings(settings(&[])).expect("valid");
    assert!(matches!(config.mail, MailSettings::Off));
    let config = Config::from_settings(settings(&["--mail-outbox"])).expect("valid");
    assert!(matches!(config.mail, MailSettings::Outbox));
}

#[test]
fn an_smtp_server_is_built_from_its_url_and_sender_without_showing_its_password() {
    for url in [
        "smtps://mailer:hunter2@smtp.example.com",
        "smtp://mailer:hunter2@smtp.example.com:587?tls=required",
        "smtp://127.0.0.1:2525",
        "smtp://localhost",
    ] {
        let config = Config::from_settings(settings(&[
            "--smtp-url",
            url,
            "--mail-from",
            "Example Wallet <wallet@example.com>",
        ]))
        .unwrap_or_else(|error| panic!("{url}: {error}"));
        let MailSettings::Smtp(mailer) = &config.mail else { panic!("{url}: not SMTP") };
        let shown = format!("{mailer:?} {config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("wallet@example.com"), "{shown}");
    }
}

#[test]
fn mail_settings_that_would_leak_codes_or_name_no_sender_are_refused() {
    const URL: &str = "--smtp-url / SIGIL_SMTP_URL";
    const FROM: &str = "--mail-from / SIGIL_MAIL_FROM";
    let cases: &[(&[&str], &str)] = &[
        // Codes in clear text across the network.
        (&["--smtp-url", "smtp://smtp.example.com", "--mail-from", "a@example.com"], URL),
        (&["--smtp-url", "http://smtp.example.com", "--mail-from", "a@example.com"], URL),
        (&["--smtp-url", "smtp://h?tls=maybe", "--mail-from", "a@example.com"], URL),
        (&["--smtp-url", "not a url", "--mail-from", "a@example.com"], URL),
        (&["--smtp-url", "smtps://smtp.example.com"], FROM),
        (&["--smtp-url", "smtps://smtp.example.com", "--mail-from", "nobody"], FROM),
        (
            &[
                "--smtp-url",
                "smtps://smtp.example.com",
                "--mail-from",
                "a@example.com",
                "--mail-outbox",
            ],
            "--mail-outbox / SIGIL_MAIL_OUTBOX",
        ),
    ];
    for (args, setting) in cases {
        let error = refused(args);
        assert_eq!(error.setting, *setting, "{args:?}: {error}");
    }
    let error =
        refused(&["--smtp-url", "smtp://u:hunter2@smtp.example.com", "--mail-from", "a@b.c"]);
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[test]
fn an_updates_folder_that_does_not_exist_or_holds_a_bad_release_is_named() {
    let missing = refused(&["--updates-dir", "/nonexistent/sigil-updates"]);
    assert_eq!(missing.setting, "--updates-dir / SIGIL_UPDATES_DIR");
    assert!(missing.problem.contains("is not a folder"), "{missing}");
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir(dir.path().join("0.2.0")).expect("release folder");
    std::fs::write(dir.path().join("0.2.0/release.json"), "{").expect("manifest");
    let folder = dir.path().to_str().expect("UTF-8");
    let bad = refused(&["--updates-dir", folder]);
    assert!(
        bad.problem.contains("release.json") && bad.problem.contains("not a release manifest"),
        "{bad}"
    );
    let empty = tempfile::tempdir().expect("dir");
    let config =
        Config::from_settings(settings(&["--updates-dir", empty.path().to_str().expect("UTF-8")]))
            .expect("an empty folder serves no update yet");
    assert!(config.updates.is_some());
}

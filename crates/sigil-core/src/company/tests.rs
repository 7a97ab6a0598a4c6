use std::sync::Arc;

use sigil_store::MemoryStore;

use super::*;

fn url(raw: &str) -> Url {
    Url::parse(raw).expect("a URL")
}

fn config(rp_id: &str, dfns_api_url: &str) -> Config {
    Config {
        dfns_api_url: dfns_api_url.to_owned(),
        rp_id: rp_id.to_owned(),
        origin: format!("https://{rp_id}"),
        app_name: "Acme Wallet".to_owned(),
        networks: vec!["EthereumSepolia".to_owned()],
        default_networks: vec!["EthereumSepolia".to_owned()],
        guardrails: None,
        explorers: Default::default(),
    }
}

#[test]
fn a_company_is_https_or_plain_http_on_this_computer_only() {
    assert!(url_allowed(&url("https://wallet.acme.com")));
    assert!(url_allowed(&url("http://127.0.0.1:8788")));
    assert!(url_allowed(&url("http://localhost:8788")));
    assert!(url_allowed(&url("http://[::1]:8788")));
    assert!(!url_allowed(&url("http://wallet.acme.com")), "plain http to another host");
    assert!(!url_allowed(&url("http://10.0.0.5:8788")), "plain http on a private network");
    assert!(!url_allowed(&url("ftp://wallet.acme.com")));
}

#[test]
fn a_plain_http_company_elsewhere_is_refused_with_its_own_code() {
    let error = crate::companion::CompanionClient::new("http://wallet.acme.com").map(|_| ());
    let error = Error::from(error.expect_err("insecure"));
    assert_eq!(error.code(), "COMPANY_URL_INVALID");
    assert!(error.to_string().contains("https"), "{error}");
}

#[test]
fn the_passkey_domain_is_the_company_host_or_a_registrable_parent_of_it() {
    let company = url("https://wallet.acme.co.uk");
    assert!(check_rp_id(&company, "wallet.acme.co.uk").is_ok());
    assert!(check_rp_id(&company, "acme.co.uk").is_ok());
    for foreign in ["co.uk", "uk", "evil.com", "cme.co.uk", "other.acme.co.uk", ""] {
        let error = check_rp_id(&company, foreign).expect_err(foreign);
        assert_eq!(error.code(), "COMPANY_RP_ID_INVALID", "{foreign}");
    }
}

#[test]
fn a_company_on_loopback_uses_localhost_as_its_passkey_domain() {
    let company = url("http://127.0.0.1:8788");
    assert!(check_rp_id(&company, "localhost").is_ok());
    assert_eq!(
        check_rp_id(&company, "bank.com").expect_err("a real site").code(),
        "COMPANY_RP_ID_INVALID"
    );
}

#[tokio::test]
async fn a_company_that_answers_other_settings_after_the_pin_is_refused() {
    let pins = Pins::new(Arc::new(MemoryStore::new()));
    let company = url("https://wallet.acme.com");
    let pinned = config("acme.com", "https://api.dfns.io");
    pins.check(&company, &pinned).await.expect("nothing pinned yet");
    pins.pin(&company, &pinned).await.expect("pinned");
    pins.check(&company, &pinned).await.expect("the same settings");

    let elsewhere = config("acme.com", "https://dfns.attacker.example");
    let error = pins.check(&company, &elsewhere).await.expect_err("another Dfns");
    assert_eq!(error.code(), "COMPANY_CHANGED");
    let other_rp = config("wallet.acme.com", "https://api.dfns.io");
    assert_eq!(pins.check(&company, &other_rp).await.expect_err("rp").code(), "COMPANY_CHANGED");
    let mut other_origin = pinned.clone();
    other_origin.origin = "https://login.acme.com".to_owned();
    assert_eq!(
        pins.check(&company, &other_origin).await.expect_err("origin").code(),
        "COMPANY_CHANGED"
    );

    // A pin is never replaced by a later one.
    pins.pin(&company, &elsewhere).await.expect("no-op");
    pins.check(&company, &pinned).await.expect("the first pin holds");
}

#[tokio::test]
async fn a_damaged_pin_entry_refuses_rather_than_pins_again() {
    let secrets = Arc::new(MemoryStore::new());
    secrets.set(PINS, &SecretBytes::new(b"not json".to_vec())).expect("garbage");
    let pins = Pins::new(secrets);
    let company = url("https://wallet.acme.com");
    let error = pins.check(&company, &config("acme.com", "https://api.dfns.io")).await;
    assert_eq!(error.expect_err("damaged").code(), "CONFIG_INVALID");
}

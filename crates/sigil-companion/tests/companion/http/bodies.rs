//! Truncated and mutated copies of the bodies the app and a browser send, each to its route on
//! the real router with the session, cookies and `Origin` it expects: accepted, or refused with
//! a stable code (`{error: {code, message}}` for `/api/v1`, a page's `data-code` for a form),
//! never a 5xx or a panic. The fast, deterministic cousin of the `forms_and_api` fuzz target
//! (`fuzz/fuzz_targets/forms_and_api.rs`), which drives the same `CompanionDriver`.

use crate::every_body::{COMPANION_ROUTES, CompanionDriver};

/// One body per route, as the app or a browser sends it (index = the route's selector; forms
/// without their CSRF field, which the driver adds).
pub const SEEDS: [&str; 12] = [
    r#"{"code":"Zm9vYmFyYmF6","codeVerifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","redirectUri":"sigil://auth/callback"}"#,
    r#"{"firstFactorCredential":{"credentialKind":"Fido2","credentialInfo":{"credId":"c1QEdgnPLJ","clientData":"eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0","attestationData":"o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjF"}},"recoveryCredential":{"credentialKind":"RecoveryKey","credentialInfo":{"credId":"rk","clientData":"e30","attestationData":"e30"},"encryptedPrivateKey":"AAAA"}}"#,
    r#"{"refused":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}"#,
    r#"{"network":"EthereumSepolia","name":"Savings","requestId":"r-1"}"#,
    r#"{"newCredentials":{"firstFactorCredential":{"credentialKind":"Fido2","credentialInfo":{"credId":"c2","clientData":"e30","attestationData":"e30"}}},"recovery":{"kind":"RecoveryKey","credentialAssertion":{"credId":"rk","clientData":"e30","signature":"AA"}}}"#,
    r#"{"credentialId":"rk-1"}"#,
    "email=someone%40example.co&password=correct+horse+battery",
    "email=fuzz%40example.co&password=correct+horse+battery&next=%2Flogin%3Fstate%3Ds",
    "next=%2Flogin",
    "state=s1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=sigil%3A%2F%2Fauth%2Fcallback",
    "email=fuzz%40example.co&password=correct+horse+battery&next=%2Frecover%3Fstate%3Ds",
    "ticket=t-1&code=123456",
];

/// Bytes that break JSON, forms, percent-encoding, UTF-8 or numbers where they land.
const INSERTS: [&[u8]; 10] =
    [b"\"", b"{", b"]", b"&", b"=", b"%", b"%ff", b"\xff", b"null", b"&csrf=x"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_and_mutated_bodies_and_forms_are_refused_with_a_stable_code_never_a_server_error()
 {
    let driver = CompanionDriver::start().await;
    for (selector, seed) in SEEDS.iter().enumerate() {
        let selector = u8::try_from(selector).expect("a small index");
        let bytes = seed.as_bytes();
        for end in (0..bytes.len()).step_by(7) {
            driver.send(selector, &bytes[..end]).await;
        }
        for index in (0..bytes.len()).step_by(11) {
            for insert in INSERTS {
                let mut mutated = bytes.to_vec();
                mutated.splice(index..index, insert.iter().copied());
                driver.send(selector, &mutated).await;
            }
            let mut flipped = bytes.to_vec();
            flipped[index] ^= 0x20;
            driver.send(selector, &flipped).await;
        }
        // A form without its CSRF field.
        driver.send(selector | 0x80, bytes).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_with_a_body_has_a_seed_and_the_fixture_takes_real_ones() {
    assert_eq!(SEEDS.len(), COMPANION_ROUTES.len());
    let driver = CompanionDriver::start().await;
    // A new account, and the fixture's account signing in again: both go home (303).
    assert_eq!(driver.send(6, SEEDS[6].as_bytes()).await, 303);
    assert_eq!(
        driver.send(7, b"email=fuzz%40example.co&password=correct+horse+battery").await,
        303
    );
    // Without the CSRF field, the same sign-in is refused.
    assert_eq!(driver.send(7 | 0x80, SEEDS[7].as_bytes()).await, 403);
}

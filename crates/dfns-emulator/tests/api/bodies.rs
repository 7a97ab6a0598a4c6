//! Truncated and mutated copies of the bodies Dfns's clients send, each to its route on the real
//! router with the caller and user action it expects: accepted, or refused with a Dfns error of
//! a 4xx status, never a 5xx or a panic. The fast, deterministic cousin of the `bodies` fuzz
//! target (`fuzz/fuzz_targets/bodies.rs`), which drives the same `BodyDriver`.

use crate::every_body::{BODY_ROUTES, BodyDriver};

/// One body per route, as a client sends it (index = the route's selector).
pub const SEEDS: [&str; 23] = [
    r#"{"userActionPayload":"{\"network\":\"EthereumSepolia\"}","userActionHttpMethod":"POST","userActionHttpPath":"/wallets","userActionServerKind":"Api"}"#,
    r#"{"challengeIdentifier":"eyJ0eXAiOiJKV1QifQ","firstFactor":{"kind":"Key","credentialAssertion":{"credId":"fuzz-user-key","clientData":"eyJ0eXBlIjoia2V5LmdldCJ9","signature":"MEUCIQ"}}}"#,
    r#"{"email":"new@example.co","kind":"EndUser","externalId":"x-1"}"#,
    r#"{"firstFactorCredential":{"credentialKind":"Fido2","credentialInfo":{"credId":"c1QEdgnPLJ","clientData":"eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0","attestationData":"o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjF"}},"recoveryCredential":{"credentialKind":"RecoveryKey","credentialInfo":{"credId":"rk","clientData":"e30","attestationData":"e30"},"encryptedPrivateKey":"AAAA"}}"#,
    r#"{"firstFactorCredential":{"credentialKind":"Key","credentialInfo":{"credId":"k1","clientData":"eyJ0eXBlIjoia2V5LmNyZWF0ZSJ9","attestationData":"eyJwdWJsaWNLZXkiOiItLS0tLUJFR0lOIn0"},"credentialName":"Key"},"wallets":[{"network":"EthereumSepolia","name":"Main"}]}"#,
    r#"{"username":"fuzz@example.co"}"#,
    r#"{"allSessions":true}"#,
    r#"{"kind":"Fido2"}"#,
    r#"{"credentialKind":"Key","credentialInfo":{"credId":"k2","clientData":"e30","attestationData":"e30"},"credentialName":"Second","challengeIdentifier":"eyJ0eXAiOiJKV1QifQ"}"#,
    r#"{"credentialUuid":"cr-1"}"#,
    r#"{"credentialUuid":"cr-1"}"#,
    r#"{"expiration":"2030-01-01T00:00:00Z"}"#,
    r#"{"code":"abc-def-ghi","credentialKind":"Key"}"#,
    r#"{"credentialKind":"Key","credentialInfo":{"credId":"k3","clientData":"e30","attestationData":"e30"},"credentialName":"Code","challengeIdentifier":"x"}"#,
    r#"{"username":"fuzz@example.co","credentialId":"rk"}"#,
    r#"{"username":"fuzz@example.co","orgId":"or-1"}"#,
    r#"{"username":"fuzz@example.co","verificationCode":"123456","orgId":"or-1","credentialId":"rk"}"#,
    r#"{"recovery":{"kind":"RecoveryKey","credentialAssertion":{"credId":"rk","clientData":"e30","signature":"AA"}},"newCredentials":{"firstFactorCredential":{"credentialKind":"Key","credentialInfo":{"credId":"k4","clientData":"e30","attestationData":"e30"},"credentialName":"New"}}}"#,
    r#"{"network":"EthereumSepolia","name":"Savings","externalId":"w-1","tags":["a"]}"#,
    r#"{"kind":"Native","to":"0x00000000000000000000000000000000000000b0","amount":"1000","priority":"Fast","externalId":"t-1"}"#,
    r#"{"kind":"Eip712","types":{"Mail":[{"name":"to","type":"address"}]},"domain":{"name":"x","chainId":11155111},"message":{"to":"0x00000000000000000000000000000000000000b0"}}"#,
    r#"{"kind":"Hash","hash":"0x0000000000000000000000000000000000000000000000000000000000000001","blockchainKind":"Evm"}"#,
    r#"{"network":"EthereumSepolia","address":"0x00000000000000000000000000000000000000b0","amount":"5","kind":"Native"}"#,
];

/// Bytes that break JSON, numbers, strings, encodings or nesting where they land.
const INSERTS: [&[u8]; 10] = [
    b"\"",
    b"{",
    b"]",
    b",",
    b"null",
    b"-1e999",
    b"\\u",
    b"\xff",
    b"340282366920938463463374607431768211456",
    b"\"\":0,",
];

#[tokio::test]
async fn truncated_and_mutated_bodies_are_refused_with_a_dfns_error_never_a_server_error() {
    let driver = BodyDriver::start().await;
    for (selector, seed) in SEEDS.iter().enumerate() {
        let selector = u8::try_from(selector).expect("a small index");
        let bytes = seed.as_bytes();
        for end in (0..bytes.len()).step_by(9) {
            driver.send(selector, &bytes[..end]).await;
        }
        for index in (0..bytes.len()).step_by(13) {
            for insert in INSERTS {
                let mut mutated = bytes.to_vec();
                mutated.splice(index..index, insert.iter().copied());
                driver.send(selector, &mutated).await;
            }
            let mut flipped = bytes.to_vec();
            flipped[index] ^= 0x20;
            driver.send(selector, &flipped).await;
        }
        // The same body without its user action.
        driver.send(selector | 0x80, bytes).await;
    }
}

#[tokio::test]
async fn every_route_with_a_body_has_a_seed_and_the_fixture_accepts_real_ones() {
    assert_eq!(SEEDS.len(), BODY_ROUTES.len());
    let driver = BodyDriver::start().await;
    // Writes whose seed is complete and the fixture's own: a wallet, a transfer, a signature,
    // a faucet credit, a logout.
    for (route, expected) in [(18, 200), (19, 200), (21, 200), (22, 200), (6, 200)] {
        let status = driver.send(route, SEEDS[usize::from(route)].as_bytes()).await;
        assert_eq!(status, expected, "{:?}", BODY_ROUTES[usize::from(route)]);
    }
    // Without its user action, the same transfer is refused.
    assert_eq!(driver.send(19 | 0x80, SEEDS[19].as_bytes()).await, 403);
}

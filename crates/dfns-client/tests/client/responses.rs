//! Truncated and mutated copies of real Dfns answers (the examples of `reference/dfns-api.md`,
//! and Dfns's error shapes) through the client's one entry point: a model or a typed error every
//! time, never a panic. The fast, deterministic cousin of the `responses` fuzz target.

use crate::every_response::read_every_response;

/// Answers as Dfns sends them.
const SEEDS: [&str; 8] = [
    // POST /auth/action/init
    r#"{"challenge":"MWM0MmY5YTQ0","challengeIdentifier":"eyJ0eXAiOiJKV1QifQ","supportedCredentialKinds":[{"kind":"Fido2","factor":"first","requiresSecondFactor":false}],"userVerification":"required","attestation":"direct","allowCredentials":{"key":[{"type":"public-key","id":"cr-1"}],"webauthn":[{"type":"public-key","id":"c1QEdgnPLJargwzy3cbYKny4Q18u0hr97unXsF3DiE8"}],"passwordProtectedKey":[{"type":"public-key","id":"p","encryptedPrivateKey":"e"}]},"externalAuthenticationUrl":"","rp":{"id":"dfns.io","name":"Dfns"}}"#,
    // POST /auth/registration/delegated
    r#"{"user":{"id":"us-2ba0h-lvp2q-8v1860pcj1bh5irf","name":"jane@example.co","displayName":"jane@example.co"},"temporaryAuthenticationToken":"eyJ0eXAiOiJKV1Q","challenge":"MmE5YzRmMzMwY2NlNGUyMjhjZWYzMzlhZDBhZmIxNzk","rp":{"id":"dfns.io","name":"Dfns"},"supportedCredentialKinds":{"firstFactor":["Fido2","Key"],"secondFactor":[]},"authenticatorSelection":{"residentKey":"required","requireResidentKey":true,"userVerification":"required"},"attestation":"direct","pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],"excludeCredentials":[{"type":"public-key","id":"x"}],"otpUrl":""}"#,
    // POST /auth/registration/enduser
    r#"{"credential":{"uuid":"cr-1","kind":"Fido2","name":"Passkey"},"user":{"id":"us-1","username":"jane@example.co","orgId":"or-1"},"authentication":{"token":"eyJ0eX"},"wallets":[{"id":"wa-5pfuu-9euek-h0odgb6snva8ph3k","network":"EthereumSepolia","address":"0x00e3","signingKey":{"id":"key-1","scheme":"ECDSA","curve":"secp256k1","publicKey":"03e60f","delegatedTo":"us-1"},"status":"Active","dateCreated":"2023-04-14T20:41:28.715Z","custodial":false,"tags":[]}]}"#,
    // GET /wallets/{id}/assets
    r#"{"walletId":"wa-1","network":"EthereumSepolia","assets":[{"kind":"Native","symbol":"ETH","decimals":18,"verified":true,"balance":"1000000000000000000","quotes":{"USD":3020.8}},{"kind":"Erc20","contract":"0x1c7d","symbol":"USDC","decimals":6,"balance":"5"}],"netWorth":{"USD":3020.8}}"#,
    // GET /wallets/{id}/history
    r#"{"walletId":"wa-1","network":"EthereumSepolia","items":[{"kind":"NativeTransfer","walletId":"wa-1","direction":"In","network":"EthereumSepolia","blockNumber":7,"txHash":"0xab","index":"0","timestamp":"2025-01-03T00:00:00Z","from":"0xa","to":"0xb","value":"5","fee":"21000","metadata":{"asset":{"symbol":"ETH","decimals":18,"verified":true}}},{"kind":"UtxoTransfer","walletId":"wa-1","direction":"Out","network":"Bitcoin","blockNumber":9,"txHash":"cd","timestamp":"2025-01-04T00:00:00Z","froms":["bc1a"],"tos":["bc1b"],"value":"7","metadata":{"asset":{}}}],"nextPageToken":"p2"}"#,
    // GET /wallets/{id}/transfers
    r#"{"walletId":"wa-1","items":[{"id":"xfr-1vs8g-c1ub1-xxxxxxxxxxxxxxxx","walletId":"wa-1","network":"Ethereum","requester":{"userId":"us-1","tokenId":"to-1"},"requestBody":{"kind":"Native","to":"0xb","amount":"1","priority":"Fast"},"metadata":{"asset":{"symbol":"ETH","decimals":18,"verified":true,"quotes":{"USD":3020.8}}},"status":"Broadcasted","txHash":"0xab","fee":"21000","dateRequested":"2025-01-03T00:00:00Z","dateBroadcasted":"2025-01-03T00:00:01Z","externalId":"x-1"}],"nextPageToken":"p2"}"#,
    // GET /wallets/{id}/signatures
    r#"{"items":[{"id":"sig-1","keyId":"key-1","walletId":"wa-1","network":"Ethereum","requester":{"userId":"us-1"},"requestBody":{"kind":"Hash","hash":"0x00"},"status":"Signed","signature":{"r":"0x1","s":"0x2","recid":1,"encoded":"0x3"},"dateRequested":"2025-01-03T00:00:00Z","dateSigned":"2025-01-03T00:00:01Z"}],"keyId":"key-1"}"#,
    // An error, with details.
    r#"{"error":{"id":"er-1","status":409,"message":"Conflicting transfer with same externalId","details":{"duplicate":{"id":"xfr-1","externalId":"x-1"}}}}"#,
];

/// Bytes that break JSON, numbers, strings or nesting where they land.
const INSERTS: [&[u8]; 10] =
    [b"\"", b"{", b"]", b",", b":", b"null", b"-1e999", b"\\u", b"\xff", b"18446744073709551616"];

#[test]
fn truncated_and_mutated_dfns_answers_are_read_or_refused_never_a_panic() {
    for seed in SEEDS {
        let bytes = seed.as_bytes();
        // The seed itself reads as the model it was taken from, or Dfns's error.
        read_every_response(409, bytes);
        for end in 0..bytes.len() {
            read_every_response(503, &bytes[..end]);
        }
        for index in (0..bytes.len()).step_by(7) {
            for insert in INSERTS {
                let mut mutated = bytes.to_vec();
                mutated.splice(index..index, insert.iter().copied());
                read_every_response(400, &mutated);
            }
            let mut flipped = bytes.to_vec();
            flipped[index] ^= 0x20;
            read_every_response(500, &flipped);
        }
    }
}

#[test]
fn every_seed_is_a_real_answer_of_the_model_it_came_from() {
    use dfns_client::models::{
        EndUserRegistrationResponse, RegistrationChallenge, SignatureList, TransferList,
        UserActionChallenge, WalletAssets, WalletHistory,
    };
    use dfns_client::read_answer;
    read_answer::<UserActionChallenge>(200, SEEDS[0].as_bytes()).expect("challenge");
    read_answer::<RegistrationChallenge>(200, SEEDS[1].as_bytes()).expect("registration");
    read_answer::<EndUserRegistrationResponse>(200, SEEDS[2].as_bytes()).expect("enduser");
    read_answer::<WalletAssets>(200, SEEDS[3].as_bytes()).expect("assets");
    read_answer::<WalletHistory>(200, SEEDS[4].as_bytes()).expect("history");
    read_answer::<TransferList>(200, SEEDS[5].as_bytes()).expect("transfers");
    read_answer::<SignatureList>(200, SEEDS[6].as_bytes()).expect("signatures");
    let error = read_answer::<serde_json::Value>(409, SEEDS[7].as_bytes()).expect_err("error");
    let api = error.api().expect("Dfns's error");
    assert_eq!(
        (api.id.as_deref(), api.message.as_str()),
        (Some("er-1"), "Conflicting transfer with same externalId")
    );
}

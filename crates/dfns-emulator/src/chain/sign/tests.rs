use alloy_primitives::keccak256;
use ed25519_dalek::Verifier as _;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use serde_json::json;

use super::*;
use crate::chain::address::address;
use crate::chain::networks::network;

fn secp_key(secret: [u8; 32]) -> KeyPair {
    KeyPair::from_secret(Curve::Secp256k1, &secret).expect("a valid secp256k1 secret")
}

fn evm_key() -> KeyPair {
    secp_key([0x11; 32])
}

fn solana_key(secret: &str) -> KeyPair {
    let secret = hex::decode(secret).expect("hex");
    KeyPair::from_secret(Curve::Ed25519, &secret.try_into().expect("32 bytes")).expect("a seed")
}

fn parse(family: Family, body: &Value) -> SignatureRequest {
    SignatureRequest::parse(family, body).unwrap_or_else(|error| panic!("{body} parses: {error}"))
}

fn refused(family: Family, body: &Value) -> String {
    match SignatureRequest::parse(family, body) {
        Ok(request) => panic!("{body} was accepted as {request:?}"),
        Err(SignRequestError(message)) => message,
    }
}

fn bytes(hex0x: &str) -> Vec<u8> {
    hex::decode(hex0x.strip_prefix("0x").expect("0x-prefixed")).expect("hex")
}

/// Checks the ECDSA output's form and recovers the signer from `digest`, independently of
/// [`sign`]: k256's public-key recovery over the expected digest.
fn recover(output: &SignatureOutput, digest: &[u8; 32]) -> VerifyingKey {
    let (r, s) = (bytes(&output.r), bytes(&output.s));
    assert_eq!((r.len(), s.len()), (32, 32));
    let signature = Signature::from_slice(&[r, s].concat()).expect("a valid signature");
    assert!(signature.normalize_s() == signature, "low-S");
    let recid = output.recid.expect("secp256k1 signatures carry a recovery id");
    assert!(recid <= 1, "{recid}");
    let recid = RecoveryId::from_byte(recid).expect("a recovery id");
    VerifyingKey::recover_from_prehash(digest, &signature, recid).expect("recovers")
}

fn public_of(key: &KeyPair) -> VerifyingKey {
    VerifyingKey::from_sec1_bytes(&key.public_key_bytes()).expect("a point")
}

fn assert_evm_encoding(output: &SignatureOutput) {
    let recid = output.recid.expect("recid");
    let expected = format!("{}{}{:02x}", output.r, &output.s[2..], 27 + recid);
    assert_eq!(output.encoded, expected);
}

/// EIP-191 `personal_sign` digest, written out here rather than taken from the code under test.
fn personal_digest(message: &[u8]) -> [u8; 32] {
    let mut prefixed = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    prefixed.extend_from_slice(message);
    keccak256(&prefixed).0
}

/// The "Mail" example of the EIP-712 specification, as the Dfns SDK sends it (no primaryType).
fn mail_body() -> Value {
    json!({
        "kind": "Eip712",
        "types": {
            "EIP712Domain": [
                { "name": "name", "type": "string" },
                { "name": "version", "type": "string" },
                { "name": "chainId", "type": "uint256" },
                { "name": "verifyingContract", "type": "address" }
            ],
            "Person": [
                { "name": "name", "type": "string" },
                { "name": "wallet", "type": "address" }
            ],
            "Mail": [
                { "name": "from", "type": "Person" },
                { "name": "to", "type": "Person" },
                { "name": "contents", "type": "string" }
            ]
        },
        "domain": {
            "name": "Ether Mail",
            "version": "1",
            "chainId": 1,
            "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
        },
        "message": {
            "from": { "name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
            "to": { "name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" },
            "contents": "Hello, Bob!"
        }
    })
}

const MAIL_DIGEST: &str = "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2";

fn mail_signing_hash(body: &Value) -> String {
    match parse(Family::Evm, body) {
        SignatureRequest::Eip712 { primary_type, signing_hash } => {
            assert_eq!(primary_type, "Mail");
            hex::encode(signing_hash)
        }
        other => panic!("parsed as {other:?}"),
    }
}

#[test]
fn the_eip712_mail_example_gives_the_specification_digest_and_signature() {
    let cow = secp_key(keccak256(b"cow").0);
    assert_eq!(
        address(network("Ethereum").expect("Ethereum"), &cow.public_key_bytes())
            .expect("a secp256k1 key has an Ethereum address"),
        "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"
    );
    let request = parse(Family::Evm, &mail_body());
    assert_eq!(request.kind(), "Eip712");
    let output = sign(&cow, &request);
    assert_eq!(output.r, "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d");
    assert_eq!(output.s, "0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562");
    assert_eq!(output.recid, Some(1), "v = 28");
    assert_evm_encoding(&output);
    assert!(output.encoded.ends_with("1c"));
    let digest: [u8; 32] = hex::decode(MAIL_DIGEST).expect("hex").try_into().expect("32 bytes");
    assert_eq!(recover(&output, &digest), public_of(&cow));
}

#[test]
fn eip712_hashes_the_same_with_or_without_primary_type_and_domain_type() {
    assert_eq!(mail_signing_hash(&mail_body()), MAIL_DIGEST);
    let mut with_primary = mail_body();
    with_primary["primaryType"] = json!("Mail");
    assert_eq!(mail_signing_hash(&with_primary), MAIL_DIGEST);
    let mut without_domain_type = mail_body();
    without_domain_type["types"].as_object_mut().expect("types").remove("EIP712Domain");
    assert_eq!(mail_signing_hash(&without_domain_type), MAIL_DIGEST);
}

#[test]
fn an_eip712_chain_id_may_be_a_number_or_a_string_as_the_sdk_type_allows() {
    for chain_id in [json!("1"), json!("0x1")] {
        let mut body = mail_body();
        body["domain"]["chainId"] = chain_id;
        assert_eq!(mail_signing_hash(&body), MAIL_DIGEST);
    }
}

#[test]
fn eip712_that_does_not_hash_is_refused() {
    let mut ambiguous = mail_body();
    ambiguous["types"]["Unused"] = json!([{ "name": "x", "type": "uint256" }]);
    let message = refused(Family::Evm, &ambiguous);
    assert!(message.contains("ambiguous") && message.contains("Unused"), "{message}");

    let mut undefined_primary = mail_body();
    undefined_primary["primaryType"] = json!("Letter");
    assert!(refused(Family::Evm, &undefined_primary).contains("Letter"));

    let mut missing_field = mail_body();
    missing_field["message"].as_object_mut().expect("message").remove("contents");
    assert!(refused(Family::Evm, &missing_field).contains("does not hash"));

    let mut wrong_value = mail_body();
    wrong_value["message"]["from"]["wallet"] = json!("not an address");
    assert!(refused(Family::Evm, &wrong_value).contains("does not hash"));

    let mut bad_type = mail_body();
    bad_type["types"]["Person"][1]["type"] = json!("address[");
    assert!(refused(Family::Evm, &bad_type).contains("types"));

    let mut missing_type = mail_body();
    missing_type["types"].as_object_mut().expect("types").remove("Person");
    refused(Family::Evm, &missing_type);

    let mut unknown_domain_field = mail_body();
    unknown_domain_field["domain"]["chain"] = json!(1);
    assert!(refused(Family::Evm, &unknown_domain_field).contains("domain.chain"));

    let mut bad_contract = mail_body();
    bad_contract["domain"]["verifyingContract"] = json!("0x1234");
    assert!(refused(Family::Evm, &bad_contract).contains("domain"));

    let mut only_domain = mail_body();
    only_domain["types"] = json!({ "EIP712Domain": mail_body()["types"]["EIP712Domain"] });
    refused(Family::Evm, &only_domain);

    for field in ["types", "domain", "message"] {
        let mut missing = mail_body();
        missing.as_object_mut().expect("body").remove(field);
        assert!(refused(Family::Evm, &missing).contains(field));
        let mut not_object = mail_body();
        not_object[field] = json!("{}");
        let message = refused(Family::Evm, &not_object);
        assert!(message.contains(field) && message.contains("a string"), "{message}");
    }
    let mut numeric_primary = mail_body();
    numeric_primary["primaryType"] = json!(1);
    assert!(refused(Family::Evm, &numeric_primary).contains("primaryType"));
}

#[test]
fn an_evm_hash_signature_recovers_to_the_wallet_key() {
    let key = evm_key();
    let hash = keccak256(b"anything").0;
    let request = parse(Family::Evm, &json!({ "kind": "Hash", "hash": hex0x(&hash) }));
    assert_eq!(request.kind(), "Hash");
    let output = sign(&key, &request);
    assert_eq!(recover(&output, &hash), public_of(&key));
    assert_evm_encoding(&output);
}

#[test]
fn an_evm_message_is_signed_as_an_eip191_personal_message() {
    let key = evm_key();
    let message = b"I love Dfns";
    let expected = public_of(&key);
    for kind in ["Message", "Eip191"] {
        let request = parse(Family::Evm, &json!({ "kind": kind, "message": hex0x(message) }));
        assert_eq!(request.kind(), kind);
        let output = sign(&key, &request);
        assert_eq!(recover(&output, &personal_digest(message)), expected, "{kind}");
        assert_evm_encoding(&output);
    }
    // Upper-case hex digits and an empty message are fine too.
    let upper = parse(Family::Evm, &json!({ "kind": "Eip191", "message": "0xABCDEF" }));
    assert_eq!(recover(&sign(&key, &upper), &personal_digest(&[0xab, 0xcd, 0xef])), expected);
    let empty = parse(Family::Evm, &json!({ "kind": "Message", "message": "0x" }));
    assert_eq!(recover(&sign(&key, &empty), &personal_digest(b"")), expected);
}

#[test]
fn an_evm_transaction_is_signed_over_its_keccak_as_in_the_eip155_example() {
    // EIP-155's example: the unsigned transaction, its signing hash and the published r and s.
    let unsigned = "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
    let key = secp_key([0x46; 32]);
    let request = parse(Family::Evm, &json!({ "kind": "Transaction", "transaction": unsigned }));
    assert_eq!(request.kind(), "Transaction");
    let output = sign(&key, &request);
    let digest = keccak256(bytes(unsigned)).0;
    assert_eq!(
        hex::encode(digest),
        "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
    );
    assert_eq!(output.r, "0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276");
    assert_eq!(output.s, "0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    // v = 37 = 35 + 2 × chain id 1 + recid.
    assert_eq!(output.recid, Some(0));
    assert_eq!(recover(&output, &digest), public_of(&key));
    assert_evm_encoding(&output);
}

#[test]
fn typed_transaction_envelopes_are_accepted() {
    for transaction in ["0x02c0", "0x01c180", "0x04c20102"] {
        parse(Family::Evm, &json!({ "kind": "Transaction", "transaction": transaction }));
    }
}

#[test]
fn what_cannot_be_an_unsigned_evm_transaction_is_refused() {
    for (transaction, why) in [
        ("0x", "empty"),
        ("0x1234", "0x12"),
        ("0x05c0", "0x05"),
        ("0xc2", "RLP"),
        ("0xc0ff", "exactly one list"),
        ("0x02", "RLP"),
        ("0x0280", "exactly one list"),
    ] {
        let message =
            refused(Family::Evm, &json!({ "kind": "Transaction", "transaction": transaction }));
        assert!(message.contains(why), "{transaction}: {message}");
    }
    let message =
        refused(Family::Evm, &json!({ "kind": "Transaction", "transaction": { "to": "0x00" } }));
    assert!(message.contains("transaction") && message.contains("an object"), "{message}");
}

#[test]
fn ecdsa_signatures_are_deterministic() {
    let key = evm_key();
    let request = parse(Family::Evm, &json!({ "kind": "Message", "message": "0x01" }));
    assert_eq!(sign(&key, &request), sign(&key, &request));
}

#[test]
fn a_bitcoin_hash_signature_is_low_s_der_that_verifies() {
    use k256::ecdsa::signature::hazmat::PrehashVerifier as _;
    let key = secp_key([0x22; 32]);
    let hash = [0x5a; 32];
    let request = parse(Family::Bitcoin, &json!({ "kind": "Hash", "hash": hex0x(&hash) }));
    let output = sign(&key, &request);
    assert_eq!(recover(&output, &hash), public_of(&key));
    let der = Signature::from_der(&bytes(&output.encoded)).expect("DER");
    assert_eq!(
        der,
        Signature::from_slice(&[bytes(&output.r), bytes(&output.s)].concat()).expect("r, s")
    );
    public_of(&key).verify_prehash(&hash, &der).expect("verifies");
}

#[test]
fn a_solana_message_matches_rfc_8032_and_verifies() {
    // RFC 8032 §7.1, TESTS 1 and 2.
    let vectors = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "0x",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "0x72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
    ];
    for (secret, message, signature) in vectors {
        let key = solana_key(secret);
        let request = parse(Family::Solana, &json!({ "kind": "Message", "message": message }));
        assert_eq!(request.kind(), "Message");
        let output = sign(&key, &request);
        assert_eq!(output.encoded, format!("0x{signature}"));
        assert_eq!(output.r, format!("0x{}", &signature[..64]));
        assert_eq!(output.s, format!("0x{}", &signature[64..]));
        assert_eq!(output.recid, None);
        let public = ed25519_dalek::VerifyingKey::from_bytes(
            &key.public_key_bytes().try_into().expect("32 bytes"),
        )
        .expect("a point");
        let signature =
            ed25519_dalek::Signature::from_slice(&bytes(&output.encoded)).expect("64 bytes");
        public.verify(&bytes(message), &signature).expect("verifies");
    }
}

#[test]
fn the_output_serializes_as_dfns_signature() {
    let evm =
        sign(&evm_key(), &parse(Family::Evm, &json!({ "kind": "Message", "message": "0x00" })));
    let value = serde_json::to_value(&evm).expect("serializes");
    let keys: std::collections::BTreeSet<&str> =
        value.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys, ["encoded", "r", "recid", "s"].into());
    assert!(value["recid"].is_u64());
    let solana = sign(
        &solana_key("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
        &parse(Family::Solana, &json!({ "kind": "Message", "message": "0x00" })),
    );
    let value = serde_json::to_value(&solana).expect("serializes");
    assert!(value.get("recid").is_none(), "{value}");
}

#[test]
#[should_panic(expected = "cannot sign")]
fn a_key_of_another_curve_cannot_sign() {
    let request = parse(Family::Evm, &json!({ "kind": "Hash", "hash": hex0x(&[1; 32]) }));
    assert_eq!(request.curve(), Curve::Secp256k1);
    let _ = sign(
        &solana_key("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
        &request,
    );
}

#[test]
fn each_family_accepts_only_its_kinds() {
    let hash = json!({ "kind": "Hash", "hash": hex0x(&[1; 32]) });
    let message = json!({ "kind": "Message", "message": "0x01" });
    let eip191 = json!({ "kind": "Eip191", "message": "0x01" });
    let transaction = json!({ "kind": "Transaction", "transaction": "0x02c0" });
    for body in [&hash, &message, &eip191, &mail_body(), &transaction] {
        parse(Family::Evm, body);
    }
    parse(Family::Bitcoin, &hash);
    parse(Family::Solana, &message);
    for (family, body) in [
        (Family::Bitcoin, &message),
        (Family::Bitcoin, &eip191),
        (Family::Bitcoin, &transaction),
        (Family::Bitcoin, &mail_body()),
        (Family::Solana, &hash),
        (Family::Solana, &eip191),
        (Family::Solana, &transaction),
    ] {
        let text = refused(family, body);
        assert!(text.contains("not supported for") && text.contains(family.name()), "{text}");
    }
    let psbt = refused(Family::Bitcoin, &json!({ "kind": "Psbt", "psbt": "0x00" }));
    assert_eq!(psbt, "Psbt signatures are not supported for Bitcoin keys; supported: Hash");
}

#[test]
fn unknown_or_missing_kinds_are_refused() {
    let unknown = refused(Family::Evm, &json!({ "kind": "Foo", "hash": "0x00" }));
    assert!(unknown.contains("\"Foo\" is not a signature kind"), "{unknown}");
    assert!(unknown.contains("Hash, Message, Eip191, Eip712, Transaction"), "{unknown}");
    assert!(refused(Family::Evm, &json!({ "hash": "0x00" })).contains("kind is required"));
    assert!(refused(Family::Evm, &json!({ "kind": 1 })).contains("kind must be a string"));
    assert!(refused(Family::Evm, &json!("Hash")).contains("JSON object"));
    assert!(refused(Family::Evm, &json!(null)).contains("JSON object"));
}

#[test]
fn a_hash_must_be_32_bytes_of_0x_hex() {
    for (hash, why) in [
        (json!(hex0x(&[1; 31])), "got 31"),
        (json!(hex0x(&[1; 33])), "got 33"),
        (json!("0x"), "got 0"),
        (json!(hex::encode([1; 32])), "0x-prefixed"),
        (json!(format!("0x{}zz", "00".repeat(31))), "not valid hex"),
        (json!(format!("0x{}0", "00".repeat(32))), "not valid hex"),
        (json!(12), "not a number"),
        (json!({ "hash": "0x00" }), "not an object"),
        (json!(["0x00"]), "not an array"),
    ] {
        for family in [Family::Evm, Family::Bitcoin] {
            let message = refused(family, &json!({ "kind": "Hash", "hash": hash }));
            assert!(message.contains("hash") && message.contains(why), "{hash}: {message}");
        }
    }
    let missing = refused(Family::Bitcoin, &json!({ "kind": "Hash" }));
    assert!(missing.contains("hash is required"), "{missing}");
}

#[test]
fn a_message_must_be_0x_hex() {
    for family in [Family::Evm, Family::Solana] {
        for (message, why) in [
            (json!("hello"), "0x-prefixed"),
            (json!("0xhello"), "not valid hex"),
            (json!("0x123"), "not valid hex"),
            (json!({ "text": "hello" }), "not an object"),
        ] {
            let text = refused(family, &json!({ "kind": "Message", "message": message }));
            assert!(text.contains("message") && text.contains(why), "{message}: {text}");
        }
        assert!(refused(family, &json!({ "kind": "Message" })).contains("message is required"));
    }
    let eip191 = refused(Family::Evm, &json!({ "kind": "Eip191", "message": "hi" }));
    assert!(eip191.contains("0x-prefixed"), "{eip191}");
}

#[test]
fn a_taproot_merkle_root_is_refused_for_ecdsa_keys() {
    let message = refused(
        Family::Bitcoin,
        &json!({ "kind": "Hash", "hash": hex0x(&[1; 32]), "taprootMerkleRoot": "" }),
    );
    assert!(message.contains("taprootMerkleRoot"), "{message}");
}

#[test]
fn the_other_dfns_fields_of_a_request_are_ignored() {
    let request = parse(
        Family::Evm,
        &json!({
            "kind": "Hash",
            "hash": hex0x(&[1; 32]),
            "network": "EthereumSepolia",
            "blockchainKind": "Evm",
            "externalId": "abc"
        }),
    );
    assert_eq!(request, SignatureRequest::Hash { family: Family::Evm, hash: [1; 32] });
}

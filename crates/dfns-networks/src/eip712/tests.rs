use serde_json::{Value, json};

use super::*;

fn mail(domain: &Value) -> Map<String, Value> {
    let body = json!({
        "types": {
            "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
            "Mail": [
                {"name": "from", "type": "Person"},
                {"name": "to", "type": "Person"},
                {"name": "contents", "type": "string"}
            ]
        },
        "domain": domain,
        "message": {
            "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
            "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
            "contents": "Hello, Bob!"
        }
    });
    body.as_object().cloned().expect("an object")
}

#[test]
fn the_primary_type_and_the_domain_chain_id_are_read_from_the_typed_data() {
    let checked =
        check(&mail(&json!({"name": "Ether Mail", "version": "1", "chainId": 1}))).expect("checks");
    assert_eq!(checked.primary_type, "Mail");
    assert_eq!(checked.chain_id, Some(1));

    let as_string =
        check(&mail(&json!({"name": "Ether Mail", "chainId": "11155111"}))).expect("checks");
    assert_eq!(as_string.chain_id, Some(11_155_111));

    let none = check(&mail(&json!({"name": "Ether Mail"}))).expect("checks");
    assert_eq!(none.chain_id, None);
}

#[test]
fn a_chain_id_beyond_any_chain_and_a_foreign_domain_field_are_refused() {
    let huge = check(&mail(&json!({"chainId": "0x10000000000000000"}))).expect_err("refused");
    assert!(huge.0.contains("chainId"), "{huge}");
    let foreign = check(&mail(&json!({"name": "x", "owner": "me"}))).expect_err("refused");
    assert!(foreign.0.contains("domain.owner"), "{foreign}");
}

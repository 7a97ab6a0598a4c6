use super::*;

const KNOWN: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

#[test]
fn an_address_that_shares_its_ends_with_a_known_one_looks_alike() {
    let poisoned = "0x5aAeb600000000000000000000000000000BeAed";
    assert_eq!(poisoned.len(), KNOWN.len());
    assert!(looks_alike(KNOWN, poisoned));
}

#[test]
fn the_same_or_an_unrelated_address_does_not_look_alike() {
    assert!(!looks_alike(KNOWN, KNOWN), "the same address");
    assert!(!looks_alike(KNOWN, &KNOWN.to_lowercase()), "the same address in another case");
    assert!(!looks_alike(KNOWN, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"), "unrelated");
    assert!(!looks_alike("0xab", "0xab"), "too short to judge");
    assert!(!looks_alike("éééééééééé", "éééééééééé"), "non-ASCII never panics");
    assert!(!looks_alike("ééééééééééx", "éééééééééé"), "non-ASCII of other lengths");
}

use super::*;

fn units(raw: &str, decimals: u8) -> Result<String, AmountError> {
    BaseUnits::parse_decimal(raw, decimals, "TOK").map(BaseUnits::to_base_string)
}

#[test]
fn decimals_become_base_units_exactly() {
    assert_eq!(units("1.5", 18).as_deref(), Ok("1500000000000000000"));
    assert_eq!(units("0.000001", 6).as_deref(), Ok("1"));
    assert_eq!(units("12", 8).as_deref(), Ok("1200000000"));
    assert_eq!(units(" +0.10 ", 2).as_deref(), Ok("10"));
    assert_eq!(units(".5", 1).as_deref(), Ok("5"));
    assert_eq!(units("5.", 0).as_deref(), Ok("5"));
    assert_eq!(units("1.2300", 2).as_deref(), Ok("123"), "trailing zeros are not precision");
}

#[test]
fn amounts_that_cannot_be_sent_are_refused_with_their_reason() {
    assert_eq!(units("-1", 18), Err(AmountError::Negative));
    assert_eq!(units("0", 18), Err(AmountError::Zero));
    assert_eq!(units("0.000", 18), Err(AmountError::Zero));
    assert_eq!(
        units("0.0000001", 6),
        Err(AmountError::TooPrecise { symbol: "TOK".into(), decimals: 6 })
    );
    assert_eq!(units("1.5", 0), Err(AmountError::TooPrecise { symbol: "TOK".into(), decimals: 0 }));
    let huge = "9".repeat(80);
    assert_eq!(units(&huge, 0), Err(AmountError::TooLarge));
    for malformed in ["", ".", "1.2.3", "1e18", "1,5", "1_000", "abc", "0x10", "1 000", "NaN"] {
        assert_eq!(
            units(malformed, 18),
            Err(AmountError::Malformed(malformed.into())),
            "{malformed}"
        );
    }
}

#[test]
fn every_refusal_has_a_stable_code() {
    assert_eq!(AmountError::Negative.code(), "AMOUNT_NEGATIVE");
    assert_eq!(AmountError::TooLarge.code(), "AMOUNT_TOO_LARGE");
    assert_eq!(AmountError::Malformed(String::new()).code(), "AMOUNT_INVALID");
}

#[test]
fn base_units_read_back_as_the_decimal_a_person_typed() {
    for (typed, decimals) in [("1.5", 18), ("0.000001", 6), ("3", 8), ("123.456789", 9)] {
        let amount = BaseUnits::parse_decimal(typed, decimals, "TOK").expect("valid");
        assert_eq!(amount.to_decimal_string(decimals), typed);
    }
    assert_eq!(BaseUnits::parse_base("42").expect("base").to_decimal_string(0), "42");
    assert_eq!(BaseUnits::parse_base("-1"), None);
    assert_eq!(BaseUnits::parse_base("1.0"), None);
}

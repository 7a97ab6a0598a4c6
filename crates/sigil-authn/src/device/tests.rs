use std::time::{Duration, UNIX_EPOCH};

use super::entry::{Entry, WrongPins};

#[test]
fn three_wrong_pins_cost_nothing_then_each_waits_twice_as_long_up_to_an_hour() {
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut wrong = WrongPins::default();
    assert_eq!(wrong.tries_left(), Some(3));
    let mut waits = Vec::new();
    for _ in 0..12 {
        wrong.record(start);
        waits.push(wrong.wait(start).map_or(0, |wait| wait.as_secs()));
    }
    assert_eq!(waits, [0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    assert_eq!(wrong.tries_left(), None);
    // The wait runs from the last wrong PIN; a clock set back does not shorten it.
    assert_eq!(wrong.wait(start + Duration::from_secs(3000)), Some(Duration::from_secs(600)));
    assert_eq!(wrong.wait(start + Duration::from_secs(3600)), None);
    assert_eq!(wrong.wait(start - Duration::from_secs(10)), Some(Duration::from_secs(3600)));
}

#[test]
fn the_first_format_reads_as_unsealed_today_s_as_sealed_and_anything_else_as_damaged() {
    let first = br#"[{"credential_id":"AQID","rp_id":"localhost","user_handle":null,"username":null,"display_name":null,"counter":0,"key":"oQEC"}]"#;
    assert!(
        matches!(Entry::parse(Some(first)), Ok(Entry::Unsealed(passkeys)) if passkeys.len() == 1)
    );
    assert!(matches!(Entry::parse(None), Ok(Entry::Empty)));
    let today = br#"{"version":2,"passkeys":[],"wrong_pins":{"count":1,"last":5}}"#;
    assert!(matches!(Entry::parse(Some(today)), Ok(Entry::Sealed(_))));
    for damaged in [&b"not json"[..], b"{}", br#"{"version":9,"passkeys":[]}"#, b"[{}]"] {
        let error = Entry::parse(Some(damaged)).expect_err("damaged");
        assert_eq!(error.code(), "AUTHN_PASSKEY_DAMAGED");
    }
}

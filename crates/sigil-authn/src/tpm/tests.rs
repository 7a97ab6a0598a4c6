use std::path::{Path, PathBuf};
use std::time::Duration;

use super::chip::{Chip, EcdsaSignature, Failure, Lockout, Tcti, device_failure};
use super::*;

#[test]
fn the_chip_s_response_codes_become_what_the_person_can_act_on() {
    let cases = [
        // TPM_RC_AUTH_FAIL on session 1: the PIN was wrong (a DA-protected key).
        (0x98E, Some(Failure::WrongPin)),
        // TPM_RC_BAD_AUTH on session 1.
        (0x9A2, Some(Failure::WrongPin)),
        (0x921, Some(Failure::Lockout)),
        // The resource manager passes the chip's lockout on in its own layer.
        (0x000B_0921, Some(Failure::Lockout)),
        // TPM_RC_INTEGRITY / TPM_RC_BINDING on the private part given to TPM2_Load.
        (0x1DF, Some(Failure::ForeignBlob)),
        (0x1E5, Some(Failure::ForeignBlob)),
        (0x922, Some(Failure::Busy)),
        (0x90A, Some(Failure::Busy)),
        (0x902, Some(Failure::Busy)),
        // TPM_RC_INITIALIZE: the chip restarted and was not started again.
        (0x100, Some(Failure::Reset)),
        // TPM_RC_REFERENCE_H0: a handle the chip no longer knows.
        (0x910, Some(Failure::Reset)),
        // The TCTI lost the connection, or asks to try again.
        (0x000A_000A, Some(Failure::Reset)),
        (0x000A_0008, Some(Failure::Reset)),
        (0x000A_0009, Some(Failure::Busy)),
        // TPM_RC_VALUE on parameter 1: nothing the person can act on.
        (0x1C4, None),
    ];
    for (raw, expected) in cases {
        assert_eq!(Failure::of_code(raw), expected, "{raw:#x}");
    }
}

#[test]
fn sigil_keeps_the_chip_s_last_try_in_reserve() {
    let lockout = |failures, max_failures, interval| Lockout {
        locked: false,
        failures,
        max_failures,
        interval: Duration::from_secs(interval),
    };
    // swtpm's defaults: 3 tries, one forgotten every 1000 s.
    assert_eq!(lockout(0, 3, 1000).tries_left(), 2);
    assert_eq!(lockout(2, 3, 1000).tries_left(), 0);
    assert_eq!(lockout(5, 3, 1000).tries_left(), 0);
    // A chip with dictionary-attack protection off never locks.
    assert_eq!(lockout(7, 3, 0).tries_left(), u32::MAX);
}

#[test]
fn every_tpm_failure_has_its_code_and_says_what_to_do() {
    let lockout =
        Lockout { locked: true, failures: 3, max_failures: 3, interval: Duration::from_secs(1000) };
    let cases = [
        (Failure::Unreachable("no answer".to_owned()), "AUTHN_TPM_UNAVAILABLE", "security key"),
        (
            Failure::AccessDenied(PathBuf::from("/dev/tpmrm0")),
            "AUTHN_TPM_ACCESS",
            "usermod -aG tss",
        ),
        (Failure::Lockout, "AUTHN_PIN_BLOCKED", "every 17 minutes"),
        (Failure::ForeignBlob, "AUTHN_TPM_MISMATCH", "another computer"),
        (Failure::Busy, "AUTHN_TPM_BUSY", "try again"),
        (Failure::Reset, "AUTHN_TPM_RESET", "unchanged"),
        (Failure::Damaged("x".to_owned()), "AUTHN_PASSKEY_DAMAGED", "recovery kit"),
    ];
    for (failure, code, advice) in cases {
        let error = to_authn(failure, Some(&lockout));
        assert_eq!(error.code(), code);
        assert!(error.to_string().contains(advice), "{code}: {error}");
    }
    let own = AuthnError::PinBlocked(PinBlock::Passkey { limit: TPM_WRONG_PIN_LIMIT });
    assert!(own.to_string().contains("5 wrong PINs"), "{own}");
}

#[test]
fn the_tpm_s_r_and_s_become_a_der_signature_even_with_leading_zeros_dropped() {
    let r = [0x11u8; 32];
    let mut s = [0x22u8; 32];
    s[0] = 0;
    let encoded = der(&EcdsaSignature { r: r.to_vec(), s: s[1..].to_vec() }).expect("der");
    let parsed = p256::ecdsa::Signature::from_der(&encoded).expect("DER");
    assert_eq!(parsed, p256::ecdsa::Signature::from_scalars(r, s).expect("scalars"));
    assert!(der(&EcdsaSignature { r: vec![1; 33], s: s.to_vec() }).is_err());
}

#[test]
fn a_device_tcti_names_the_node_it_opens() {
    let tcti = |config| Tcti::parse(config).expect("tcti");
    assert_eq!(tcti("device:/dev/tpmrm0").device(), Some(PathBuf::from("/dev/tpmrm0")));
    assert_eq!(tcti("device").device(), Some(PathBuf::from("/dev/tpm0")));
    assert_eq!(tcti("swtpm:host=127.0.0.1,port=2321").device(), None);
    assert!(Tcti::parse("carrier-pigeon").is_none());
}

#[test]
fn a_tpm_device_this_user_may_not_open_is_told_apart_from_a_missing_one() {
    let device = Path::new("/dev/tpmrm0");
    let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
    assert_eq!(device_failure(device, &denied), Failure::AccessDenied(device.to_owned()));
    let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
    assert!(matches!(device_failure(device, &missing), Failure::Unreachable(_)));
    // Through `Chip::open`, on a node that is not there.
    let tcti = Tcti::parse("device:/nonexistent/tpmrm0").expect("tcti");
    assert!(matches!(Chip::open(&tcti), Err(Failure::Unreachable(_))));
}

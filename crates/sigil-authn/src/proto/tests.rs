use webauthn_authenticator_rs::prelude::WebauthnCError;

use super::*;

#[test]
fn ctap_statuses_become_the_errors_a_person_can_act_on() {
    use webauthn_authenticator_rs::error::CtapError;
    let code = |status: u8| from_library(WebauthnCError::Ctap(CtapError::from(status))).code();
    assert_eq!(code(0x19), "AUTHN_ALREADY_REGISTERED");
    assert_eq!(code(0x27), "AUTHN_DECLINED");
    assert_eq!(code(0x2E), "AUTHN_NO_CREDENTIAL");
    assert_eq!(code(0x31), "AUTHN_PIN_INVALID");
    assert_eq!(code(0x32), "AUTHN_PIN_BLOCKED");
    assert_eq!(code(0x36), "AUTHN_PIN_REQUIRED");
    assert_eq!(code(0x7F), "AUTHN_AUTHENTICATOR_ERROR");
    assert_eq!(from_library(WebauthnCError::NoHidDevices).code(), "AUTHN_NO_AUTHENTICATOR");
}

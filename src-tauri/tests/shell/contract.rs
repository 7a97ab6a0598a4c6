//! The UI's IPC contract is written from the Rust definitions; the checked-in copy must match.

use std::path::Path;

use sigil_app::typescript::{CONTRACT_PATH, contract};

#[test]
fn the_checked_in_ui_contract_is_the_one_the_rust_definitions_generate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CONTRACT_PATH);
    let generated = contract();
    // `make contract` sets this to rewrite the file instead of checking it.
    if std::env::var_os("SIGIL_WRITE_CONTRACT").is_some() {
        std::fs::write(&path, &generated).expect("the contract file");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{CONTRACT_PATH} is stale (or missing): run `make contract` and commit it"
    );
}

#[test]
fn every_command_of_the_contract_is_declared_to_the_ui_with_typed_arguments() {
    let generated = contract();
    for command in ["app_state", "prepare_send", "confirm_action", "sign_out"] {
        assert!(generated.contains(&format!("  {command}: \"main\",")), "{command} is main's");
    }
    for command in ["approval_request", "approve", "decline"] {
        assert!(generated.contains(&format!("  {command}: \"approval\",")), "{command}");
    }
    assert!(
        generated.contains("prepareSend: (form: SendForm) => call(\"prepare_send\", { form }),")
    );
    assert!(generated.contains("export type ErrorCode ="), "the error codes are a type");
    assert!(!generated.contains(": any"), "no untyped value reaches the UI");
}

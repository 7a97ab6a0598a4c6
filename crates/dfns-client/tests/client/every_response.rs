// Every answer body the client reads, through its one entry point (`dfns_client::read_answer`):
// as each response model on a 2xx, and as Dfns's error on any other status. The fuzz target
// (`fuzz/fuzz_targets/responses.rs`) includes this file, so it and the mutation test in
// `responses.rs` read exactly the same models.

/// Reads `body` as every response model, then as the error answer of `error_status` (which is
/// not a 2xx), and checks what holds for any bytes: an error status never reads as success.
pub fn read_every_response(error_status: u16, body: &[u8]) {
    use dfns_client::models::{
        Authentication, Credential, CredentialChallenge, CredentialCode, CredentialList,
        EndUserRegistrationResponse, MessageResponse, Page, RecoveryChallenge,
        RegistrationChallenge, RegistrationResponse, Signature, SignatureList, Transfer,
        TransferList, UserActionChallenge, UserActionToken, Wallet, WalletAssets, WalletHistory,
    };
    use dfns_client::read_answer;

    // Auth: challenges, tokens, credentials, registration and recovery.
    let _ = read_answer::<UserActionChallenge>(200, body);
    let _ = read_answer::<UserActionToken>(200, body);
    let _ = read_answer::<Authentication>(200, body);
    let _ = read_answer::<RegistrationChallenge>(200, body);
    let _ = read_answer::<RegistrationResponse>(200, body);
    let _ = read_answer::<EndUserRegistrationResponse>(200, body);
    let _ = read_answer::<RecoveryChallenge>(200, body);
    let _ = read_answer::<CredentialChallenge>(200, body);
    let _ = read_answer::<Credential>(200, body);
    let _ = read_answer::<CredentialList>(200, body);
    let _ = read_answer::<CredentialCode>(200, body);
    let _ = read_answer::<MessageResponse>(200, body);
    // Wallets, assets, history, transfers, signatures, fees.
    let _ = read_answer::<Wallet>(200, body);
    let _ = read_answer::<Page<Wallet>>(200, body);
    let _ = read_answer::<WalletAssets>(200, body);
    let _ = read_answer::<WalletHistory>(200, body);
    let _ = read_answer::<Transfer>(200, body);
    let _ = read_answer::<TransferList>(200, body);
    let _ = read_answer::<Signature>(200, body);
    let _ = read_answer::<SignatureList>(200, body);
    let _ = read_answer::<serde_json::Value>(200, body);
    // Dfns's error, in any of its shapes or none.
    let error = read_answer::<serde_json::Value>(error_status, body).expect_err("an error status");
    assert_eq!(error.status(), Some(error_status), "{error}");
}

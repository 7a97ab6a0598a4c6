//! Dfns-shaped identifiers (`us-xxxxx-xxxxx-xxxxxxxxxxxxxxxx`) and random secrets.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A new id with `prefix`, in the pattern `<prefix>-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{16}`.
pub fn new_id(prefix: &str) -> String {
    let bytes = random_bytes::<26>();
    let chars: String =
        bytes.iter().map(|byte| ALPHABET[usize::from(*byte) % ALPHABET.len()] as char).collect();
    format!("{prefix}-{}-{}-{}", &chars[0..5], &chars[5..10], &chars[10..26])
}

/// `n` random bytes as base64url without padding.
pub fn random_token<const N: usize>() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<N>())
}

/// `N` bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without entropy no id or key is safe to hand out.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator");
    bytes
}

//! Any bytes Dfns (or anything posing as it) could answer: every response model the client reads,
//! and the error answer, parse into a value or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

// `read_every_response`: the same list of models the mutation test reads.
include!("../../tests/client/every_response.rs");

fuzz_target!(|data: &[u8]| {
    // The first byte picks the error status (400–599), the rest is the body.
    let Some((&selector, body)) = data.split_first() else { return };
    read_every_response(400 + u16::from(selector) % 200, body);
});

//! Any bytes a client could send as the body of any emulator route that takes one, through the
//! real router with the caller (and, for writes, a user action signed for exactly those bytes)
//! the route expects: an answer or a Dfns error of a 4xx status, never a 5xx or a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

// `BodyDriver`: the same driver the mutation test uses.
include!("../../tests/api/every_body.rs");

/// One runtime and one emulator for the whole run: setting one up costs far more than an input.
fn driver() -> &'static (tokio::runtime::Runtime, BodyDriver) {
    static DRIVER: OnceLock<(tokio::runtime::Runtime, BodyDriver)> = OnceLock::new();
    DRIVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let driver = runtime.block_on(BodyDriver::start());
        (runtime, driver)
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the route (and whether a write goes with its user action).
    let Some((&selector, body)) = data.split_first() else { return };
    let (runtime, driver) = driver();
    runtime.block_on(driver.send(selector, body));
});

//! Any bytes the app could send as an `/api/v1` body, or a browser as a form post, through the
//! real router with the session, cookies and `Origin` the route expects: an answer or a refusal
//! with a stable code, never a 5xx or a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

// `CompanionDriver`: the same driver the mutation test uses.
include!("../../tests/companion/every_body.rs");

/// One runtime, one companion and one emulator for the whole run. Two workers: the emulator
/// answers the companion's Dfns calls on its own task while a request waits for it.
fn driver() -> &'static (tokio::runtime::Runtime, CompanionDriver) {
    static DRIVER: OnceLock<(tokio::runtime::Runtime, CompanionDriver)> = OnceLock::new();
    DRIVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let driver = runtime.block_on(CompanionDriver::start());
        (runtime, driver)
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the route (and whether a form carries its CSRF field).
    let Some((&selector, body)) = data.split_first() else { return };
    let (runtime, driver) = driver();
    runtime.block_on(driver.send(selector, body));
});

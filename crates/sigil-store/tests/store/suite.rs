//! One behaviour suite for every `SecretStore`. Each check takes a factory that makes a store for
//! a service name; stores of different names must not see each other's entries (for `MemoryStore`
//! every instance is its own store, so the factory ignores the name).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sigil_store::{SecretBytes, SecretStore};

/// A service name no other test (thread or process, now or before) uses.
fn unique_service(label: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos =
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("io.sigil.store-test.{}.{nanos}.{n}.{label}", std::process::id())
}

/// Deletes what a check wrote, even when the check fails half-way (the real keyring outlives us).
struct Cleanup<'a>(Vec<(&'a dyn SecretStore, &'static str)>);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for (store, key) in &self.0 {
            let _ = store.delete(key);
        }
    }
}

fn secret(bytes: &[u8]) -> SecretBytes {
    SecretBytes::new(bytes.to_vec())
}

fn read<S: SecretStore>(store: &S, key: &str) -> Option<Vec<u8>> {
    store
        .get(key)
        .unwrap_or_else(|err| panic!("get({key:?}) failed with {}: {err}", err.code()))
        .map(|found| found.expose().to_vec())
}

pub fn round_trips_bytes_that_are_not_utf8<S: SecretStore>(make: impl Fn(&str) -> S) {
    let store = make(&unique_service("round-trip"));
    let _cleanup = Cleanup(vec![(&store, "passkey")]);
    // Every byte value, then sequences no UTF-8 decoder accepts; NULs inside and at the end.
    let mut bytes: Vec<u8> = (0..=255).collect();
    bytes.extend_from_slice(&[0xc3, 0x28, 0xe2, 0x82, 0xff, 0xfe, 0x80, 0x00]);
    assert!(String::from_utf8(bytes.clone()).is_err(), "the value must not be UTF-8");

    store.set("passkey", &secret(&bytes)).expect("set");
    assert_eq!(read(&store, "passkey"), Some(bytes));
}

pub fn setting_again_overwrites_the_secret<S: SecretStore>(make: impl Fn(&str) -> S) {
    let store = make(&unique_service("overwrite"));
    let _cleanup = Cleanup(vec![(&store, "session")]);
    store.set("session", &secret(b"the first, longer value")).expect("first set");
    store.set("session", &secret(b"second")).expect("second set");
    assert_eq!(read(&store, "session").as_deref(), Some(&b"second"[..]));
}

pub fn deleting_returns_true_then_false<S: SecretStore>(make: impl Fn(&str) -> S) {
    let store = make(&unique_service("delete"));
    let _cleanup = Cleanup(vec![(&store, "session")]);
    store.set("session", &secret(b"value")).expect("set");
    assert!(store.delete("session").expect("first delete"), "something was there");
    assert_eq!(read(&store, "session"), None, "deleted means gone");
    assert!(!store.delete("session").expect("second delete"), "nothing left to delete");
}

pub fn deleting_one_key_leaves_the_others<S: SecretStore>(make: impl Fn(&str) -> S) {
    let store = make(&unique_service("delete-one"));
    let _cleanup = Cleanup(vec![(&store, "first"), (&store, "second")]);
    store.set("first", &secret(b"1")).expect("set first");
    store.set("second", &secret(b"2")).expect("set second");
    assert!(store.delete("first").expect("delete first"));
    assert_eq!(read(&store, "second").as_deref(), Some(&b"2"[..]));
}

pub fn a_missing_key_reads_as_none<S: SecretStore>(make: impl Fn(&str) -> S) {
    let store = make(&unique_service("missing"));
    assert_eq!(read(&store, "never-set"), None);
    assert!(!store.delete("never-set").expect("delete of a missing key"));
}

pub fn stores_of_different_services_do_not_see_each_other<S: SecretStore>(
    make: impl Fn(&str) -> S,
) {
    let wallet = make(&unique_service("wallet"));
    let other = make(&unique_service("other-app"));
    let _cleanup = Cleanup(vec![(&wallet, "session"), (&other, "session")]);

    wallet.set("session", &secret(b"wallet's")).expect("set in wallet");
    assert_eq!(read(&other, "session"), None, "the other service sees nothing");

    other.set("session", &secret(b"other's")).expect("set in other");
    assert_eq!(read(&wallet, "session").as_deref(), Some(&b"wallet's"[..]));

    assert!(other.delete("session").expect("delete in other"));
    assert_eq!(
        read(&wallet, "session").as_deref(),
        Some(&b"wallet's"[..]),
        "delete stays in its service"
    );
}

pub fn secrets_never_show_in_debug_output<S: SecretStore>(make: impl Fn(&str) -> S) {
    let store = make(&unique_service("debug"));
    let _cleanup = Cleanup(vec![(&store, "session")]);
    let value = secret(b"hunter2");
    store.set("session", &value).expect("set");
    let found = store.get("session").expect("get").expect("present");

    assert_eq!(format!("{value:?}"), "SecretBytes(<redacted>)");
    assert_eq!(format!("{found:?}"), "SecretBytes(<redacted>)");
    let shown = format!("{store:?} {store:#?} {:?}", Some(found));
    // Neither the text nor the byte list Vec<u8>'s Debug would print ("104, 117, ...").
    assert!(!shown.contains("hunter2") && !shown.contains("104, 117"), "{shown}");
}

pub fn an_empty_key_is_refused_with_a_stable_code<S: SecretStore>(make: impl Fn(&str) -> S) {
    let store = make(&unique_service("empty-key"));
    let codes =
        [store.get("").map(|_| ()), store.set("", &secret(b"x")), store.delete("").map(|_| ())]
            .map(|result| result.expect_err("an empty key must be refused").code());
    assert_eq!(codes, ["KEYRING_INVALID_KEY"; 3]);
}

/// One `#[test]` per check above, for a store factory `fn(&str) -> S`; attributes given first
/// (e.g. `#[ignore = "…"]`) go on every test.
macro_rules! behaves_as_a_secret_store {
    ($(#[$attr:meta])* $factory:path) => {
        $crate::suite::behaves_as_a_secret_store!(@tests [$(#[$attr])*] $factory;
            round_trips_bytes_that_are_not_utf8,
            setting_again_overwrites_the_secret,
            deleting_returns_true_then_false,
            deleting_one_key_leaves_the_others,
            a_missing_key_reads_as_none,
            stores_of_different_services_do_not_see_each_other,
            secrets_never_show_in_debug_output,
            an_empty_key_is_refused_with_a_stable_code,
        );
    };
    (@tests [$($attrs:tt)*] $factory:path; $check:ident, $($rest:ident,)*) => {
        #[test]
        $($attrs)*
        fn $check() {
            $crate::suite::$check($factory);
        }
        $crate::suite::behaves_as_a_secret_store!(@tests [$($attrs)*] $factory; $($rest,)*);
    };
    (@tests [$($attrs:tt)*] $factory:path;) => {};
}

pub(crate) use behaves_as_a_secret_store;

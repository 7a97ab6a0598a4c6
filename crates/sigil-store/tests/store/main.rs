//! `MemoryStore` and `KeyringStore` against one behaviour suite, and `KeyringStore` against a real
//! Secret Service and against none; the cache and the operation journal on real SQLite files
//! (`cache`, `journal`).
//!
//! The real-keyring tests are `#[ignore]`d, so a plain `cargo nextest run` lists them as skipped
//! (with the reason) instead of failing for want of a session bus; `make test-keyring` runs them
//! with `--run-ignored only` inside a private D-Bus session whose gnome-keyring is unlocked
//! (`scripts/with-secret-service.sh`).

mod cache;
mod files;
mod fixtures;
mod journal;
mod locked;
mod suite;

use sigil_store::{KeyringStore, MemoryStore, SecretBytes, SecretStore};

mod memory_store {
    use super::*;

    fn make(_service: &str) -> MemoryStore {
        MemoryStore::new()
    }

    suite::behaves_as_a_secret_store!(make);

    #[test]
    fn default_is_an_empty_store() {
        let store = MemoryStore::default();
        assert!(store.get("anything").expect("get").is_none());
        assert_eq!(format!("{store:?}"), "MemoryStore { entries: 0 }");
    }
}

mod keyring_store {
    use super::*;

    fn make(service: &str) -> KeyringStore {
        KeyringStore::new(service)
    }

    suite::behaves_as_a_secret_store!(
        #[ignore = "needs a real, unlocked Secret Service: `make test-keyring` runs it"]
        make
    );

    #[test]
    #[ignore = "needs a real, unlocked Secret Service: `make test-keyring` runs it"]
    fn a_second_store_for_the_same_service_reads_what_the_first_wrote() {
        let service = format!("io.sigil.store-test.{}.persist", std::process::id());
        let writer = KeyringStore::new(&service);
        writer.set("session", &SecretBytes::new(vec![1, 2, 3, 0xff])).expect("set");
        drop(writer);

        let reader = KeyringStore::new(&service);
        let found = reader.get("session").expect("get").expect("kept by the OS keyring");
        assert_eq!(found.expose(), &[1, 2, 3, 0xff]);
        assert!(reader.delete("session").expect("delete"));
    }

    #[test]
    #[ignore = "needs a real, unlocked Secret Service: `make test-keyring` runs it"]
    fn one_store_serves_several_threads_at_once() {
        let service = format!("io.sigil.store-test.{}.threads", std::process::id());
        let store = KeyringStore::new(service);
        std::thread::scope(|scope| {
            for n in 0..4u8 {
                let store = &store;
                scope.spawn(move || {
                    let key = format!("key-{n}");
                    store.set(&key, &SecretBytes::new(vec![n; 40])).expect("set");
                    let found = store.get(&key).expect("get").expect("present");
                    assert_eq!(found.expose(), &[n; 40][..]);
                    assert!(store.delete(&key).expect("delete"));
                });
            }
        });
    }
}

#[cfg(target_os = "linux")]
mod keyring_store_without_a_secret_service {
    use std::process::Command;

    use super::*;

    /// Set in the child process this test starts; the child does the checking.
    const CHILD: &str = "SIGIL_STORE_TEST_UNREACHABLE_CHILD";
    const THIS_TEST: &str =
        "keyring_store_without_a_secret_service::every_call_fails_with_keyring_unavailable";

    /// libdbus reads the session bus address once per process and `set_var` is unsafe in a
    /// threaded test binary, so the check runs in a child (this same binary, this same test) whose
    /// session bus address names a socket that does not exist.
    #[test]
    fn every_call_fails_with_keyring_unavailable() {
        if std::env::var_os(CHILD).is_some() {
            return check_every_call_fails();
        }
        let missing = std::env::temp_dir().join(format!("sigil-no-bus-{}/bus", std::process::id()));
        let output = Command::new(std::env::current_exe().expect("this test binary"))
            .args(["--exact", THIS_TEST, "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", missing.display()))
            .env_remove("DISPLAY") // no X11 autolaunch of a bus either
            .output()
            .expect("start the child test");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "the child test failed or did not run:\n{stdout}\n{stderr}"
        );
    }

    fn check_every_call_fails() {
        let store = KeyringStore::new("io.sigil.store-test.unreachable");
        let errors = [
            store.get("session").map(|_| ()),
            store.set("session", &SecretBytes::new(b"x".to_vec())),
            store.delete("session").map(|_| ()),
        ]
        .map(|result| result.expect_err("no Secret Service is reachable"));
        for err in &errors {
            assert_eq!(err.code(), "KEYRING_UNAVAILABLE", "{err}");
            let message = err.to_string();
            assert!(message.contains("gnome-keyring"), "{message}");
            assert!(message.contains("sigil-no-bus"), "says what was tried: {message}");
        }
        assert!(
            format!("{store:?}").contains("connected: false"),
            "no half-made connection is kept"
        );
    }
}

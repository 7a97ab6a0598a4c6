use super::*;

fn platform_failure(err: impl std::error::Error + Send + Sync + 'static) -> keyring_core::Error {
    keyring_core::Error::PlatformFailure(Box::new(err))
}

#[test]
fn every_error_has_its_own_stable_code() {
    let errors = [
        StoreError::NoKeyring("x".into()),
        StoreError::Locked,
        StoreError::Denied,
        StoreError::InvalidKey { key: "k".into(), reason: "r".into() },
        StoreError::TooLarge { limit: 1 },
        StoreError::Backend("x".into()),
    ];
    let codes: Vec<_> = errors.iter().map(StoreError::code).collect();
    assert_eq!(
        codes,
        [
            "KEYRING_UNAVAILABLE",
            "KEYRING_LOCKED",
            "KEYRING_DENIED",
            "KEYRING_INVALID_KEY",
            "KEYRING_VALUE_TOO_LARGE",
            "KEYRING_FAILED",
        ]
    );
}

#[test]
fn the_unavailable_message_tells_a_linux_user_what_to_start() {
    let message = StoreError::NoKeyring("no bus".into()).to_string();
    assert!(message.contains("no bus"), "{message}");
    assert!(message.contains("gnome-keyring"), "{message}");
}

#[test]
fn a_secret_over_the_platform_limit_is_too_large() {
    let err = map_error(keyring_core::Error::TooLong("secret".into(), 2560), "k");
    assert!(matches!(err, StoreError::TooLarge { limit: 2560 }), "{err:?}");
}

#[test]
fn a_name_the_platform_rejects_is_an_invalid_key() {
    let too_long = map_error(keyring_core::Error::TooLong("user".into(), 513), "passkey");
    let invalid = map_error(
        keyring_core::Error::Invalid("target".into(), "cannot be empty".into()),
        "passkey",
    );
    for err in [too_long, invalid] {
        assert_eq!(err.code(), "KEYRING_INVALID_KEY");
        assert!(err.to_string().contains("passkey"), "{err}");
    }
}

#[test]
fn duplicate_entries_are_a_backend_failure_that_says_how_many() {
    let err = map_error(keyring_core::Error::Ambiguous(Vec::new()), "k");
    assert_eq!(err.code(), "KEYRING_FAILED");
    assert!(err.to_string().contains("0 keyring entries match"), "{err}");
}

#[test]
fn the_bytes_carried_by_a_bad_data_error_never_reach_the_message() {
    let err = map_error(
        keyring_core::Error::BadDataFormat(b"hunter2".to_vec(), "not the format".into()),
        "k",
    );
    assert_eq!(err.code(), "KEYRING_FAILED");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("hunter2") && !shown.contains("104"), "{shown}");
}

#[test]
fn a_debug_of_the_store_shows_the_service_only() {
    let store = KeyringStore::new("io.sigil.test");
    assert_eq!(
        format!("{store:?}"),
        r#"KeyringStore { service: "io.sigil.test", connected: false }"#
    );
}

#[test]
fn an_empty_service_name_is_refused_before_the_keyring_is_asked() {
    let err = KeyringStore::new("").get("k").expect_err("empty service");
    assert_eq!(err.code(), "KEYRING_INVALID_KEY");
    assert!(err.to_string().contains("service name is empty"), "{err}");
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
mod secret_service {
    use dbus_secret_service::Error as SsError;

    use super::*;

    fn dbus_error(name: &str) -> keyring_core::Error {
        platform_failure(SsError::Dbus(dbus::Error::new_custom(name, "test")))
    }

    #[test]
    fn a_locked_collection_is_locked() {
        let no_access = keyring_core::Error::NoStorageAccess(Box::new(SsError::Locked));
        assert_eq!(map_error(no_access, "k").code(), "KEYRING_LOCKED");
        assert_eq!(map_error(platform_failure(SsError::Locked), "k").code(), "KEYRING_LOCKED");
    }

    #[test]
    fn a_dismissed_unlock_prompt_is_denied() {
        let no_access = keyring_core::Error::NoStorageAccess(Box::new(SsError::Prompt));
        assert_eq!(map_error(no_access, "k").code(), "KEYRING_DENIED");
        assert_eq!(map_error(platform_failure(SsError::Prompt), "k").code(), "KEYRING_DENIED");
    }

    #[test]
    fn a_secret_service_without_a_default_keyring_is_unavailable() {
        let no_access = keyring_core::Error::NoStorageAccess(Box::new(SsError::NoResult));
        let err = map_error(no_access, "k");
        assert_eq!(err.code(), "KEYRING_UNAVAILABLE");
        assert!(err.to_string().contains("no default keyring"), "{err}");
    }

    #[test]
    fn a_secret_service_that_left_the_bus_is_unavailable() {
        for name in [
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.NameHasNoOwner",
            "org.freedesktop.DBus.Error.Disconnected",
            "org.freedesktop.DBus.Error.Spawn.ChildExited",
        ] {
            assert_eq!(map_error(dbus_error(name), "k").code(), "KEYRING_UNAVAILABLE", "{name}");
        }
        let unavailable = map_error(platform_failure(SsError::Unavailable), "k");
        assert_eq!(unavailable.code(), "KEYRING_UNAVAILABLE");
    }

    #[test]
    fn any_other_d_bus_error_is_a_backend_failure_with_its_text() {
        let err = map_error(dbus_error("org.freedesktop.DBus.Error.NoReply"), "k");
        assert_eq!(err.code(), "KEYRING_FAILED");
        assert!(err.to_string().contains("test"), "{err}");
    }
}

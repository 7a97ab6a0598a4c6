use std::path::Path;

use serde_json::json;

use super::*;

/// Writes release `version` into `dir` with `manifest`, its installers and their signatures.
fn publish(dir: &Path, folder: &str, manifest: &serde_json::Value, files: &[&str]) {
    let release = dir.join(folder);
    std::fs::create_dir_all(&release).expect("release folder");
    std::fs::write(release.join(MANIFEST), manifest.to_string()).expect("manifest");
    for file in files {
        std::fs::write(release.join(file), b"installer").expect("installer");
        std::fs::write(release.join(format!("{file}.sig")), format!("sig of {file}\n"))
            .expect("signature");
    }
}

fn manifest(version: &str, platforms: serde_json::Value) -> serde_json::Value {
    let mut manifest =
        json!({"version": version, "notes": "n", "pub_date": "2026-05-01T12:00:00Z"});
    manifest["platforms"] = platforms;
    manifest
}

fn refusal(dir: &Path) -> String {
    Releases::open(dir).expect_err("refused").to_string()
}

#[test]
fn the_newest_release_for_the_platform_is_offered_only_when_newer() {
    let dir = tempfile::tempdir().expect("dir");
    publish(
        dir.path(),
        "0.2.0",
        &manifest("0.2.0", json!({"linux-x86_64-deb": "a.deb"})),
        &["a.deb"],
    );
    publish(
        dir.path(),
        "0.3.0",
        &manifest("0.3.0", json!({"windows-x86_64": "b.msi"})),
        &["b.msi"],
    );
    let (releases, count) = Releases::open(dir.path()).expect("valid");
    assert_eq!(count, 2);
    let offered = |current: &str, bundle| {
        releases
            .newer_than(&Version::parse(current).expect("version"), "linux", "x86_64", bundle)
            .expect("readable")
            .map(|(release, artifact)| (release.version.to_string(), artifact.file))
    };
    assert_eq!(offered("0.1.0", Some("deb")), Some(("0.2.0".to_owned(), "a.deb".to_owned())));
    assert_eq!(offered("0.2.0", Some("deb")), None, "the same version is not an update");
    assert_eq!(offered("0.2.1", Some("deb")), None, "an older one neither");
    assert_eq!(offered("0.1.0", Some("rpm")), None, "a .deb is never offered to an .rpm");
}

#[test]
fn an_installer_for_every_bundle_of_a_system_serves_each() {
    let dir = tempfile::tempdir().expect("dir");
    publish(dir.path(), "1.0.0", &manifest("1.0.0", json!({"linux-x86_64": "s.deb"})), &["s.deb"]);
    let (releases, _) = Releases::open(dir.path()).expect("valid");
    let current = Version::new(0, 9, 0);
    assert!(releases.newer_than(&current, "linux", "x86_64", Some("deb")).expect("ok").is_some());
    assert!(releases.newer_than(&current, "linux", "x86_64", None).expect("ok").is_some());
    assert!(releases.newer_than(&current, "linux", "aarch64", None).expect("ok").is_none());
}

#[test]
fn a_release_whose_folder_is_not_its_version_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    publish(dir.path(), "latest", &manifest("0.2.0", json!({"linux-x86_64": "a.deb"})), &["a.deb"]);
    let error = refusal(dir.path());
    assert!(error.contains("latest") && error.contains("must be named 0.2.0"), "{error}");
}

#[test]
fn a_release_with_a_version_that_is_not_semver_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    publish(dir.path(), "2", &manifest("2", json!({"linux-x86_64": "a.deb"})), &["a.deb"]);
    assert!(refusal(dir.path()).contains("version \"2\""));
}

#[test]
fn an_installer_without_its_signature_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    publish(dir.path(), "0.2.0", &manifest("0.2.0", json!({"linux-x86_64": "a.deb"})), &["a.deb"]);
    std::fs::remove_file(dir.path().join("0.2.0/a.deb.sig")).expect("remove");
    assert!(refusal(dir.path()).contains("a.deb.sig"));
}

#[test]
fn an_installer_named_outside_its_release_folder_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    for file in ["../0.1.0/a.deb", "/etc/passwd", ".hidden", "sub\\a.deb"] {
        let release = manifest("0.2.0", json!({"linux-x86_64": file}));
        publish(dir.path(), "0.2.0", &release, &[]);
        let error = refusal(dir.path());
        assert!(error.contains("is not a file name"), "{file}: {error}");
    }
}

#[test]
fn a_manifest_with_an_unknown_field_or_a_bad_date_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let mut typo = manifest("0.2.0", json!({"linux-x86_64": "a.deb"}));
    typo["pubDate"] = json!("2026-05-01T12:00:00Z");
    publish(dir.path(), "0.2.0", &typo, &["a.deb"]);
    assert!(refusal(dir.path()).contains("pubDate"));
    let mut late = manifest("0.2.0", json!({"linux-x86_64": "a.deb"}));
    late["pub_date"] = json!("yesterday");
    publish(dir.path(), "0.2.0", &late, &["a.deb"]);
    assert!(refusal(dir.path()).contains("RFC 3339"));
}

#[test]
fn only_files_a_manifest_names_have_a_path() {
    let dir = tempfile::tempdir().expect("dir");
    publish(dir.path(), "0.2.0", &manifest("0.2.0", json!({"linux-x86_64": "a.deb"})), &["a.deb"]);
    let (releases, _) = Releases::open(dir.path()).expect("valid");
    assert_eq!(
        releases.artifact_path("0.2.0", "a.deb").expect("ok"),
        Some(dir.path().join("0.2.0/a.deb"))
    );
    for (version, file) in [
        ("0.2.0", MANIFEST),
        ("0.2.0", "a.deb.sig"),
        ("0.2.0", "../0.2.0/a.deb"),
        ("..", "0.2.0/a.deb"),
        ("0.3.0", "a.deb"),
    ] {
        assert_eq!(releases.artifact_path(version, file).expect("ok"), None, "{version}/{file}");
    }
}

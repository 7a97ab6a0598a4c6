//! The app's signed updates: Tauri's dynamic update answer from the updates folder, the
//! installers it points to, and what is refused (with its code).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use super::harness::{Answer, Companion, TestDfns, config_for};
use crate::support::Db;

const INSTALLER: &[u8] = b"the 0.2.0 installer";
const SIGNATURE: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZQ==";

/// A companion serving `dir` as its updates folder.
struct Updates {
    _dfns: TestDfns,
    _db: Db,
    companion: Companion,
}

impl Updates {
    async fn serving(dir: &Path) -> Self {
        let dfns = TestDfns::start().await;
        let db = Db::sqlite();
        let folder = dir.to_str().expect("UTF-8 path");
        let config = config_for(&dfns, &["--updates-dir", folder]);
        let companion = Companion::start_with(config, &db).await;
        Self { _dfns: dfns, _db: db, companion }
    }

    async fn get(&self, path: &str) -> Answer {
        let request = Request::builder().uri(path).body(Body::empty()).expect("request");
        self.companion.send(request, IpAddr::V4(Ipv4Addr::LOCALHOST)).await
    }
}

/// An updates folder with release 0.2.0 for Linux .deb installs.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    let release = dir.path().join("0.2.0");
    std::fs::create_dir(&release).expect("release folder");
    let manifest = json!({
        "version": "0.2.0",
        "notes": "Faster start.",
        "pub_date": "2026-05-01T12:00:00Z",
        "platforms": {"linux-x86_64-deb": "Sigil_0.2.0_amd64.deb"},
    });
    std::fs::write(release.join("release.json"), manifest.to_string()).expect("manifest");
    std::fs::write(release.join("Sigil_0.2.0_amd64.deb"), INSTALLER).expect("installer");
    std::fs::write(release.join("Sigil_0.2.0_amd64.deb.sig"), format!("{SIGNATURE}\n"))
        .expect("signature");
    dir
}

#[tokio::test]
async fn an_app_older_than_the_newest_release_gets_its_version_notes_url_and_signature() {
    let dir = folder();
    let updates = Updates::serving(dir.path()).await;
    let answer = updates.get("/updates/linux/x86_64/0.1.0?bundle=deb").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let body: Value = answer.json();
    assert_eq!(
        body,
        json!({
            "version": "0.2.0",
            "notes": "Faster start.",
            "pub_date": "2026-05-01T12:00:00Z",
            "url": "http://127.0.0.1:8788/updates/files/0.2.0/Sigil_0.2.0_amd64.deb",
            "signature": SIGNATURE,
        })
    );
    let download = updates.get("/updates/files/0.2.0/Sigil_0.2.0_amd64.deb").await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(&download.body[..], INSTALLER);
    assert_eq!(download.header(header::CONTENT_TYPE), Some("application/octet-stream"));
}

#[tokio::test]
async fn an_app_at_the_newest_release_or_past_it_hears_no_content() {
    let dir = folder();
    let updates = Updates::serving(dir.path()).await;
    for current in ["0.2.0", "0.3.0-beta.1", "1.0.0"] {
        let answer = updates.get(&format!("/updates/linux/x86_64/{current}?bundle=deb")).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{current}");
        assert!(answer.body.is_empty());
    }
}

#[tokio::test]
async fn an_app_installed_otherwise_gets_no_deb() {
    let dir = folder();
    let updates = Updates::serving(dir.path()).await;
    for path in ["/updates/linux/x86_64/0.1.0?bundle=rpm", "/updates/windows/x86_64/0.1.0"] {
        assert_eq!(updates.get(path).await.status, StatusCode::NO_CONTENT, "{path}");
    }
}

#[tokio::test]
async fn a_version_that_is_not_semver_is_refused_with_its_code() {
    let dir = folder();
    let updates = Updates::serving(dir.path()).await;
    for current in ["latest", "0.1", "v0.1.0"] {
        let answer = updates.get(&format!("/updates/linux/x86_64/{current}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{current}");
        assert_eq!(answer.error_code(), "UPDATE_VERSION_INVALID");
    }
    let strange = updates.get("/updates/Linux%20OS/x86_64/0.1.0").await;
    assert_eq!(strange.error_code(), "INVALID_REQUEST");
}

#[tokio::test]
async fn paths_out_of_the_updates_folder_serve_nothing() {
    let dir = folder();
    std::fs::write(dir.path().join("secret.txt"), "not for the app").expect("a stray file");
    let updates = Updates::serving(dir.path()).await;
    for path in [
        "/updates/files/0.2.0/..%2F..%2Fsecret.txt",
        "/updates/files/..%2Fsecret.txt/x",
        "/updates/files/0.2.0/..%2Fsecret.txt",
        "/updates/files/%2E%2E/secret.txt",
        "/updates/files/0.2.0/%2Fetc%2Fpasswd",
        "/updates/files/0.2.0/../../secret.txt",
        "/updates/files/0.2.0/release.json",
        "/updates/files/0.2.0/Sigil_0.2.0_amd64.deb.sig",
    ] {
        let answer = updates.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {}", answer.text());
        assert!(!answer.text().contains("not for the app"), "{path}");
        assert!(!answer.text().contains("root:"), "{path}");
    }
}

#[tokio::test]
async fn a_release_broken_after_start_is_refused_with_its_code_and_no_detail() {
    let dir = folder();
    let updates = Updates::serving(dir.path()).await;
    std::fs::remove_file(dir.path().join("0.2.0/Sigil_0.2.0_amd64.deb.sig")).expect("remove");
    let answer = updates.get("/updates/linux/x86_64/0.1.0?bundle=deb").await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.error_code(), "UPDATE_RELEASE_INVALID");
    assert!(!answer.text().contains(".sig"), "the log names it, not the answer: {}", answer.text());
}

#[tokio::test]
async fn a_companion_without_an_updates_folder_says_so() {
    let dfns = TestDfns::start().await;
    let db = Db::sqlite();
    let companion = Companion::start_with(config_for(&dfns, &[]), &db).await;
    let request =
        Request::builder().uri("/updates/linux/x86_64/0.1.0").body(Body::empty()).expect("request");
    let answer = companion.send(request, IpAddr::V4(Ipv4Addr::LOCALHOST)).await;
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (StatusCode::NOT_FOUND, "UPDATES_OFF")
    );
}

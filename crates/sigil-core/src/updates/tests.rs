use super::*;
use crate::ErrorCode;

fn offer(version: &str) -> Offer {
    Offer { version: version.to_owned(), notes: Some("Faster.".to_owned()), date: None }
}

#[test]
fn the_endpoint_is_the_confirmed_companys_with_tauris_placeholders() {
    let url = endpoint("https://wallet.example.com/").expect("allowed");
    assert_eq!(
        url.as_str(),
        "https://wallet.example.com/updates/%7B%7Btarget%7D%7D/%7B%7Barch%7D%7D/\
         %7B%7Bcurrent_version%7D%7D?bundle={{bundle_type}}"
    );
    let local = endpoint("http://127.0.0.1:8788").expect("loopback");
    assert!(local.as_str().starts_with("http://127.0.0.1:8788/updates/"), "{local}");
}

#[test]
fn no_endpoint_is_built_for_plain_http_to_another_machine() {
    for company in ["http://wallet.example.com", "ftp://wallet.example.com", "not a url"] {
        let error = endpoint(company).expect_err("refused");
        assert_eq!(error.code(), ErrorCode::UpdateCheckFailed, "{company}");
    }
}

#[test]
fn a_newer_version_is_shown_with_its_notes() {
    let view = judge("0.1.0", offer("0.2.0")).expect("newer");
    assert_eq!(
        view,
        UpdateView {
            version: "0.2.0".to_owned(),
            current_version: "0.1.0".to_owned(),
            notes: "Faster.".to_owned(),
            date: None,
        }
    );
}

#[test]
fn the_same_or_an_older_version_is_refused_as_not_newer() {
    for offered in ["0.1.0", "0.0.9", "0.1.0-rc.1"] {
        let error = judge("0.1.0", offer(offered)).expect_err("refused");
        assert_eq!(error.code(), ErrorCode::UpdateNotNewer, "{offered}");
        assert!(error.to_string().contains(offered), "{error}");
    }
}

#[test]
fn an_unreadable_offered_version_is_a_failed_check() {
    let error = judge("0.1.0", offer("latest")).expect_err("refused");
    assert_eq!(error.code(), ErrorCode::UpdateCheckFailed);
}

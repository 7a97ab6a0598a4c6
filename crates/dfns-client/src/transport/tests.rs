use super::*;
use crate::models::UserActionInitRequest;

#[test]
fn the_challenge_request_is_the_wire_form_of_the_init_model() {
    let payload = r#"{"kind":"Native","to":"0xabc","amount":"1000"}"#;
    let ours = to_body(&InitBody {
        user_action_payload: payload,
        user_action_http_method: Method::POST.as_str(),
        user_action_http_path: path_without_query("/wallets/wa-1/transfers?x=1"),
        user_action_server_kind: "Api",
    });
    let model = UserActionInitRequest {
        user_action_payload: payload.to_owned(),
        user_action_http_method: "POST".to_owned(),
        user_action_http_path: "/wallets/wa-1/transfers".to_owned(),
        user_action_server_kind: Some("Api".to_owned()),
    };
    assert_eq!(ours, to_body(&model), "the same bytes, field for field and in order");
    let read: UserActionInitRequest = serde_json::from_str(&ours).expect("the model reads it");
    assert_eq!(read, model);
}

#[test]
fn the_bearer_header_is_made_once_per_token_and_never_printed() {
    let config = ClientConfig::new("http://127.0.0.1:9").expect("url");
    let transport = Transport::new(config, Some(Secret::new("sa-token"))).expect("transport");
    let header = transport.authorization.as_ref().expect("a header for the token");
    assert_eq!(header, "Bearer sa-token");
    assert!(header.is_sensitive());
    assert!(!format!("{transport:?}").contains("sa-token"), "{transport:?}");

    let other = transport.with_token(Secret::new("temporary"));
    assert_eq!(other.authorization.as_ref().expect("a header"), "Bearer temporary");
    assert!(other.authorization.as_ref().is_some_and(HeaderValue::is_sensitive));
    assert_eq!(transport.authorization.as_ref().expect("unchanged"), "Bearer sa-token");

    let config = ClientConfig::new("http://127.0.0.1:9").expect("url");
    assert_eq!(Transport::new(config, None).expect("transport").authorization, None);
}

#[tokio::test]
async fn a_token_that_cannot_be_a_header_fails_each_request_before_sending_it() {
    // Port 9 (discard) on loopback: nothing is listening, and the request never gets that far.
    let config = ClientConfig::new("http://127.0.0.1:9").expect("url").with_max_retries(0);
    let transport = Transport::new(config, Some(Secret::new("line\nbreak"))).expect("transport");
    assert_eq!(transport.authorization, None);
    let error = transport
        .call::<_, serde_json::Value>(Method::POST, "/auth/login", &(), Repeat::Never)
        .await
        .expect_err("refused");
    let Error::Transport { source, .. } = error else { panic!("a transport error: {error:?}") };
    assert!(source.is_builder(), "refused while building the request: {source:?}");
}

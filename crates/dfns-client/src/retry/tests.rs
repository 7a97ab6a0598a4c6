use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

use super::{MAX_RETRY_AFTER, RetryAfter};

fn asked(status: StatusCode, value: &str, now: SystemTime) -> RetryAfter {
    let mut headers = HeaderMap::new();
    headers.insert(RETRY_AFTER, HeaderValue::from_str(value).expect("header value"));
    RetryAfter::of(status, &headers, now)
}

/// 1994-11-06T08:49:37Z, the date of RFC 9110's examples.
fn rfc_date() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)
}

#[test]
fn seconds_ask_for_that_wait_and_more_than_the_bound_is_refused() {
    let now = SystemTime::now();
    let too_many = StatusCode::TOO_MANY_REQUESTS;
    assert_eq!(asked(too_many, "1", now), RetryAfter::Within(Duration::from_secs(1)));
    assert_eq!(asked(too_many, " 0 ", now), RetryAfter::Within(Duration::ZERO));
    assert_eq!(
        asked(StatusCode::SERVICE_UNAVAILABLE, "5", now),
        RetryAfter::Within(MAX_RETRY_AFTER)
    );
    assert_eq!(asked(too_many, "6", now), RetryAfter::TooLong(Duration::from_secs(6)));
    assert_eq!(asked(too_many, "99999999999999999999999", now), RetryAfter::TooLong(Duration::MAX));
}

#[test]
fn an_http_date_in_each_of_its_three_forms_asks_for_the_time_until_then() {
    let now = rfc_date() - Duration::from_secs(3);
    for date in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ] {
        let answer = asked(StatusCode::SERVICE_UNAVAILABLE, date, now);
        assert_eq!(answer, RetryAfter::Within(Duration::from_secs(3)), "{date}");
    }
    let past =
        asked(StatusCode::SERVICE_UNAVAILABLE, "Sun, 06 Nov 1994 08:49:37 GMT", SystemTime::now());
    assert_eq!(past, RetryAfter::Within(Duration::ZERO), "a date gone by: no wait");
    let hour = asked(StatusCode::TOO_MANY_REQUESTS, "Sun, 06 Nov 1994 09:49:37 GMT", rfc_date());
    assert_eq!(hour, RetryAfter::TooLong(Duration::from_secs(3600)));
}

#[test]
fn a_retry_after_that_is_not_seconds_or_a_date_asks_for_nothing() {
    for value in ["-1", "1.5", "soon", "", "1 2", "Sun, 32 Nov 1994 08:49:37 GMT"] {
        assert_eq!(
            asked(StatusCode::TOO_MANY_REQUESTS, value, SystemTime::now()),
            RetryAfter::NotAsked,
            "{value:?}"
        );
    }
    assert_eq!(
        RetryAfter::of(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), SystemTime::now()),
        RetryAfter::NotAsked
    );
}

#[test]
fn only_429_and_503_promise_the_request_was_left_alone() {
    for status in [
        StatusCode::BAD_GATEWAY,
        StatusCode::GATEWAY_TIMEOUT,
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::MOVED_PERMANENTLY,
    ] {
        assert_eq!(asked(status, "1", SystemTime::now()), RetryAfter::NotAsked, "{status}");
    }
}

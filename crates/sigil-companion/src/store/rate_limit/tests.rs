use super::*;

const LIMIT: RateLimit = RateLimit { limit: 3, window_ms: 1_000 };

/// Simulates the store's counters for one bucket, to check `decide` over time.
#[derive(Default)]
struct Counter {
    window_start: i64,
    current: i64,
    previous: i64,
}

impl Counter {
    fn hit(&mut self, limit: &RateLimit, now: i64) -> RateDecision {
        let start = now - now.rem_euclid(limit.window_ms);
        if self.window_start < start {
            self.previous =
                if self.window_start == start - limit.window_ms { self.current } else { 0 };
            self.current = 0;
            self.window_start = start;
        }
        self.current += 1;
        decide(limit, self.window_start, self.current, self.previous, now)
    }
}

#[test]
fn hits_up_to_the_limit_are_allowed_and_the_next_is_limited() {
    let mut counter = Counter::default();
    assert_eq!(counter.hit(&LIMIT, 10_000), RateDecision::Allowed { remaining: 2 });
    assert_eq!(counter.hit(&LIMIT, 10_001), RateDecision::Allowed { remaining: 1 });
    assert_eq!(counter.hit(&LIMIT, 10_002), RateDecision::Allowed { remaining: 0 });
    assert!(!counter.hit(&LIMIT, 10_003).is_allowed());
}

#[test]
fn a_full_previous_window_still_limits_the_start_of_the_next() {
    // Three hits at the very end of one window: a fixed window would allow three more at once.
    let mut counter = Counter::default();
    for now in [10_997, 10_998, 10_999] {
        assert!(counter.hit(&LIMIT, now).is_allowed());
    }
    assert!(!counter.hit(&LIMIT, 11_000).is_allowed());
}

#[test]
fn the_previous_window_weighs_less_as_time_passes() {
    let decision = decide(&LIMIT, 11_000, 1, 3, 11_700);
    // 3 × 0.3 + 1 = 1.9 hits: one more fits.
    assert_eq!(decision, RateDecision::Allowed { remaining: 1 });
}

#[test]
fn retry_after_is_exactly_when_a_hit_fits_again() {
    // From many states: waiting retry_after_ms - 1 is still limited, waiting retry_after_ms is
    // allowed (nothing else hitting in between).
    for limit in [
        RateLimit { limit: 1, window_ms: 1_000 },
        LIMIT,
        RateLimit { limit: 10, window_ms: 60_000 },
    ] {
        for burst in [2, 5, 20] {
            for start in [0, 1, limit.window_ms / 2, limit.window_ms - 1] {
                let base = 100 * limit.window_ms + start;
                let mut counter = Counter::default();
                let mut last = RateDecision::Allowed { remaining: 0 };
                for i in 0..(i64::from(limit.limit) + burst) {
                    last = counter.hit(&limit, base + i);
                }
                let now = base + i64::from(limit.limit) + burst - 1;
                let RateDecision::Limited { retry_after_ms } = last else {
                    panic!("{limit:?} burst {burst}: not limited");
                };
                assert!(retry_after_ms >= 1);
                let before = Counter { ..clone(&counter) }.hit(&limit, now + retry_after_ms - 1);
                let at = Counter { ..clone(&counter) }.hit(&limit, now + retry_after_ms);
                assert!(
                    !before.is_allowed() || retry_after_ms == 1,
                    "{limit:?} burst {burst} start {start}: allowed before retry_after {retry_after_ms}"
                );
                assert!(
                    at.is_allowed(),
                    "{limit:?} burst {burst} start {start}: still limited after {retry_after_ms}"
                );
            }
        }
    }
}

fn clone(counter: &Counter) -> Counter {
    Counter {
        window_start: counter.window_start,
        current: counter.current,
        previous: counter.previous,
    }
}

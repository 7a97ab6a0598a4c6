//! Any bytes the operating system could deliver as a deep link: the parser answers with a link
//! or a typed error, never a panic, and what it accepts it accepts again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigil_core::deep_link::DeepLink;

fuzz_target!(|data: &[u8]| {
    if let Ok(raw) = std::str::from_utf8(data)
        && let Ok(link) = DeepLink::parse(raw)
    {
        // Parsing is a pure function of the text.
        assert_eq!(DeepLink::parse(raw).ok(), Some(link));
    }
});

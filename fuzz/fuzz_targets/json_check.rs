//! The JSON checker `listen` runs over every payload's `d`: no panics on any text, and it calls
//! a document valid exactly when serde_json's `IgnoredAny` does (below the nesting limit, which
//! `IgnoredAny` does not have).
#![no_main]

use discord_cli::gateway::json_check::{skip_space, skip_value, MAX_DEPTH};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = skip_value(text, 0).is_ok_and(|end| skip_space(text.as_bytes(), end) == text.len());
    if text.bytes().filter(|b| matches!(b, b'[' | b'{')).count() > MAX_DEPTH {
        return;
    }
    let serde = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
    assert_eq!(ours, serde, "{text:?}");
});

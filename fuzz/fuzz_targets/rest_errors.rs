//! Discord's error bodies (including the nested `errors` object) of any shape or size.
#![no_main]

use discord_cli::rest::errors::api_error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(400, |b| 400 + u16::from(*b));
    let err = api_error(status, data.get(1..).unwrap_or_default());
    assert!(!err.message.contains('\n'), "the message is one line");
    assert!(err.details.len() <= 50);
});

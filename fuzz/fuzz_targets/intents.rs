//! `--intents` parsing: names, numbers and keywords; anything else is an error, never a panic.
#![no_main]

use discord_cli::gateway::intents;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bits) = intents::parse(text) {
            assert_eq!(bits & !intents::all(), 0, "only documented bits");
        }
    }
});

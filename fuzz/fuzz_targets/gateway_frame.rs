//! The gateway payload reader (op/t/s extraction with `d` passed through), the line writer
//! with its shard splice, and user commands from `--stdin`: no panics on any text, and what
//! `listen` would print of an accepted payload is exactly one line of valid JSON.
#![no_main]

use discord_cli::gateway::frame::{one_line, user_command, write_line, Frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(frame) = Frame::parse(text) {
        let _ = frame.data::<serde_json::Value>();
        let mut out = Vec::new();
        write_line(text, Some([1, 4]), &mut out).unwrap();
        // The payload is written as received, shard spliced in before its last '}'.
        assert!(out.starts_with(text.trim_end().trim_end_matches('}').as_bytes()));
        assert!(out.ends_with(b"\n"));
        // What listen prints: one line, the same JSON value.
        let line = one_line(text);
        assert!(!line.contains(['\n', '\r']));
        if let Ok(received) = serde_json::from_str::<serde_json::Value>(text) {
            let printed: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
            assert_eq!(printed, received);
        }
    }
    let _ = user_command(text);
});

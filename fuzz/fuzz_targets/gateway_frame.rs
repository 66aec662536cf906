//! The gateway payload reader (op/t/s extraction with `d` passed through), the line writer
//! with its shard splice, and user commands from `--stdin`: no panics on any text.
#![no_main]

use discord_cli::gateway::frame::{user_command, write_line, Frame};
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
    }
    let _ = user_command(text);
});

//! The gateway payload reader (op/t/s extraction with `d` passed through), the shard tag
//! splice, and user commands from `--stdin`: no panics on any text.
#![no_main]

use discord_cli::gateway::frame::{user_command, with_shard, Frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(frame) = Frame::parse(text) {
        if let Some(d) = frame.d {
            // `d` is a slice of the input: passed through, never re-serialised.
            assert!(text.contains(d.get()));
        }
        let mut out = Vec::new();
        with_shard(text, [1, 4], &mut out);
    }
    let _ = user_command(text);
});

//! The zlib-stream inflater and frame splitter: arbitrary bytes split into arbitrary frames
//! (first byte of each chunk = its length) never panic, and output is bounded.
#![no_main]

use discord_cli::gateway::inflate::ZlibStream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut stream = ZlibStream::default();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let n = usize::from(len).min(tail.len());
        let (frame, after) = tail.split_at(n);
        if stream.push(frame).is_err() {
            stream.reset();
        }
        rest = after;
    }
});

//! The zstd-stream decompressor: arbitrary bytes cut into arbitrary WebSocket messages (first
//! byte of each chunk = its length) never panic; garbage is an error, after which a fresh
//! context is used, as a reconnect would.
#![no_main]

use discord_cli::gateway::inflate::ZstdStream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut stream = ZstdStream::default();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let n = usize::from(len).min(tail.len());
        let (message, after) = tail.split_at(n);
        if stream.push(message).is_err() {
            stream = ZstdStream::default();
        }
        rest = after;
    }
});

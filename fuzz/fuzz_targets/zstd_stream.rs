//! The zstd-stream decompressor: arbitrary bytes cut into arbitrary WebSocket messages (first
//! byte of each chunk = its length) never panic; garbage is an error, after which a fresh
//! context is used, as a reconnect would. With a small cap on what one message may expand to,
//! no message comes out longer than the cap, however the input is built (a decompression bomb
//! is an error, not an allocation).
#![no_main]

use discord_cli::gateway::inflate::ZstdStream;
use libfuzzer_sys::fuzz_target;

/// Small enough that a seed can exceed it; the real cap is 512 MiB.
const LIMIT: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let mut stream = ZstdStream::with_limit(LIMIT);
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let n = usize::from(len).min(tail.len());
        let (message, after) = tail.split_at(n);
        match stream.push(message) {
            Ok(out) => assert!(out.len() <= LIMIT, "{} bytes out", out.len()),
            Err(_) => stream = ZstdStream::with_limit(LIMIT),
        }
        rest = after;
    }
});

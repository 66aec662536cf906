//! The zlib-stream inflater and frame splitter: arbitrary bytes split into arbitrary frames
//! (first byte of each chunk = its length) never panic, and output is bounded: with a small
//! cap on one message (compressed or expanded), no message comes out longer than the cap, so a
//! decompression bomb or frames that never end with the sync-flush suffix are errors, not
//! allocations.
#![no_main]

use discord_cli::gateway::inflate::ZlibStream;
use libfuzzer_sys::fuzz_target;

/// Small enough that a seed can exceed it; the real cap is 512 MiB.
const LIMIT: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let mut stream = ZlibStream::with_limit(LIMIT);
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let n = usize::from(len).min(tail.len());
        let (frame, after) = tail.split_at(n);
        match stream.push(frame) {
            Ok(Some(out)) => assert!(out.len() <= LIMIT, "{} bytes out", out.len()),
            Ok(None) => {}
            Err(_) => stream.reset(),
        }
        rest = after;
    }
});

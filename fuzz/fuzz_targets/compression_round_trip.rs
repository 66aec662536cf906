//! Both transport compressions end to end: arbitrary messages (first byte of each chunk = its
//! length) compressed the way the sandbox (and Discord) does, one context per connection, then
//! decompressed; zlib-stream messages are also cut at an arbitrary point into two frames.
//! Every message must come back byte for byte.
#![no_main]

use discord_cli::gateway::inflate::{Compression, Inflater};
use discord_cli::sandbox::compress::Deflater;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else {
        return;
    };
    let compression = if mode & 1 == 0 {
        Compression::Zlib
    } else {
        Compression::Zstd
    };
    let mut deflater = Deflater::new(compression);
    let mut inflater = Inflater::new(compression);
    let mut compressed = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        let n = usize::from(len).min(tail.len());
        let (message, after) = tail.split_at(n);
        rest = after;
        // A gateway payload is a JSON object, never empty (and an empty zlib sync flush after
        // another one produces no bytes at all, so there would be nothing to send).
        if message.is_empty() {
            continue;
        }
        deflater.write(message, &mut compressed).expect("compress");
        if compression == Compression::Zlib && compressed.len() > 1 {
            let cut = 1 + usize::from(len) % (compressed.len() - 1);
            let (a, b) = compressed.split_at(cut);
            // A first piece that happens to end in 00 00 ff ff is inflated early; what it gives
            // and what the second piece gives must then make up the message together.
            let mut got = inflater
                .push(a)
                .expect("first piece")
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            let second = inflater.push(b).expect("second piece").expect("message end");
            got.extend_from_slice(second);
            assert_eq!(got, message);
        } else {
            let out = inflater.push(&compressed).expect("whole message");
            assert_eq!(out, Some(message));
        }
    }
});

//! The gateway's own WebSocket frame reader: any bytes give messages or an error, never a
//! panic, and what comes out does not depend on how the bytes were split across reads.
#![no_main]

use std::io::Read;

use discord_cli::gateway::frame_reader::{FrameReader, Incoming};
use libfuzzer_sys::fuzz_target;

/// A stream that gives at most `step` bytes per read.
struct Pieces<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything the reader yields, until its first error (whose kind is kept).
fn read_all(data: &[u8], step: usize) -> (Vec<String>, std::io::ErrorKind) {
    let mut reader = FrameReader::new(&[], 1 << 16);
    let mut stream = Pieces { data, step };
    let mut out = Vec::new();
    loop {
        match reader.read(&mut stream) {
            Ok(m) => out.push(match m {
                Incoming::Text(t) => format!("text {t:?}"),
                Incoming::Binary(b) => format!("binary {b:?}"),
                Incoming::Ping(p) => format!("ping {p:?}"),
                Incoming::Pong => "pong".into(),
                Incoming::Close(c) => format!("close {c:?}"),
            }),
            Err(e) => return (out, e.kind()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&step, rest)) = data.split_first() else {
        return;
    };
    let whole = read_all(rest, usize::MAX);
    let pieces = read_all(rest, usize::from(step).max(1));
    assert_eq!(whole, pieces);
});

//! The limit for a compressed stream: inflating its bytes with the compression crate alone
//! (flate2 or zstd-safe, no WebSocket and no JSON), message by message as a client must, into
//! one reused buffer. A client cannot read a compressed stream faster than this (short of
//! skipping work every client must do).

use std::time::Instant;

use flate2::{Decompress, FlushDecompress};
use serde_json::{json, Value};
use zstd_safe::{DCtx, InBuffer, OutBuffer};

use super::Stream;
use discord_protocol::gateway::inflate::Compression;
use discord_protocol::{Error, Result};

/// What inflating a whole stream cost.
#[derive(Debug, Clone, PartialEq)]
pub struct InflateCost {
    /// Dispatches in the stream (HELLO, READY and GUILD_CREATE are inflated too, not counted).
    pub events: usize,
    /// Compressed bytes (WebSocket payloads, without frame headers).
    pub bytes_in: usize,
    /// Bytes they inflate to.
    pub bytes_out: usize,
    /// Wall time of the single-threaded loop.
    pub seconds: f64,
}

impl InflateCost {
    /// As the admin route answers it.
    pub fn to_json(&self) -> Value {
        json!({
            "events": self.events,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "seconds": self.seconds,
            "events_per_second": self.events as f64 / self.seconds.max(1e-9),
        })
    }
}

/// Inflates every message of a compressed `stream` in order; an error for a plain one.
pub fn inflate(stream: &Stream) -> Result<InflateCost> {
    let mut sink = vec![0u8; 64 * 1024];
    let mut bytes_in = 0;
    let mut bytes_out = 0;
    let started = Instant::now();
    match stream.compression {
        Some(Compression::Zlib) => {
            // Raw deflate after the 2-byte zlib header, as the client reads it: an endless
            // stream never reaches the adler32 trailer, so computing the checksum is waste.
            let mut z = Decompress::new(false);
            for (i, payload) in payloads(&stream.bytes).enumerate() {
                bytes_in += payload.len();
                let payload = if i == 0 {
                    payload.get(2..).unwrap_or(&[])
                } else {
                    payload
                };
                bytes_out += zlib_message(&mut z, payload, &mut sink)?;
            }
        }
        Some(Compression::Zstd) => {
            let mut z = DCtx::create();
            for payload in payloads(&stream.bytes) {
                bytes_in += payload.len();
                bytes_out += zstd_message(&mut z, payload, &mut sink)?;
            }
        }
        None => return Err(Error::runtime("a plain stream has nothing to inflate")),
    }
    Ok(InflateCost {
        events: stream.ends.len(),
        bytes_in,
        bytes_out,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Inflates one zlib-stream message; the bytes it gave.
fn zlib_message(z: &mut Decompress, mut input: &[u8], sink: &mut [u8]) -> Result<usize> {
    let mut out = 0;
    loop {
        let (before_in, before_out) = (z.total_in(), z.total_out());
        z.decompress(input, sink, FlushDecompress::Sync)
            .map_err(|e| Error::runtime(format!("zlib: {e}")))?;
        let used = (z.total_in() - before_in) as usize;
        let made = (z.total_out() - before_out) as usize;
        input = &input[used..];
        out += made;
        if input.is_empty() && made < sink.len() {
            return Ok(out);
        }
        if used == 0 && made == 0 {
            return Err(Error::runtime("zlib: no progress"));
        }
    }
}

/// Inflates one zstd-stream message; the bytes it gave.
fn zstd_message(z: &mut DCtx<'static>, input: &[u8], sink: &mut [u8]) -> Result<usize> {
    let mut input = InBuffer::around(input);
    let mut out = 0;
    loop {
        let mut buffer = OutBuffer::around(&mut *sink);
        z.decompress_stream(&mut buffer, &mut input)
            .map_err(|code| Error::runtime(format!("zstd: {}", zstd_safe::get_error_name(code))))?;
        let made = buffer.pos();
        out += made;
        if input.pos() == input.src.len() && made < sink.len() {
            return Ok(out);
        }
    }
}

/// The payloads of a run of unmasked server frames, as [`super::Framer`] wrote them.
fn payloads(mut bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let (len, head) = match *bytes.get(1)? {
            126 => (u16::from_be_bytes([bytes[2], bytes[3]]) as usize, 4),
            127 => (
                u64::from_be_bytes(bytes[2..10].try_into().ok()?) as usize,
                10,
            ),
            n => (n as usize, 2),
        };
        let payload = bytes.get(head..head + len)?;
        bytes = &bytes[head + len..];
        Some(payload)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::Limits;
    use crate::World;

    fn world() -> World {
        World::new(
            "t".into(),
            Limits::new(1.0, false, 50),
            "ws://127.0.0.1:9".into(),
        )
    }

    /// Each stream inflates to exactly the plain stream's payloads: the prebuilt compressed
    /// bytes are one valid context, message after message.
    #[test]
    fn compressed_streams_inflate_to_the_plain_payloads() {
        let w = world();
        let plain = Stream::build(&w, 50, None).unwrap();
        let plain_bytes: usize = payloads(&plain.bytes).map(<[u8]>::len).sum();
        for c in [Compression::Zlib, Compression::Zstd] {
            let s = Stream::build(&w, 50, Some(c)).unwrap();
            assert_eq!(s.ends.len(), 50);
            let cost = inflate(&s).unwrap();
            assert_eq!(cost.bytes_out, plain_bytes, "{c:?}");
            assert!(cost.bytes_in < plain_bytes / 2, "{c:?} compressed {cost:?}");
        }
        assert!(inflate(&plain).is_err());
    }
}

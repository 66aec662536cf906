//! `compress=zlib-stream` transport compression: one inflate context for the whole connection;
//! binary frames are buffered until one ends with the Z_SYNC_FLUSH suffix `00 00 ff ff`, which
//! marks the end of one gateway message. Source: Discord docs, "Gateway > Transport
//! Compression". A new [`ZlibStream`] (or [`ZlibStream::reset`]) is needed on every reconnect.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::{Error, ErrorKind, Result};

/// The suffix that ends each compressed gateway message.
pub const SUFFIX: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The inflater of one connection.
#[derive(Debug)]
pub struct ZlibStream {
    inflater: Decompress,
    pending: Vec<u8>,
    output: Vec<u8>,
}

impl Default for ZlibStream {
    fn default() -> Self {
        ZlibStream {
            inflater: Decompress::new(true),
            pending: Vec::new(),
            output: Vec::with_capacity(32 * 1024),
        }
    }
}

impl ZlibStream {
    /// Forgets the context: for a new connection.
    pub fn reset(&mut self) {
        self.inflater.reset(true);
        self.pending.clear();
        self.output.clear();
    }

    /// Adds one binary frame; returns the inflated message once a frame ends with the suffix.
    pub fn push(&mut self, frame: &[u8]) -> Result<Option<&[u8]>> {
        self.pending.extend_from_slice(frame);
        if !self.pending.ends_with(&SUFFIX) {
            return Ok(None);
        }
        self.output.clear();
        let mut consumed = 0usize;
        loop {
            if self.output.capacity() - self.output.len() < 4096 {
                let grow = self.output.capacity().max(32 * 1024);
                self.output.reserve(grow);
            }
            let in_before = self.inflater.total_in();
            let out_before = self.output.len();
            let status = self
                .inflater
                .decompress_vec(
                    &self.pending[consumed..],
                    &mut self.output,
                    FlushDecompress::Sync,
                )
                .map_err(|e| corrupt(&e.to_string()))?;
            consumed += (self.inflater.total_in() - in_before) as usize;
            let progressed = consumed > 0 && self.inflater.total_in() > in_before
                || self.output.len() > out_before;
            let room_left = self.output.len() < self.output.capacity();
            if status == Status::StreamEnd || (consumed >= self.pending.len() && room_left) {
                break;
            }
            if !progressed {
                return Err(corrupt("the stream stopped making progress"));
            }
        }
        self.pending.clear();
        Ok(Some(&self.output))
    }
}

/// The sending side of the same format (used by the sandbox): one deflate context per
/// connection and a sync flush after each message, so each message ends with [`SUFFIX`].
#[derive(Debug)]
pub struct ZlibWriter {
    deflater: Compress,
}

impl Default for ZlibWriter {
    fn default() -> Self {
        ZlibWriter {
            deflater: Compress::new(Compression::fast(), true),
        }
    }
}

impl ZlibWriter {
    /// Compresses one message into `out` (cleared first).
    pub fn write(&mut self, message: &[u8], out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        let start = self.deflater.total_in();
        loop {
            if out.capacity() - out.len() < 1024 {
                out.reserve(message.len() / 2 + 1024);
            }
            let done = (self.deflater.total_in() - start) as usize;
            self.deflater
                .compress_vec(&message[done..], out, FlushCompress::Sync)
                .map_err(|e| Error::runtime(format!("zlib compression failed: {e}")))?;
            let done = (self.deflater.total_in() - start) as usize;
            if done == message.len() && out.len() < out.capacity() {
                return Ok(());
            }
        }
    }
}

fn corrupt(detail: &str) -> Error {
    Error::new(
        ErrorKind::Network,
        format!("the gateway sent corrupt zlib-stream data ({detail})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compresses messages the way Discord does: one context, a sync flush per message.
    fn produce(messages: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut writer = ZlibWriter::default();
        messages
            .iter()
            .map(|m| {
                let mut out = Vec::new();
                writer.write(m, &mut out).unwrap();
                out
            })
            .collect()
    }

    /// Bytes captured from another zlib implementation (Python's zlib, Z_SYNC_FLUSH per
    /// message): HELLO, then a heartbeat ACK in the same context.
    const CAPTURED: [&[u8]; 2] = [
        &[
            0x78, 0x9c, 0xaa, 0x56, 0xca, 0x2f, 0x50, 0xb2, 0x32, 0x34, 0xd0, 0x51, 0x4a, 0x51,
            0xb2, 0xaa, 0x56, 0xca, 0x48, 0x4d, 0x2c, 0x2a, 0x49, 0x4a, 0x4d, 0x2c, 0x89, 0xcf,
            0xcc, 0x2b, 0x49, 0x2d, 0x2a, 0x4b, 0xcc, 0x51, 0xb2, 0x32, 0x31, 0x34, 0x32, 0x35,
            0xa8, 0xad, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff,
        ],
        &[
            0xaa, 0x86, 0xa8, 0x34, 0x04, 0xab, 0xcc, 0x2b, 0xcd, 0xc9, 0xa9, 0x05, 0x00, 0x00,
            0x00, 0xff, 0xff,
        ],
    ];

    #[test]
    fn captured_bytes_inflate_even_split_byte_by_byte() {
        let mut z = ZlibStream::default();
        assert_eq!(
            z.push(CAPTURED[0]).unwrap().unwrap(),
            br#"{"op":10,"d":{"heartbeat_interval":41250}}"#
        );
        let (last, head) = CAPTURED[1].split_last().unwrap();
        for b in head {
            assert!(z.push(&[*b]).unwrap().is_none());
        }
        assert_eq!(z.push(&[*last]).unwrap().unwrap(), br#"{"op":11,"d":null}"#);
        // The second message only makes sense in the first one's context.
        let mut fresh = ZlibStream::default();
        assert!(fresh.push(CAPTURED[1]).is_err());
    }

    #[test]
    fn messages_share_one_context_and_may_span_frames() {
        let big = format!(r#"{{"op":0,"d":{{"content":"{}"}}}}"#, "xy".repeat(40_000));
        let msgs: Vec<&[u8]> = vec![b"{\"op\":11}", big.as_bytes(), b"{\"op\":11}"];
        let frames = produce(&msgs);
        let mut z = ZlibStream::default();
        assert_eq!(z.push(&frames[0]).unwrap().unwrap(), msgs[0]);
        // Split the second message across three websocket frames.
        let f = &frames[1];
        let (a, rest) = f.split_at(f.len() / 3);
        let (b, c) = rest.split_at(rest.len() / 2);
        assert!(z.push(a).unwrap().is_none());
        assert!(z.push(b).unwrap().is_none());
        assert_eq!(z.push(c).unwrap().unwrap(), msgs[1]);
        assert_eq!(z.push(&frames[2]).unwrap().unwrap(), msgs[2]);
    }

    #[test]
    fn reset_starts_a_new_context_and_garbage_is_an_error() {
        let frames = produce(&[b"{\"op\":11}"]);
        let mut z = ZlibStream::default();
        z.push(&frames[0]).unwrap();
        z.reset();
        assert_eq!(z.push(&frames[0]).unwrap().unwrap(), b"{\"op\":11}");
        let mut z = ZlibStream::default();
        assert!(z.push(&[1, 2, 3, 0, 0, 0xff, 0xff]).is_err());
    }
}

//! The sending side of gateway transport compression, as Discord's servers do it: one
//! compression context per connection, zlib-stream with a sync flush per message, zstd-stream
//! as one endless frame flushed per message. The receiving side is the protocol crate's
//! [`discord_protocol::gateway::inflate`]; the tests here check the two against each other.

use flate2::{Compress, FlushCompress};
use zstd_safe::{CCtx, InBuffer, OutBuffer};

use discord_protocol::gateway::inflate::Compression;
use discord_protocol::{Error, Result};

/// The sending side of one connection (used by the sandbox).
pub enum Deflater {
    /// zlib-stream.
    Zlib(ZlibWriter),
    /// zstd-stream.
    Zstd(ZstdWriter),
}

impl Deflater {
    /// A fresh context for a new connection.
    pub fn new(compression: Compression) -> Deflater {
        match compression {
            Compression::Zlib => Deflater::Zlib(ZlibWriter::default()),
            Compression::Zstd => Deflater::Zstd(ZstdWriter::default()),
        }
    }

    /// Which compression this is.
    pub fn compression(&self) -> Compression {
        match self {
            Deflater::Zlib(_) => Compression::Zlib,
            Deflater::Zstd(_) => Compression::Zstd,
        }
    }

    /// Compresses one gateway message into `out` (cleared first).
    pub fn write(&mut self, message: &[u8], out: &mut Vec<u8>) -> Result<()> {
        match self {
            Deflater::Zlib(z) => z.write(message, out),
            Deflater::Zstd(z) => z.write(message, out),
        }
    }
}

/// The sending side of the same format (used by the sandbox): one deflate context per
/// connection and a sync flush after each message, so each message ends with the `00 00 ff ff` suffix.
#[derive(Debug)]
pub struct ZlibWriter {
    deflater: Compress,
}

impl Default for ZlibWriter {
    fn default() -> Self {
        ZlibWriter {
            deflater: Compress::new(flate2::Compression::fast(), true),
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

/// The zstd-stream compressor of one connection: the frame is never ended, and each message
/// is flushed so that the receiver can decode it whole.
pub struct ZstdWriter {
    context: CCtx<'static>,
}

impl Default for ZstdWriter {
    fn default() -> Self {
        ZstdWriter {
            context: CCtx::create(),
        }
    }
}

impl std::fmt::Debug for ZstdWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZstdWriter").finish_non_exhaustive()
    }
}

impl ZstdWriter {
    /// Compresses one message into `out` (cleared first), ending with a flush.
    pub fn write(&mut self, message: &[u8], out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        let mut input = InBuffer::around(message);
        loop {
            if out.capacity() - out.len() < 1024 {
                out.reserve(message.len() / 2 + 1024);
            }
            let start = out.len();
            let mut buffer = OutBuffer::around_pos(out, start);
            let left = self
                .context
                .compress_stream2(
                    &mut buffer,
                    &mut input,
                    zstd_safe::zstd_sys::ZSTD_EndDirective::ZSTD_e_flush,
                )
                .map_err(|code| {
                    Error::runtime(format!(
                        "zstd compression failed ({})",
                        zstd_safe::get_error_name(code)
                    ))
                })?;
            if left == 0 && input.pos() == message.len() {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use discord_protocol::gateway::inflate::{Inflater, ZlibStream, ZstdStream};

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

    #[test]
    fn zstd_messages_share_one_endless_frame() {
        let big = format!(r#"{{"op":0,"d":{{"content":"{}"}}}}"#, "xy".repeat(200_000));
        let msgs: Vec<&[u8]> = vec![b"{\"op\":10}", big.as_bytes(), b"{\"op\":11}", b""];
        let mut writer = Deflater::new(Compression::Zstd);
        let mut reader = Inflater::new(Compression::Zstd);
        let mut sizes = Vec::new();
        for m in &msgs {
            let mut out = Vec::new();
            writer.write(m, &mut out).unwrap();
            sizes.push(out.len());
            assert_eq!(reader.push(&out).unwrap().unwrap(), *m);
        }
        // Only the first message carries the frame header; the repeated one is a back-reference.
        assert!(sizes[2] < sizes[0], "{sizes:?}");
        assert!(sizes[1] < big.len() / 100, "{sizes:?}");
    }

    #[test]
    fn zstd_garbage_and_a_missing_context_are_errors() {
        let mut writer = ZstdWriter::default();
        let (mut first, mut second) = (Vec::new(), Vec::new());
        writer.write(b"{\"op\":10}", &mut first).unwrap();
        writer.write(b"{\"op\":11}", &mut second).unwrap();
        assert!(ZstdStream::default().push(&second).is_err());
        assert!(ZstdStream::default().push(b"not zstd at all").is_err());
        let mut z = ZstdStream::default();
        assert_eq!(z.push(&first).unwrap(), b"{\"op\":10}");
        assert_eq!(z.push(&second).unwrap(), b"{\"op\":11}");
    }

    #[test]
    fn compression_names_match_the_query_values() {
        for c in [Compression::Zlib, Compression::Zstd] {
            assert_eq!(Compression::from_query_value(c.query_value()), Some(c));
        }
        assert_eq!(Compression::from_query_value("gzip"), None);
    }
}

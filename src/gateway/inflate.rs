//! Gateway transport compression (Discord docs, "Gateway > Transport Compression"), both kinds:
//!
//! - `compress=zlib-stream`: one inflate context for the whole connection; binary frames are
//!   buffered until one ends with the Z_SYNC_FLUSH suffix `00 00 ff ff`, which marks the end
//!   of one gateway message.
//! - `compress=zstd-stream`: one zstd decompression stream for the whole connection whose frame
//!   never ends; each binary WebSocket message is exactly one gateway message, flushed.
//!
//! A new [`Inflater`] is needed on every reconnect: the context belongs to the connection.
//! Both cap what one message may expand to ([`MAX_MESSAGE_BYTES`], the same as a WebSocket
//! message): a few hundred KiB of zstd or a few MiB of zlib can expand to gigabytes, so a
//! message over the cap is an error that ends the connection, and memory stays bounded.

use flate2::{Compress, Decompress, FlushCompress, FlushDecompress, Status};
use zstd_safe::{CCtx, DCtx, InBuffer, OutBuffer};

use super::frame::MAX_MESSAGE_BYTES;
use crate::{Error, ErrorKind, Result};

/// The transport compressions Discord offers; `--compress` picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Compression {
    /// `zlib-stream`: zlib with a sync flush after each message.
    Zlib,
    /// `zstd-stream`: one endless zstd frame, flushed after each message.
    Zstd,
}

impl Compression {
    /// The value of the gateway URL's `compress` query parameter.
    pub fn query_value(self) -> &'static str {
        match self {
            Compression::Zlib => "zlib-stream",
            Compression::Zstd => "zstd-stream",
        }
    }

    /// Reads the `compress` query parameter; `None` for anything Discord does not offer.
    pub fn from_query_value(value: &str) -> Option<Compression> {
        [Compression::Zlib, Compression::Zstd]
            .into_iter()
            .find(|c| c.query_value() == value)
    }
}

/// The receiving side of one connection, whichever compression it asked for.
pub enum Inflater {
    /// zlib-stream.
    Zlib(ZlibStream),
    /// zstd-stream.
    Zstd(ZstdStream),
}

impl Inflater {
    /// A fresh context for a new connection, with the [`MAX_MESSAGE_BYTES`] cap.
    pub fn new(compression: Compression) -> Inflater {
        Inflater::with_limit(compression, MAX_MESSAGE_BYTES)
    }

    /// A fresh context whose messages may expand to at most `limit` bytes (compressed and
    /// decompressed).
    pub fn with_limit(compression: Compression, limit: usize) -> Inflater {
        match compression {
            Compression::Zlib => Inflater::Zlib(ZlibStream::with_limit(limit)),
            Compression::Zstd => Inflater::Zstd(ZstdStream::with_limit(limit)),
        }
    }

    /// Adds one binary WebSocket message; returns the decompressed gateway message once it is
    /// whole (zlib-stream may spread one over several messages).
    pub fn push(&mut self, message: &[u8]) -> Result<Option<&[u8]>> {
        match self {
            Inflater::Zlib(z) => z.push(message),
            Inflater::Zstd(z) => z.push(message).map(Some),
        }
    }
}

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

/// The suffix that ends each compressed gateway message.
pub const SUFFIX: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The inflater of one connection.
#[derive(Debug)]
pub struct ZlibStream {
    inflater: Decompress,
    pending: Vec<u8>,
    output: Vec<u8>,
    limit: usize,
}

impl Default for ZlibStream {
    fn default() -> Self {
        ZlibStream::with_limit(MAX_MESSAGE_BYTES)
    }
}

impl ZlibStream {
    /// An inflater whose messages may be at most `limit` bytes, compressed or not.
    pub fn with_limit(limit: usize) -> ZlibStream {
        ZlibStream {
            inflater: Decompress::new(true),
            pending: Vec::new(),
            output: Vec::with_capacity(32 * 1024),
            limit,
        }
    }

    /// Forgets the context: for a new connection.
    pub fn reset(&mut self) {
        self.inflater.reset(true);
        self.pending.clear();
        self.output.clear();
    }

    /// Adds one binary frame; returns the inflated message once a frame ends with the suffix.
    pub fn push(&mut self, frame: &[u8]) -> Result<Option<&[u8]>> {
        if self.pending.len().saturating_add(frame.len()) > self.limit {
            return Err(too_big("zlib-stream", self.limit));
        }
        self.pending.extend_from_slice(frame);
        if !self.pending.ends_with(&SUFFIX) {
            return Ok(None);
        }
        self.output.clear();
        let mut consumed = 0usize;
        loop {
            make_room(&mut self.output, self.limit, "zlib-stream")?;
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

/// The zstd-stream decompressor of one connection.
pub struct ZstdStream {
    context: DCtx<'static>,
    output: Vec<u8>,
    limit: usize,
}

impl Default for ZstdStream {
    fn default() -> Self {
        ZstdStream::with_limit(MAX_MESSAGE_BYTES)
    }
}

impl std::fmt::Debug for ZstdStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZstdStream").finish_non_exhaustive()
    }
}

impl ZstdStream {
    /// A decompressor whose messages may expand to at most `limit` bytes.
    pub fn with_limit(limit: usize) -> ZstdStream {
        ZstdStream {
            context: DCtx::create(),
            output: Vec::with_capacity(32 * 1024),
            limit,
        }
    }

    /// Decompresses one binary WebSocket message: one whole gateway message.
    pub fn push(&mut self, message: &[u8]) -> Result<&[u8]> {
        self.output.clear();
        let mut input = InBuffer::around(message);
        loop {
            make_room(&mut self.output, self.limit, "zstd-stream")?;
            let start = self.output.len();
            let mut out = OutBuffer::around_pos(&mut self.output, start);
            self.context
                .decompress_stream(&mut out, &mut input)
                .map_err(zstd_corrupt)?;
            let full = out.pos() == out.capacity();
            // With room left in the output and the input used up, zstd has given all it can.
            if input.pos() == message.len() && !full {
                return Ok(&self.output);
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

/// Makes room in `output` for more decompressed bytes, doubling as it goes but never past
/// `limit + 1` (one byte over is how a message over the limit shows); an error once over.
fn make_room(output: &mut Vec<u8>, limit: usize, kind: &str) -> Result<()> {
    if output.len() > limit {
        return Err(too_big(kind, limit));
    }
    if output.capacity() - output.len() < 4096 {
        let grow = output
            .capacity()
            .max(32 * 1024)
            .min(limit + 1 - output.len());
        output.reserve_exact(grow);
    }
    Ok(())
}

fn too_big(kind: &str, limit: usize) -> Error {
    Error::new(
        ErrorKind::Network,
        format!(
            "the gateway sent a {kind} message that expands to more than {} MiB; refusing it",
            limit >> 20
        ),
    )
}

fn corrupt(detail: &str) -> Error {
    Error::new(
        ErrorKind::Network,
        format!("the gateway sent corrupt zlib-stream data ({detail})"),
    )
}

fn zstd_corrupt(code: usize) -> Error {
    Error::new(
        ErrorKind::Network,
        format!(
            "the gateway sent corrupt zstd-stream data ({})",
            zstd_safe::get_error_name(code)
        ),
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
    fn bombs_stop_at_the_limit_with_bounded_memory() {
        // Issue 14 item 14: a message that expands far past the cap is an error, and the
        // output never grows much beyond the cap.
        let limit = 1 << 20;
        let bomb = vec![b' '; 64 << 20];
        for compression in [Compression::Zlib, Compression::Zstd] {
            let mut out = Vec::new();
            Deflater::new(compression).write(&bomb, &mut out).unwrap();
            assert!(out.len() < 1 << 20, "{compression:?} bomb is small");
            let mut inflater = Inflater::with_limit(compression, limit);
            let err = inflater.push(&out).unwrap_err();
            assert!(
                err.message.contains("expands to more than 1 MiB"),
                "{}",
                err.message
            );
            let held = match &inflater {
                Inflater::Zlib(z) => z.output.capacity(),
                Inflater::Zstd(z) => z.output.capacity(),
            };
            assert!(held <= limit + 1, "{compression:?} held {held}");
            // Right at the limit is still fine.
            let fits = vec![b'x'; limit];
            Deflater::new(compression).write(&fits, &mut out).unwrap();
            let mut inflater = Inflater::with_limit(compression, limit);
            assert_eq!(inflater.push(&out).unwrap().unwrap().len(), limit);
        }
        // zlib's pending input is capped too: frames without the suffix cannot pile up.
        let mut z = ZlibStream::with_limit(limit);
        assert!(z.push(&vec![0u8; limit]).unwrap().is_none());
        assert!(z.push(&[0u8]).is_err());
    }

    #[test]
    fn compression_names_match_the_query_values() {
        for c in [Compression::Zlib, Compression::Zstd] {
            assert_eq!(Compression::from_query_value(c.query_value()), Some(c));
        }
        assert_eq!(Compression::from_query_value("gzip"), None);
    }
}

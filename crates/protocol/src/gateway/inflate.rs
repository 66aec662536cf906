//! Gateway transport compression (Discord docs, "Gateway > Transport Compression"), both kinds:
//!
//! - `compress=zlib-stream`: one inflate context for the whole connection; binary frames are
//!   buffered until one ends with the Z_SYNC_FLUSH suffix `00 00 ff ff`, which marks the end
//!   of one gateway message.
//! - `compress=zstd-stream`: one zstd decompression stream for the whole connection whose frame
//!   never ends; each binary WebSocket message is exactly one gateway message, flushed.
//!
//! A new [`Inflater`] is needed on every reconnect: the context belongs to the connection. The
//! sending side (compressors) is the server's business and lives in the sandbox crate.
//!
//! Both cap what one message may expand to ([`MAX_MESSAGE_BYTES`], the same as a WebSocket
//! message): a few hundred KiB of zstd or a few MiB of zlib can expand to gigabytes, so a
//! message over the cap is an error that ends the connection, and memory stays bounded.

use flate2::{Decompress, FlushDecompress, Status};
use zstd_safe::{DCtx, InBuffer, OutBuffer};

use super::frame::MAX_MESSAGE_BYTES;
use crate::{Error, ErrorKind, Result};

/// The transport compressions Discord offers; `--compress` picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// A fresh context whose messages may be at most `limit` bytes, compressed and
    /// decompressed.
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
    use flate2::{Compress, FlushCompress};

    /// One message compressed as a zlib-stream server sends it (sync flush).
    fn zlib(message: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(message.len() / 100 + 4096);
        let mut deflate = Compress::new(flate2::Compression::best(), true);
        loop {
            let done = deflate.total_in() as usize;
            deflate
                .compress_vec(&message[done..], &mut out, FlushCompress::Sync)
                .unwrap();
            if deflate.total_in() as usize == message.len() && out.len() < out.capacity() {
                return out;
            }
            out.reserve(out.capacity());
        }
    }

    /// One message as a zstd frame.
    fn zstd(message: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(message.len()));
        zstd_safe::compress(&mut out, message, 19).unwrap();
        out
    }

    fn held(inflater: &Inflater) -> usize {
        match inflater {
            Inflater::Zlib(z) => z.output.capacity(),
            Inflater::Zstd(z) => z.output.capacity(),
        }
    }

    #[test]
    fn bombs_stop_at_the_limit_with_bounded_memory() {
        // Issue 14 item 14: a small message that expands far past the cap is an error, and
        // the output never grows past the cap on the way.
        let limit = 1 << 20;
        let bomb = vec![b' '; 64 << 20];
        let fits = vec![b'x'; limit];
        for (compression, pack) in [
            (Compression::Zlib, zlib as fn(&[u8]) -> Vec<u8>),
            (Compression::Zstd, zstd),
        ] {
            let packed = pack(&bomb);
            assert!(packed.len() < 1 << 20, "{compression:?}: {}", packed.len());
            let mut inflater = Inflater::with_limit(compression, limit);
            let err = inflater.push(&packed).unwrap_err();
            assert!(
                err.message.contains("expands to more than 1 MiB"),
                "{}",
                err.message
            );
            assert!(
                held(&inflater) <= limit + 1,
                "{compression:?}: {}",
                held(&inflater)
            );
            // Right at the limit is still fine.
            let mut inflater = Inflater::with_limit(compression, limit);
            assert_eq!(inflater.push(&pack(&fits)).unwrap().unwrap(), &fits[..]);
        }
        // zlib's pending input is capped too: frames without the suffix cannot pile up.
        let mut z = ZlibStream::with_limit(limit);
        assert!(z.push(&vec![0u8; limit]).unwrap().is_none());
        assert!(z.push(&[0u8]).is_err());
    }
}

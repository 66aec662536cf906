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

use flate2::{Decompress, FlushDecompress, Status};
use zstd_safe::{DCtx, InBuffer, OutBuffer};

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
    /// A fresh context for a new connection.
    pub fn new(compression: Compression) -> Inflater {
        match compression {
            Compression::Zlib => Inflater::Zlib(ZlibStream::default()),
            Compression::Zstd => Inflater::Zstd(ZstdStream::default()),
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

/// The zstd-stream decompressor of one connection.
pub struct ZstdStream {
    context: DCtx<'static>,
    output: Vec<u8>,
}

impl Default for ZstdStream {
    fn default() -> Self {
        ZstdStream {
            context: DCtx::create(),
            output: Vec::with_capacity(32 * 1024),
        }
    }
}

impl std::fmt::Debug for ZstdStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZstdStream").finish_non_exhaustive()
    }
}

impl ZstdStream {
    /// Decompresses one binary WebSocket message: one whole gateway message.
    pub fn push(&mut self, message: &[u8]) -> Result<&[u8]> {
        self.output.clear();
        let mut input = InBuffer::around(message);
        loop {
            if self.output.capacity() - self.output.len() < 4096 {
                let grow = self.output.capacity().max(32 * 1024);
                self.output.reserve(grow);
            }
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

//! Reads the gateway's WebSocket frames (RFC 6455 section 5) into one buffer, handing out each
//! message as a slice of it.
//!
//! Why not tungstenite's reader: while a frame is incomplete it reserves the frame's whole
//! length again on every read, on top of what it already holds, and zero-fills its buffer to
//! capacity before each read; a 26.5 MB GUILD_CREATE peaked at 2.2x its size. Here the buffer
//! grows once, to exactly the frame's size, and goes back to [`READ_BUFFER`] after a frame
//! bigger than that. tungstenite still does the handshake and writes (see
//! [`super::handshake`]). Only the client side is needed: server frames are never masked.

use std::io::{self, Read};

use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Bytes, Message, Utf8Bytes};

/// The buffer's size between big frames: many small dispatches per read.
pub const READ_BUFFER: usize = 256 * 1024;

/// One thing read from the server.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming<'a> {
    /// A whole text message (checked to be UTF-8).
    Text(&'a str),
    /// A whole binary message.
    Binary(&'a [u8]),
    /// A ping, to be answered with a pong carrying the same bytes.
    Ping(&'a [u8]),
    /// A pong (nothing to do).
    Pong,
    /// A close frame and its status code, if it had one.
    Close(Option<u16>),
}

/// What [`FrameReader::next_frame`] found, as positions in the buffer (so the loop that reads
/// more holds no borrow).
enum Found {
    /// A whole single-frame message at `buf[start..end]`, opcode `op`.
    Whole {
        op: u8,
        start: usize,
        end: usize,
    },
    /// The last fragment of a message: it is in `message`.
    Assembled {
        op: u8,
    },
    /// A ping payload at `buf[start..end]`.
    Ping {
        start: usize,
        end: usize,
    },
    Pong,
    /// A close frame's payload at `buf[start..end]`.
    Close {
        start: usize,
        end: usize,
    },
}

/// What one look at the buffer gave.
enum Step {
    /// Something to hand out.
    Found(Found),
    /// Not a whole frame yet: read more.
    More,
    /// A fragment, kept in `message`: look again.
    Again,
}

/// The reading side of one WebSocket connection.
#[derive(Debug)]
pub struct FrameReader {
    /// Storage, all of it initialised: bytes `start..end` are read and not yet handed out.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The fragments of a message that came in several frames, and its opcode.
    message: Vec<u8>,
    message_op: Option<u8>,
    /// The largest message accepted.
    max_message: usize,
}

impl FrameReader {
    /// A reader that starts with `leftover` (what the handshake read past its response) and
    /// refuses messages over `max_message` bytes.
    pub fn new(leftover: &[u8], max_message: usize) -> FrameReader {
        let mut buf = vec![0; READ_BUFFER.max(leftover.len())];
        buf[..leftover.len()].copy_from_slice(leftover);
        FrameReader {
            buf,
            start: 0,
            end: leftover.len(),
            message: Vec::new(),
            message_op: None,
            max_message,
        }
    }

    /// The next message or control frame, reading from `stream` as needed. An error of kind
    /// `WouldBlock`/`TimedOut` (the socket's read timeout) loses nothing: call again. Any
    /// other error ends the connection (`InvalidData` for a protocol violation).
    pub fn read(&mut self, stream: &mut impl Read) -> io::Result<Incoming<'_>> {
        Ok(match self.found(stream)? {
            Found::Whole { op, start, end } => message(op, &self.buf[start..end])?,
            Found::Assembled { op } => message(op, &self.message)?,
            Found::Ping { start, end } => Incoming::Ping(&self.buf[start..end]),
            Found::Pong => Incoming::Pong,
            Found::Close { start, end } => Incoming::Close(close_code(&self.buf[start..end])),
        })
    }

    /// [`FrameReader::read`] as an owned tungstenite [`Message`]: a small message is copied
    /// out of the buffer, a big one (which had the buffer grown for it) takes the buffer
    /// itself, so it is never held twice.
    pub fn read_message(&mut self, stream: &mut impl Read) -> io::Result<Message> {
        let copy = |r: &Self, start: usize, end: usize| Bytes::copy_from_slice(&r.buf[start..end]);
        Ok(match self.found(stream)? {
            Found::Whole { op, start, end } => {
                let bytes = if self.buf.len() > READ_BUFFER && end == self.end {
                    let whole = std::mem::replace(&mut self.buf, vec![0; READ_BUFFER]);
                    (self.start, self.end) = (0, 0);
                    Bytes::from(whole).slice(start..end)
                } else {
                    copy(self, start, end)
                };
                owned(op, bytes)?
            }
            Found::Assembled { op } => owned(op, Bytes::from(std::mem::take(&mut self.message)))?,
            Found::Ping { start, end } => Message::Ping(copy(self, start, end)),
            Found::Pong => Message::Pong(Bytes::new()),
            Found::Close { start, end } => {
                let payload = &self.buf[start..end];
                Message::Close(close_code(payload).map(|code| CloseFrame {
                    code: CloseCode::from(code),
                    reason: Utf8Bytes::from(String::from_utf8_lossy(&payload[2..]).into_owned()),
                }))
            }
        })
    }

    /// Reads until a whole message or control frame is buffered.
    fn found(&mut self, stream: &mut impl Read) -> io::Result<Found> {
        loop {
            if let Some(found) = self.next_frame()? {
                return Ok(found);
            }
            self.fill(stream)?;
        }
    }

    /// Takes whole frames off the buffer until one is a message or control frame to hand out;
    /// `None` when more bytes are needed first.
    fn next_frame(&mut self) -> io::Result<Option<Found>> {
        if self.message_op.is_none() && !self.message.is_empty() {
            // The assembled message was handed out last time.
            self.message.clear();
            if self.message.capacity() > READ_BUFFER {
                self.message = Vec::new();
            }
        }
        loop {
            match self.one_frame()? {
                Step::Found(found) => return Ok(Some(found)),
                Step::More => return Ok(None),
                Step::Again => {}
            }
        }
    }

    /// Takes one frame off the buffer, if it is whole.
    fn one_frame(&mut self) -> io::Result<Step> {
        let Some((head, len)) = header(&self.buf[self.start..self.end])? else {
            return Ok(Step::More);
        };
        if len > self.max_message as u64 {
            return Err(invalid(format!(
                "a frame of {len} bytes, over the {} byte limit",
                self.max_message
            )));
        }
        let total = head + len as usize;
        if self.end - self.start < total {
            self.make_room(total);
            return Ok(Step::More);
        }
        let (first, start) = (self.buf[self.start], self.start + head);
        let end = self.start + total;
        self.start = end;
        let (fin, op) = (first & 0x80 != 0, first & 0x0f);
        let found = match (op, self.message_op) {
            (0x1 | 0x2, None) if fin => Found::Whole { op, start, end },
            (0x1 | 0x2, None) => {
                self.message_op = Some(op);
                self.message.extend_from_slice(&self.buf[start..end]);
                return Ok(Step::Again);
            }
            (0x0, Some(op)) => {
                if self.message.len() + (end - start) > self.max_message {
                    return Err(invalid("a fragmented message over the size limit".into()));
                }
                self.message.extend_from_slice(&self.buf[start..end]);
                if !fin {
                    return Ok(Step::Again);
                }
                self.message_op = None;
                Found::Assembled { op }
            }
            (0x8..=0xa, _) if !fin || end - start > 125 => {
                return Err(invalid(
                    "a control frame that is fragmented or over 125 bytes".into(),
                ))
            }
            (0x8, _) => Found::Close { start, end },
            (0x9, _) => Found::Ping { start, end },
            (0xa, _) => Found::Pong,
            (0x0, None) => return Err(invalid("a continuation frame with no message".into())),
            (0x1 | 0x2, Some(_)) => {
                return Err(invalid("a new message before the last one ended".into()))
            }
            (op, _) => return Err(invalid(format!("a frame with reserved opcode {op}"))),
        };
        Ok(Step::Found(found))
    }

    /// Makes the buffer able to hold `total` bytes from `start`: moves what is pending to the
    /// front, and grows the buffer to exactly `total` if it is smaller (so a big frame costs
    /// its own size once).
    fn make_room(&mut self, total: usize) {
        if self.start + total <= self.buf.len() {
            return;
        }
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if total > self.buf.len() {
            // Exactly: `resize` alone may double the allocation.
            self.buf.reserve_exact(total - self.buf.len());
            self.buf.resize(total, 0);
        }
    }

    /// Reads what the stream has into the free end of the buffer.
    fn fill(&mut self, stream: &mut impl Read) -> io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.buf.len() > READ_BUFFER {
                // The big frame is handed out and gone: give its memory back.
                self.buf = vec![0; READ_BUFFER];
            }
        } else if self.end == self.buf.len() {
            self.make_room(self.buf.len() - self.start + 1);
        }
        match stream.read(&mut self.buf[self.end..])? {
            0 => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the gateway closed the connection",
            )),
            n => {
                self.end += n;
                Ok(())
            }
        }
    }
}

/// A close frame's status code, the payload's first two bytes (RFC 6455 section 5.5.1).
fn close_code(payload: &[u8]) -> Option<u16> {
    match payload {
        [a, b, ..] => Some(u16::from_be_bytes([*a, *b])),
        _ => None,
    }
}

/// [`message`], owned.
fn owned(op: u8, bytes: Bytes) -> io::Result<Message> {
    if op == 0x2 {
        return Ok(Message::Binary(bytes));
    }
    Utf8Bytes::try_from(bytes)
        .map(Message::Text)
        .map_err(|_| invalid("a text message that is not UTF-8".into()))
}

/// A data message of opcode `op`: text must be UTF-8 (RFC 6455 section 5.6).
fn message(op: u8, bytes: &[u8]) -> io::Result<Incoming<'_>> {
    if op == 0x2 {
        return Ok(Incoming::Binary(bytes));
    }
    std::str::from_utf8(bytes)
        .map(Incoming::Text)
        .map_err(|_| invalid("a text message that is not UTF-8".into()))
}

/// Parses a frame header from the start of `bytes`: `(header length, payload length)`, or
/// `None` if more bytes are needed. Server frames must not be masked and no extension was
/// negotiated, so the RSV bits must be 0 (RFC 6455 sections 5.1 and 5.2).
pub fn header(bytes: &[u8]) -> io::Result<Option<(usize, u64)>> {
    let [first, second, ..] = *bytes else {
        return Ok(None);
    };
    if first & 0x70 != 0 {
        return Err(invalid("a frame with reserved bits set".into()));
    }
    if second & 0x80 != 0 {
        return Err(invalid("a masked frame from the server".into()));
    }
    let (head, len) = match second & 0x7f {
        126 => match bytes.get(2..4) {
            Some(b) => (4, u64::from(u16::from_be_bytes([b[0], b[1]]))),
            None => return Ok(None),
        },
        127 => match bytes.get(2..10) {
            Some(b) => {
                let mut n = [0u8; 8];
                n.copy_from_slice(b);
                (10, u64::from_be_bytes(n))
            }
            None => return Ok(None),
        },
        n => (2, u64::from(n)),
    };
    Ok(Some((head, len)))
}

fn invalid(what: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the gateway sent {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unmasked server frame (RFC 6455 section 5.2).
    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first];
        match payload.len() {
            n if n < 126 => out.push(n as u8),
            n if n <= 0xffff => {
                out.push(126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(payload);
        out
    }

    /// A stream that gives at most `step` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn owned(m: Incoming<'_>) -> (String, Vec<u8>) {
        match m {
            Incoming::Text(t) => ("text".into(), t.as_bytes().to_vec()),
            Incoming::Binary(b) => ("binary".into(), b.to_vec()),
            Incoming::Ping(p) => ("ping".into(), p.to_vec()),
            Incoming::Pong => ("pong".into(), vec![]),
            Incoming::Close(c) => (format!("close {c:?}"), vec![]),
        }
    }

    #[test]
    fn messages_come_out_whole_however_the_bytes_arrive() {
        let big = vec![b'x'; 70_000];
        let mut wire = frame(0x81, b"{\"op\":10}");
        wire.extend(frame(0x82, &[0, 0, 0xff, 0xff]));
        wire.extend(frame(0x89, b"hi"));
        // A text message in three fragments: text, continuation, final continuation.
        wire.extend(frame(0x01, b"ab"));
        wire.extend(frame(0x00, b"cd"));
        wire.extend(frame(0x80, b"ef"));
        wire.extend(frame(0x81, &big));
        wire.extend(frame(0x88, &4000u16.to_be_bytes()));
        for step in [1, 3, 7, 4096, usize::MAX] {
            let (first, rest) = wire.split_at(5);
            let mut reader = FrameReader::new(first, 1 << 20);
            let mut stream = Trickle { data: rest, step };
            let mut got = Vec::new();
            for _ in 0..6 {
                got.push(owned(reader.read(&mut stream).unwrap()));
            }
            assert_eq!(got[0], ("text".into(), b"{\"op\":10}".to_vec()));
            assert_eq!(got[1], ("binary".into(), vec![0, 0, 0xff, 0xff]));
            assert_eq!(got[2], ("ping".into(), b"hi".to_vec()));
            assert_eq!(got[3], ("text".into(), b"abcdef".to_vec()));
            assert_eq!(got[4], ("text".into(), big.clone()));
            assert_eq!(got[5], ("close Some(4000)".into(), vec![]));
            let end = reader.read(&mut stream).unwrap_err();
            assert_eq!(end.kind(), io::ErrorKind::UnexpectedEof, "step {step}");
        }
    }

    #[test]
    fn a_big_frame_costs_its_size_once_and_is_given_back() {
        let big = vec![b'y'; 3 * READ_BUFFER + 17];
        let mut wire = frame(0x81, &big);
        wire.extend(frame(0x81, b"{}"));
        let mut reader = FrameReader::new(&[], usize::MAX);
        let mut stream = Trickle {
            data: &wire,
            step: 10_000,
        };
        assert_eq!(
            reader.read(&mut stream).unwrap(),
            Incoming::Text(std::str::from_utf8(&big).unwrap())
        );
        // Exactly the frame, not a doubled reservation.
        assert_eq!(reader.buf.capacity(), big.len() + 10);
        assert_eq!(reader.read(&mut stream).unwrap(), Incoming::Text("{}"));
        assert_eq!(reader.buf.len(), READ_BUFFER);
    }

    #[test]
    fn protocol_violations_are_errors_not_panics() {
        let cases: Vec<Vec<u8>> = vec![
            vec![0x81, 0x82, 1, 2, 3, 4, b'a', b'b'], // masked by the server
            vec![0xc1, 0x01, b'a'],                   // RSV1 without an extension
            frame(0x80, b"x"),                        // continuation of nothing
            frame(0x83, b"x"),                        // reserved opcode
            frame(0x09, b"x"),                        // fragmented ping
            frame(0x81, &[0xff, 0xfe]),               // text that is not UTF-8
            [frame(0x01, b"a"), frame(0x81, b"b")].concat(), // new message mid-message
            frame(0x81, &[b'z'; 200]),                // over the limit below
        ];
        for wire in cases {
            let mut reader = FrameReader::new(&[], 100);
            let mut stream = Trickle {
                data: &wire,
                step: 2,
            };
            let err = reader.read(&mut stream).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{wire:?}");
        }
        // Found by the ws_frames fuzz target: a bad header, or one over the size limit, right
        // after a fragment is the same error whether it arrived with the fragment or after it
        // (both were an early EOF when the bytes came in one read).
        let found: [&[u8]; 2] = [
            &[0x01, 0x00, 0xf6, 0x31, 0x00],
            &[
                0x01, 0x01, 0x01, 0x00, 0x7f, 0x00, 0xbb, 0x7a, 0x7e, 0x00, 0x19, 0x0d, 0x00,
            ],
        ];
        for wire in found {
            for step in [1, usize::MAX] {
                let mut reader = FrameReader::new(&[], 1 << 16);
                let mut stream = Trickle { data: wire, step };
                let err = reader.read(&mut stream).unwrap_err();
                assert_eq!(
                    err.kind(),
                    io::ErrorKind::InvalidData,
                    "{wire:?} step {step}"
                );
            }
        }
        // A length that claims 2^63 bytes is refused before any allocation.
        let mut huge = vec![0x82, 127];
        huge.extend_from_slice(&(1u64 << 63).to_be_bytes());
        let mut reader = FrameReader::new(&huge, usize::MAX >> 1);
        assert!(reader.read(&mut io::empty()).is_err());
    }
}

//! Opens the gateway's WebSocket: TLS (rustls with the webpki roots, as tungstenite would set
//! it up) for `wss://`, then tungstenite's client handshake over a stream that keeps a copy of
//! what the handshake read. tungstenite may read past its HTTP response (Discord sends HELLO
//! at once); those bytes belong to [`FrameReader`], which reads every frame after the
//! handshake, so they are handed to it instead of being left in tungstenite's buffer.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::WebSocket;

use super::frame_reader::FrameReader;

/// A stream that, while `seen` is `Some`, keeps a copy of everything read through it.
#[derive(Debug)]
pub struct Tap<S> {
    /// The stream itself.
    pub inner: S,
    seen: Option<Vec<u8>>,
}

impl<S: Read> Read for Tap<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(seen) = &mut self.seen {
            seen.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

impl<S: Write> Write for Tap<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The socket under the WebSocket: plain or TLS.
pub type Socket = Tap<MaybeTlsStream<TcpStream>>;

/// The socket for `url` over `stream`: TLS for `wss://` (its handshake happens on the first
/// reads and writes), tapped until [`reader_after`] takes what the handshake read.
pub fn socket(url: &str, host: &str, stream: TcpStream) -> Result<Socket, String> {
    let inner = if url.starts_with("wss:") {
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| format!("'{host}' is not a valid TLS server name"))?;
        let tls = ClientConnection::new(tls_config()?, name).map_err(|e| e.to_string())?;
        MaybeTlsStream::Rustls(StreamOwned::new(tls, stream))
    } else {
        MaybeTlsStream::Plain(stream)
    };
    Ok(Tap {
        inner,
        seen: Some(Vec::new()),
    })
}

/// Once tungstenite's handshake is done: stops the tap and gives the reader what arrived after
/// the handshake's response.
pub fn reader_after(ws: &mut WebSocket<Socket>, max_message: usize) -> FrameReader {
    let seen = ws.get_mut().seen.take().unwrap_or_default();
    FrameReader::new(after_response(&seen), max_message)
}

/// What follows the HTTP response's blank line in `seen`.
fn after_response(seen: &[u8]) -> &[u8] {
    seen.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(&[], |at| &seen[at + 4..])
}

/// One TLS client configuration for the process: ring, the webpki roots, no client auth.
fn tls_config() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Ok(Arc::new(config))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_after_the_response_go_to_the_reader() {
        let seen = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02{}";
        assert_eq!(after_response(seen), b"\x81\x02{}");
        assert_eq!(after_response(b"HTTP/1.1 101 OK\r\n\r\n"), b"");
        assert_eq!(after_response(b"partial"), b"");
    }

    #[test]
    fn a_tap_copies_only_while_asked() {
        let mut tap = Tap {
            inner: &b"abcdef"[..],
            seen: Some(Vec::new()),
        };
        let mut buf = [0u8; 4];
        tap.read_exact(&mut buf).unwrap();
        assert_eq!(tap.seen.take().unwrap(), b"abcd");
        tap.read_exact(&mut buf[..2]).unwrap();
        assert!(tap.seen.is_none());
    }
}

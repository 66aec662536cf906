//! One gateway WebSocket (ws:// or wss:// with rustls): opening it within one deadline that
//! Ctrl-C can cut short, reading with a short poll so timers keep running, and closing it.
//! What arrives is interpreted by [`super::runner`]; this file only moves bytes.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::HandshakeError;
use tungstenite::http::header::{HeaderValue, USER_AGENT};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::frame::MAX_MESSAGE_BYTES;
use super::runner::Stop;
use crate::{Error, Result};

/// How long a read waits before the loop looks at timers, commands and Ctrl-C; also how often
/// a connection being opened looks at Ctrl-C.
pub const POLL: Duration = Duration::from_millis(50);

/// How long one write may block once the connection is open; what did not go out stays
/// queued and is retried with the next write or read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(1);

/// One open WebSocket.
pub struct Connection {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
}

/// How the connection ended: the close frame's code and reason, or what broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    /// The close code, `None` when the connection ended without one.
    pub code: Option<u16>,
    /// The close frame's reason, or the transport error when there was no close frame.
    pub reason: String,
}

impl Closed {
    /// One line for stderr naming the code (and what it means) and the reason, the latter
    /// quoted and escaped, since the server chose it.
    pub fn describe(&self) -> String {
        let what = super::close_codes::describe(self.code);
        if self.reason.is_empty() {
            format!("{what} (no reason given)")
        } else {
            format!("{what}: {}", crate::error::shown(&self.reason))
        }
    }
}

/// Why opening failed.
#[derive(Debug)]
pub enum OpenError {
    /// A stop was asked for while opening.
    Stopped,
    /// The connection could not be opened.
    Failed(Error),
}

impl Connection {
    /// Opens `url` within `timeout` all told (resolving, TCP, TLS and the WebSocket handshake,
    /// however slowly the server trickles its answer), giving up early on a stop. The handshake
    /// carries the same `User-Agent: DiscordBot (...)` as REST requests: some gateway
    /// implementations refuse clients without one.
    pub fn open(url: &str, timeout: Duration, stop: &Stop) -> std::result::Result<Self, OpenError> {
        let deadline = Instant::now() + timeout;
        let fail = |m: String| OpenError::Failed(Error::network(m));
        let parsed =
            reqwest::Url::parse(url).map_err(|e| fail(format!("bad gateway URL '{url}': {e}")))?;
        let host = parsed
            .host_str()
            .unwrap_or("")
            .trim_matches(['[', ']'])
            .to_string();
        let port = parsed.port_or_known_default().unwrap_or(443);
        let stream = connect_tcp(&host, port, deadline, stop)?;
        let _ = stream.set_nodelay(true);
        // Short timeouts turn every blocking step into a retry point for the deadline check.
        stream
            .set_read_timeout(Some(POLL))
            .map_err(|e| fail(e.to_string()))?;
        stream
            .set_write_timeout(Some(POLL))
            .map_err(|e| fail(e.to_string()))?;
        let socket = stream.try_clone().map_err(|e| fail(e.to_string()))?;
        let mut request = url
            .into_client_request()
            .map_err(|e| fail(format!("bad gateway URL '{url}': {e}")))?;
        if let Ok(agent) = HeaderValue::from_str(&crate::user_agent()) {
            request.headers_mut().insert(USER_AGENT, agent);
        }
        let mut attempt =
            tungstenite::client_tls_with_config(request, stream, Some(ws_config()), None);
        let ws = loop {
            match attempt {
                Ok((ws, _)) => break ws,
                Err(HandshakeError::Interrupted(mid)) => {
                    if stop.requested() {
                        return Err(OpenError::Stopped);
                    }
                    if Instant::now() >= deadline {
                        return Err(fail(format!(
                            "gateway handshake with {host} did not finish within {:.0} s; raise --connect-timeout if the network is slow",
                            timeout.as_secs_f64()
                        )));
                    }
                    attempt = mid.handshake();
                }
                Err(HandshakeError::Failure(e)) => {
                    return Err(fail(format!("gateway handshake with {host} failed: {e}")))
                }
            }
        };
        socket
            .set_write_timeout(Some(WRITE_TIMEOUT))
            .map_err(|e| fail(e.to_string()))?;
        Ok(Connection { ws })
    }

    /// The next message, `Ok(None)` when nothing arrived within [`POLL`].
    pub fn read(&mut self) -> std::result::Result<Option<Message>, Closed> {
        match self.ws.read() {
            Ok(Message::Close(frame)) => Err(match frame {
                Some(f) => Closed {
                    code: Some(u16::from(f.code)),
                    reason: f.reason.to_string(),
                },
                None => Closed {
                    code: None,
                    reason: "a close frame without a code".into(),
                },
            }),
            Ok(m) => Ok(Some(m)),
            Err(e) if would_block(&e) => Ok(None),
            Err(e) => Err(Closed {
                code: None,
                reason: e.to_string(),
            }),
        }
    }

    /// Queues and sends one text payload; false when the connection is unusable.
    pub fn send(&mut self, payload: String) -> bool {
        match self.ws.send(Message::text(payload)) {
            Ok(()) => true,
            Err(e) => would_block(&e),
        }
    }

    /// Sends a close frame; with 1000 waits briefly for the server's reply so it sees a clean
    /// end of session.
    pub fn close(&mut self, code: u16) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: "".into(),
        };
        if self.ws.close(Some(frame)).is_err() || code != 1000 {
            let _ = self.ws.flush();
            return;
        }
        let end = Instant::now() + Duration::from_secs(1);
        while Instant::now() < end {
            match self.ws.read() {
                Ok(_) => {}
                Err(e) if would_block(&e) => {}
                Err(_) => break,
            }
        }
    }
}

/// Whether a WebSocket error only means "nothing yet" (a poll timeout).
fn would_block(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if matches!(
        io.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ))
}

/// Resolves and connects on a helper thread, so that the caller can notice a stop or the
/// deadline within [`POLL`] while a slow resolver or an unanswered SYN holds the thread. The
/// helper ends by itself by the deadline (it is given only the time that is left).
fn connect_tcp(
    host: &str,
    port: u16,
    deadline: Instant,
    stop: &Stop,
) -> std::result::Result<TcpStream, OpenError> {
    let (tx, rx) = mpsc::channel();
    let (name, budget) = (
        host.to_string(),
        deadline.saturating_duration_since(Instant::now()),
    );
    std::thread::Builder::new()
        .name("gateway-connect".into())
        .spawn(move || {
            let _ = tx.send(connect_any(&name, port, budget));
        })
        .map_err(|e| OpenError::Failed(Error::runtime(format!("cannot start a thread: {e}"))))?;
    loop {
        match rx.recv_timeout(POLL) {
            Ok(result) => return result.map_err(OpenError::Failed),
            Err(RecvTimeoutError::Timeout) if stop.requested() => return Err(OpenError::Stopped),
            Err(RecvTimeoutError::Timeout) if Instant::now() >= deadline => {
                return Err(OpenError::Failed(Error::network(format!(
                    "cannot connect to the gateway at {host}:{port}: timed out"
                ))))
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(OpenError::Failed(Error::network(format!(
                    "cannot connect to the gateway at {host}:{port}"
                ))))
            }
        }
    }
}

/// Tries each address of `host` in turn within `budget`.
fn connect_any(host: &str, port: u16, budget: Duration) -> Result<TcpStream> {
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::network(format!("cannot resolve the gateway host {host}: {e}")))?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, budget.max(Duration::from_millis(1))) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(Error::network(format!(
        "cannot connect to the gateway at {host}:{port}: {}",
        last.map_or("no address".to_string(), |e| e.to_string())
    )))
}

/// WebSocket limits: [`MAX_MESSAGE_BYTES`] per message and per frame.
fn ws_config() -> tungstenite::protocol::WebSocketConfig {
    tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_names_its_code_and_escaped_reason() {
        let c = Closed {
            code: Some(4002),
            reason: "bad\nagent\u{1b}[2J".into(),
        };
        let line = c.describe();
        assert!(line.contains("4002"), "{line}");
        assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line}");
        assert!(line.contains("bad\\nagent"), "{line}");
        let none = Closed {
            code: Some(1000),
            reason: String::new(),
        };
        assert!(none.describe().ends_with("(no reason given)"));
    }
}

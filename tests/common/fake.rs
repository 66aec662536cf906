//! Hostile fakes for end-to-end tests: a one-purpose HTTP server with canned replies, and a
//! fake gateway (its `/gateway/bot` plus a WebSocket listener whose connections a test script
//! drives). They play a misbehaving Discord that the sandbox, being well behaved, cannot.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tungstenite::handshake::server::{Request, Response};
use tungstenite::WebSocket;

/// A one-purpose HTTP server: answers each connection with the next canned reply (the last one
/// repeats). Counts the connections it accepted.
pub struct Canned {
    /// Its API base URL (`http://127.0.0.1:PORT/api/v10`).
    pub url: String,
    /// Connections accepted so far.
    pub hits: Arc<AtomicUsize>,
}

/// Starts a [`Canned`] server. A reply of `HANG` answers nothing for 30 s.
pub fn serve(replies: Vec<Vec<u8>>) -> Canned {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let reply = replies[n.min(replies.len() - 1)].clone();
            std::thread::spawn(move || answer(&mut stream, &reply));
        }
    });
    Canned { url, hits }
}

/// Reads the request head and sends `reply`.
fn answer(stream: &mut TcpStream, reply: &[u8]) {
    if !read_head(stream) {
        return;
    }
    if reply == b"HANG" {
        std::thread::sleep(Duration::from_secs(30));
        return;
    }
    let _ = stream.write_all(reply);
    let _ = stream.flush();
}

/// Reads up to the end of an HTTP request head (bodies here are small and sent with it);
/// false when the client went away first.
pub fn read_head(stream: &mut TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 8192];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    true
}

/// Reads one HTTP request: its headers (names lower-case, values trimmed) and its body
/// (`Content-Length` bytes), for the small HTTP bots tests write.
pub fn read_request(stream: &TcpStream) -> (Vec<(String, String)>, Vec<u8>) {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(stream);
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    (headers, body)
}

/// An HTTP/1.1 response with a body and `Connection: close`.
pub fn http(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A `/gateway/bot` server pointing at `ws_url` and recommending `shards`.
pub fn gateway_bot(ws_url: &str, shards: u64) -> Canned {
    let body = format!(
        r#"{{"url":"{ws_url}","shards":{shards},"session_start_limit":{{"total":1000,"remaining":1000,"reset_after":1000,"max_concurrency":1}}}}"#
    );
    serve(vec![http(
        "200 OK",
        "Content-Type: application/json\r\n",
        &body,
    )])
}

/// A TCP listener standing in for the gateway: each connection goes to `script` with its
/// number. Returns the `/gateway/bot` API URL and the connection count.
pub fn raw_gateway(
    script: impl Fn(usize, TcpStream) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let ws = TcpListener::bind("127.0.0.1:0").unwrap();
    let ws_url = format!("ws://{}", ws.local_addr().unwrap());
    let rest = gateway_bot(&ws_url, 1);
    let conns = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&conns);
    let script = Arc::new(script);
    std::thread::spawn(move || {
        for stream in ws.incoming() {
            let Ok(stream) = stream else { continue };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let script = Arc::clone(&script);
            std::thread::spawn(move || script(n, stream));
        }
    });
    (rest.url, conns)
}

/// What the fake gateway saw of the handshakes: each connection's `User-Agent` (empty when
/// there was none).
pub type Agents = Arc<Mutex<Vec<String>>>;

/// A fake gateway: serves `/gateway/bot` over HTTP pointing at a WebSocket listener whose
/// connections are handed to `script` (with the connection's number and the listener's URL).
pub fn fake_gateway(
    script: impl Fn(usize, &str, WebSocket<TcpStream>) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let (url, conns, _) = fake_gateway_seeing(script);
    (url, conns)
}

/// [`fake_gateway`], also keeping each handshake's `User-Agent`.
// The callback's error type is tungstenite's, large or not.
#[allow(clippy::result_large_err)]
pub fn fake_gateway_seeing(
    script: impl Fn(usize, &str, WebSocket<TcpStream>) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>, Agents) {
    let agents: Agents = Arc::default();
    let seen_agents = Arc::clone(&agents);
    let (url, conns) = raw_gateway(move |n, stream| {
        let port = stream.local_addr().map(|a| a.port()).unwrap_or(0);
        let ws_url = format!("ws://127.0.0.1:{port}");
        let agents = Arc::clone(&seen_agents);
        let keep = move |req: &Request, resp: Response| {
            let agent = req
                .headers()
                .get("user-agent")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            agents.lock().unwrap().push(agent.to_string());
            Ok(resp)
        };
        if let Ok(socket) = tungstenite::accept_hdr(stream, keep) {
            script(n, &ws_url, socket);
        }
    });
    (url, conns, agents)
}

/// Sends HELLO (45 s beats), reads the IDENTIFY and answers READY (session `abc`, seq 1).
pub fn hello_ready(socket: &mut WebSocket<TcpStream>) {
    use tungstenite::Message;
    socket
        .send(Message::text(
            r#"{"op":10,"d":{"heartbeat_interval":45000},"s":null,"t":null}"#,
        ))
        .unwrap();
    // IDENTIFY
    let _ = socket.read();
    socket
        .send(Message::text(
            r#"{"op":0,"t":"READY","s":1,"d":{"v":10,"user":{"id":"1","username":"b"},"guilds":[],"session_id":"abc","resume_gateway_url":"ws://127.0.0.1:9","application":{"id":"1","flags":0}}}"#,
        ))
        .unwrap();
}

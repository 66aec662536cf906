//! Hostile servers and input, end to end: garbage, truncated bodies, invalid JSON, 429s without
//! `retry_after`, servers that never answer, stdin closed early. Each ends in a one-line error
//! or the right recovery, never a panic, and the token appears in no output.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use common::fake::{fake_gateway, hello_ready, http, serve};
use common::{base_cmd, stderr, stdout};

const TOKEN: &str = "hostile.token.value";

fn run(url: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    base_cmd(dir.path())
        .env("DISCORD_API_URL", url)
        .env("DISCORD_TOKEN", TOKEN)
        .args(args)
        .output()
        .unwrap()
}

fn assert_one_line_error(out: &std::process::Output, code: i32) -> String {
    assert_eq!(out.status.code(), Some(code), "stderr: {}", stderr(out));
    let err = stderr(out);
    let last = err.lines().last().unwrap_or("").to_string();
    assert!(last.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains(TOKEN) && !stdout(out).contains(TOKEN));
    assert!(stdout(out).is_empty());
    last
}

#[test]
fn garbage_instead_of_http() {
    let srv = serve(vec![b"this is not HTTP at all\r\n\r\n".to_vec()]);
    let out = run(&srv.url, &["get", "/users/@me"]);
    let line = assert_one_line_error(&out, 1);
    assert!(line.contains("127.0.0.1"), "names the host: {line}");
}

#[test]
fn truncated_body_is_retried_for_get_then_reported() {
    let cut =
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"id\":".to_vec();
    let srv = serve(vec![cut]);
    let out = run(&srv.url, &["get", "/users/@me"]);
    let line = assert_one_line_error(&out, 1);
    assert!(line.contains("cut short"), "{line}");
    assert_eq!(
        srv.hits.load(Ordering::SeqCst),
        4,
        "first try plus three retries"
    );
}

#[test]
fn truncated_body_on_post_is_not_retried() {
    let cut =
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"id\":".to_vec();
    let srv = serve(vec![cut]);
    let out = run(
        &srv.url,
        &["post", "/channels/1/messages", "-f", "content=x"],
    );
    assert_one_line_error(&out, 1);
    assert_eq!(
        srv.hits.load(Ordering::SeqCst),
        1,
        "a POST may have been acted on"
    );
}

#[test]
fn invalid_json_with_200_is_passed_through() {
    let srv = serve(vec![http(
        "200 OK",
        "Content-Type: application/json\r\n",
        "{\"broken\": ",
    )]);
    let out = run(&srv.url, &["get", "/users/@me"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), "{\"broken\": ");
}

#[test]
fn a_429_without_retry_after_waits_and_retries() {
    let srv = serve(vec![
        http(
            "429 Too Many Requests",
            "Content-Type: application/json\r\n",
            "{}",
        ),
        http(
            "200 OK",
            "Content-Type: application/json\r\n",
            "{\"ok\":true}",
        ),
    ]);
    let out = run(
        &srv.url,
        &["post", "/channels/1/messages", "-f", "content=x"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "{\"ok\":true}");
    assert_eq!(srv.hits.load(Ordering::SeqCst), 2);
}

#[test]
fn repeated_429s_end_in_an_error_not_a_loop() {
    let srv = serve(vec![http(
        "429 Too Many Requests",
        "Content-Type: application/json\r\n",
        "{\"message\":\"You are being rate limited.\",\"retry_after\":0.05,\"global\":false}",
    )]);
    let out = run(&srv.url, &["get", "/users/@me"]);
    let line = assert_one_line_error(&out, 1);
    assert!(line.contains("429"), "{line}");
    assert_eq!(
        srv.hits.load(Ordering::SeqCst),
        6,
        "first try plus five retries"
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let srv = serve(vec![b"HANG".to_vec()]);
    let out = run(
        &srv.url,
        &[
            "post",
            "/channels/1/messages",
            "-f",
            "content=x",
            "--timeout",
            "1",
        ],
    );
    let line = assert_one_line_error(&out, 1);
    assert!(line.contains("timed out"), "{line}");
}

#[test]
fn error_body_that_is_not_json() {
    let srv = serve(vec![http(
        "500 Internal Server Error",
        "",
        "<html>oops</html>",
    )]);
    let out = run(
        &srv.url,
        &["post", "/channels/1/messages", "-f", "content=x"],
    );
    let line = assert_one_line_error(&out, 1);
    assert_eq!(line, "error: 500 Internal Server Error: <html>oops</html>");
}

#[test]
fn stdin_closed_early_for_data() {
    let srv = serve(vec![http("200 OK", "", "{}")]);
    let dir = tempfile::tempdir().unwrap();
    let out = base_cmd(dir.path())
        .env("DISCORD_API_URL", &srv.url)
        .env("DISCORD_TOKEN", TOKEN)
        .args(["post", "/channels/1/messages", "--data", "@-"])
        .output()
        .unwrap();
    assert_one_line_error(&out, 2);
    assert_eq!(srv.hits.load(Ordering::SeqCst), 0, "nothing sent");
}

#[test]
fn token_with_whitespace_and_doubled_prefix_is_cleaned() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 8192];
        let n = stream.read(&mut buf).unwrap();
        let head = String::from_utf8_lossy(&buf[..n]).to_string();
        let _ = stream.write_all(&http("200 OK", "", "{}"));
        head
    });
    let dir = tempfile::tempdir().unwrap();
    let out = base_cmd(dir.path())
        .env("DISCORD_API_URL", &url)
        .env("DISCORD_TOKEN", format!("  Bot Bot {TOKEN}\n"))
        .args(["get", "/users/@me"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let head = server.join().unwrap().to_ascii_lowercase();
    assert!(
        head.contains(&format!(
            "authorization: bot {}\r\n",
            TOKEN.to_ascii_lowercase()
        )),
        "{head}"
    );
}

#[test]
fn gateway_frame_of_tens_of_megabytes_passes_through() {
    let (url, _) = fake_gateway(|_, _, mut socket| {
        hello_ready(&mut socket);
        let big = "x".repeat(40 << 20);
        let payload =
            format!(r#"{{"op":0,"t":"GUILD_CREATE","s":2,"d":{{"id":"5","blob":"{big}"}}}}"#);
        let _ = socket.send(tungstenite::Message::text(payload));
        std::thread::sleep(Duration::from_secs(5));
    });
    let out = run(&url, &["listen", "--max-events", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].len() > 40 << 20);
    assert!(lines[1].starts_with(r#"{"op":0,"t":"GUILD_CREATE","s":2,"#));
}

#[test]
fn hello_that_never_comes_is_retried() {
    let (url, conns) = fake_gateway(|n, _, mut socket| {
        if n == 0 {
            // Say nothing at all.
            std::thread::sleep(Duration::from_secs(60));
        } else {
            hello_ready(&mut socket);
            std::thread::sleep(Duration::from_secs(5));
        }
    });
    let out = run(&url, &["listen", "--max-events", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("READY"));
    assert!(stderr(&out).contains("HELLO"), "{}", stderr(&out));
    assert_eq!(conns.load(Ordering::SeqCst), 2);
}

#[test]
fn a_close_frame_without_a_code_resumes() {
    use tungstenite::Message;
    let seen: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&seen);
    let (url, conns) = fake_gateway(move |n, ws_url, mut socket| {
        let hello = r#"{"op":10,"d":{"heartbeat_interval":45000},"s":null,"t":null}"#;
        let _ = socket.send(Message::text(hello));
        if let Ok(Message::Text(first)) = socket.read() {
            log.lock().unwrap().push(first.to_string());
        }
        if n == 0 {
            // READY names the listener itself as the place to resume.
            let ready = format!(
                r#"{{"op":0,"t":"READY","s":1,"d":{{"v":10,"user":{{"id":"1","username":"b"}},"guilds":[],"session_id":"abc","resume_gateway_url":"{ws_url}","application":{{"id":"1","flags":0}}}}}}"#
            );
            let _ = socket.send(Message::text(ready));
            let _ = socket.send(Message::text(
                r#"{"op":0,"t":"MESSAGE_CREATE","s":2,"d":{"id":"2","content":"before"}}"#,
            ));
            // A close frame with no status code at all.
            let _ = socket.close(None);
            let _ = socket.flush();
            let until = std::time::Instant::now() + Duration::from_secs(2);
            while std::time::Instant::now() < until && socket.read().is_ok() {}
        } else {
            let _ = socket.send(Message::text(
                r#"{"op":0,"t":"MESSAGE_CREATE","s":3,"d":{"id":"3","content":"after"}}"#,
            ));
            let _ = socket.send(Message::text(r#"{"op":0,"t":"RESUMED","s":null,"d":{}}"#));
            std::thread::sleep(Duration::from_secs(5));
        }
    });
    let out = run(&url, &["listen", "--max-events", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let seqs: Vec<u64> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["s"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, vec![1, 2, 3], "each dispatch once, in order");
    assert_eq!(conns.load(Ordering::SeqCst), 2);
    let seen = seen.lock().unwrap();
    let resume: serde_json::Value = serde_json::from_str(&seen[1]).unwrap();
    assert_eq!(resume["op"], 6, "the second connection resumes: {resume}");
    assert_eq!(resume["d"]["session_id"], "abc");
    assert_eq!(resume["d"]["seq"], 2);
}

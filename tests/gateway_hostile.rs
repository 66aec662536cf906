//! A hostile gateway, end to end (issue 14): fake servers that end sessions before they start,
//! right after RESUMED, or with op 9; that send decompression bombs, invalid JSON with raw
//! newlines and escape sequences, absurd sequence numbers, heartbeat intervals and resume URLs;
//! that trickle the handshake; and a reader that goes away. `listen` must keep Discord's
//! budgets, print only valid one-line JSON, say why connections close, and exit when asked.
//! Discord's rules are cited from its docs ("Gateway" pages) test by test.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

use common::fake::{fake_gateway, fake_gateway_seeing, gateway_bot, raw_gateway, read_head};
use common::listen::Listen;
use common::{base_cmd, stderr, stdout};

const TOKEN: &str = "gateway.hostile.token";

/// A `discord` command against the fake whose `/gateway/bot` is at `api_url`; the config
/// directory lives as long as the returned guard.
fn cmd(api_url: &str, args: &[&str]) -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = base_cmd(dir.path());
    cmd.env("DISCORD_API_URL", api_url)
        .env("DISCORD_TOKEN", TOKEN)
        .args(args);
    (cmd, dir)
}

/// Runs `discord ARGS` to its end, killing it (by its PID) if it outlives `limit`: the tests
/// below expect an exit, and a hang must fail rather than stall the suite.
fn run_within(api_url: &str, args: &[&str], limit: Duration) -> Output {
    let (mut cmd, _dir) = cmd(api_url, args);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let end = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

/// The waits `listen` announced on stderr ("reconnecting in 2.0s"), in seconds.
fn announced_waits(stderr: &str) -> Vec<f64> {
    stderr
        .lines()
        .filter_map(|l| l.split("reconnecting in ").nth(1))
        .filter_map(|rest| rest.split('s').next()?.parse().ok())
        .collect()
}

fn hello(socket: &mut WebSocket<TcpStream>, interval_ms: u64) {
    let hello =
        format!(r#"{{"op":10,"d":{{"heartbeat_interval":{interval_ms}}},"s":null,"t":null}}"#);
    let _ = socket.send(Message::text(hello));
}

fn ready(socket: &mut WebSocket<TcpStream>, resume_url: &str) {
    let ready = format!(
        r#"{{"op":0,"t":"READY","s":1,"d":{{"v":10,"user":{{"id":"1","username":"b"}},"guilds":[],"session_id":"abc","resume_gateway_url":"{resume_url}","application":{{"id":"1","flags":0}}}}}}"#
    );
    let _ = socket.send(Message::text(ready));
}

/// The op of the first payload the client sends (IDENTIFY = 2, RESUME = 6).
fn first_op(socket: &mut WebSocket<TcpStream>) -> u64 {
    match socket.read() {
        Ok(Message::Text(t)) => serde_json::from_str::<Value>(&t).unwrap()["op"]
            .as_u64()
            .unwrap_or(0),
        _ => 0,
    }
}

fn close_with(socket: &mut WebSocket<TcpStream>, code: u16, reason: &str) {
    let _ = socket.close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    }));
    let _ = socket.flush();
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until && socket.read().is_ok() {}
}

/// Keeps a connection open and quiet for `for_` (what the client sends is read and ignored;
/// heartbeats get no ACK), or until the client leaves.
fn idle(socket: &mut WebSocket<TcpStream>, for_: Duration) {
    let until = Instant::now() + for_;
    let _ = socket
        .get_mut()
        .set_read_timeout(Some(Duration::from_millis(100)));
    while Instant::now() < until {
        match socket.read() {
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

#[test]
fn op_7_before_ready_backs_off_the_identifies() {
    // Issue 14 item 9. Discord: "Gateway > Session Start Limit": each IDENTIFY uses one of
    // the day's starts, and 1000 in a day get the token reset. A server that answers each
    // IDENTIFY with op 7 must see the waits grow (1 s, 2 s, ...), not one IDENTIFY per 5 s.
    let (url, conns) = fake_gateway(|_, _, mut socket| {
        hello(&mut socket, 45_000);
        let _ = first_op(&mut socket);
        let _ = socket.send(Message::text(r#"{"op":7,"d":null,"s":null,"t":null}"#));
        idle(&mut socket, Duration::from_secs(5));
    });
    let (cmd, _dir) = cmd(&url, &["listen"]);
    let l = Listen::spawn(cmd);
    l.wait_for_stderr("reconnecting in 2.0s");
    let waits = announced_waits(&l.stderr());
    assert_eq!(waits[..2], [1.0, 2.0], "{}", l.stderr());
    assert!(conns.load(Ordering::SeqCst) <= 3);
}

#[test]
fn reconnects_right_after_resumed_back_off() {
    // Issue 14 item 10: a server that ends every connection right after RESUMED (by a close
    // or by op 7) gets growing waits, not ~20 reconnects a second.
    let (url, conns) = fake_gateway(|n, ws_url, mut socket| {
        hello(&mut socket, 45_000);
        if first_op(&mut socket) == 2 {
            ready(&mut socket, ws_url);
        } else {
            let _ = socket.send(Message::text(r#"{"op":0,"t":"RESUMED","s":null,"d":{}}"#));
        }
        if n % 2 == 0 {
            close_with(&mut socket, 4000, "");
        } else {
            let _ = socket.send(Message::text(r#"{"op":7,"d":null,"s":null,"t":null}"#));
            idle(&mut socket, Duration::from_secs(5));
        }
    });
    let (cmd, _dir) = cmd(&url, &["listen"]);
    let l = Listen::spawn(cmd);
    l.wait_for_stderr("reconnecting in 4.0s");
    let waits = announced_waits(&l.stderr());
    assert_eq!(waits[..3], [1.0, 2.0, 4.0], "{}", l.stderr());
    assert!(l.stderr().contains("resumed"), "{}", l.stderr());
    assert!(conns.load(Ordering::SeqCst) <= 5);
}

#[test]
fn op_9_resumable_waits_one_to_five_seconds() {
    // Issue 14 item 11. Discord, "Gateway > Resuming": after op 9 a client waits a random 1-5 s
    // before it sends RESUME (d: true) or IDENTIFY. Resumes answered with op 9 again and again
    // keep that wait: it is not the connect-failure backoff, which would reach 8 s by the
    // fourth.
    let (url, _) = fake_gateway(|_, ws_url, mut socket| {
        hello(&mut socket, 45_000);
        if first_op(&mut socket) == 2 {
            ready(&mut socket, ws_url);
            close_with(&mut socket, 4000, "");
        } else {
            let _ = socket.send(Message::text(r#"{"op":9,"d":true,"s":null,"t":null}"#));
            idle(&mut socket, Duration::from_secs(5));
        }
    });
    let (cmd, _dir) = cmd(&url, &["listen"]);
    let l = Listen::spawn(cmd);
    let deadline = Instant::now() + Duration::from_secs(60);
    while announced_waits(&l.stderr()).len() < 5 {
        assert!(Instant::now() < deadline, "{}", l.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
    let waits = announced_waits(&l.stderr());
    // The first wait follows the close after READY; the rest follow op 9.
    for wait in &waits[1..5] {
        assert!((1.0..=5.0).contains(wait), "{waits:?}\n{}", l.stderr());
    }
    assert!(l.stderr().contains("op 9, resumable"), "{}", l.stderr());
}

#[test]
fn an_absurd_shard_count_is_refused_not_spawned() {
    // Issue 14 item 12: `--shards auto` takes the count from GET /gateway/bot; two million
    // shards used to panic with "failed to spawn thread".
    let rest = gateway_bot("ws://127.0.0.1:9", 2_000_000);
    let out = run_within(
        &rest.url,
        &["listen", "--shards", "auto"],
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("2000000 shards") && err.contains("--shard FIRST-LAST/2000000"),
        "{err}"
    );
}

#[test]
fn a_zstd_bomb_ends_the_connection_and_the_session_resumes() {
    // Issue 14 item 14: one small zstd-stream message that expands past the 512 MiB cap is
    // refused (the process neither aborts nor holds gigabytes); the connection ends and the
    // session resumes like after any broken connection.
    use discord_cli::gateway::inflate::Compression;
    use discord_cli::sandbox::compress::Deflater;
    let (url, _) = fake_gateway(|n, ws_url, mut socket| {
        let mut deflater = Deflater::new(Compression::Zstd);
        let mut send = |socket: &mut WebSocket<TcpStream>, text: &[u8]| {
            let mut out = Vec::new();
            deflater.write(text, &mut out).unwrap();
            let _ = socket.send(Message::binary(out));
        };
        send(
            &mut socket,
            br#"{"op":10,"d":{"heartbeat_interval":45000},"s":null,"t":null}"#,
        );
        let op = first_op(&mut socket);
        if n == 0 && op == 2 {
            let ready = format!(
                r#"{{"op":0,"t":"READY","s":1,"d":{{"session_id":"abc","resume_gateway_url":"{ws_url}"}}}}"#
            );
            send(&mut socket, ready.as_bytes());
            let bomb = vec![b' '; 600 << 20];
            send(&mut socket, &bomb);
        } else {
            send(
                &mut socket,
                br#"{"op":0,"t":"MESSAGE_CREATE","s":2,"d":{"id":"2"}}"#,
            );
            send(&mut socket, br#"{"op":0,"t":"RESUMED","s":null,"d":{}}"#);
        }
        idle(&mut socket, Duration::from_secs(10));
    });
    let out = run_within(
        &url,
        &["listen", "--compress=zstd", "--max-events", "3"],
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("expands to more than 512 MiB"), "{err}");
    assert!(err.contains("(resume)"), "{err}");
    let types: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["t"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(types, ["READY", "MESSAGE_CREATE", "RESUMED"]);
}

#[test]
fn a_trickled_handshake_times_out_and_ctrl_c_ends_it() {
    // Issue 14 item 15: --connect-timeout is for the whole handshake, however slowly the
    // server answers; and Ctrl-C works while one is under way.
    let (url, conns) = raw_gateway(|_, mut stream| {
        if !read_head(&mut stream) {
            return;
        }
        for b in b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            .iter()
            .cycle()
        {
            if stream.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    let (cmd, _dir) = cmd(&url, &["listen", "--connect-timeout", "2"]);
    let l = Listen::spawn(cmd);
    l.wait_for_stderr("did not finish within 2 s");
    // The retry is under way again (or waiting): Ctrl-C ends it.
    while conns.load(Ordering::SeqCst) < 2 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let asked = Instant::now();
    let (_, code) = l.interrupt();
    assert_eq!(code, 0, "Ctrl-C is a clean stop");
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "{:?}",
        asked.elapsed()
    );
}

#[test]
fn a_trickled_rest_body_is_bounded_by_the_timeout() {
    // Issue 14 item 15: --timeout covers the whole request, body included.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                if !read_head(&mut stream) {
                    return;
                }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
                let _ = stream.write_all(head.as_bytes());
                for _ in 0..1000 {
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            });
        }
    });
    let out = run_within(
        &url,
        &["get", "/users/@me", "--timeout", "1"],
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("timed out") || err.contains("--timeout"),
        "{err}"
    );
    assert!(!err.contains(TOKEN), "{err}");
}

#[test]
fn every_listen_line_is_one_valid_json_value() {
    // Issue 14 item 16: RFC 8259 section 7 (which Discord's JSON follows) forbids raw control
    // characters in strings. A payload with a raw newline or an escape sequence is not printed
    // (the connection is treated as broken and resumed); a valid payload that spans lines is
    // printed on one.
    let (url, _) = fake_gateway(|n, ws_url, mut socket| {
        hello(&mut socket, 45_000);
        let _ = first_op(&mut socket);
        if n == 0 {
            ready(&mut socket, ws_url);
            let pretty = "{\n \"op\": 0,\n \"t\": \"MESSAGE_CREATE\",\r\n \"s\": 2,\n \"d\": {\"content\": \"a\\nb\"}\n}";
            let _ = socket.send(Message::text(pretty));
            let hostile = "{\"op\":0,\"t\":\"MESSAGE_CREATE\",\"s\":3,\"d\":{\"content\":\"x\n{\\\"fake\\\":1}\u{1b}[2J\"}}";
            let _ = socket.send(Message::text(hostile));
        } else {
            let _ = socket.send(Message::text(r#"{"op":0,"t":"RESUMED","s":null,"d":{}}"#));
            let _ = socket.send(Message::text(
                r#"{"op":0,"t":"MESSAGE_CREATE","s":4,"d":{"content":"after"}}"#,
            ));
        }
        idle(&mut socket, Duration::from_secs(10));
    });
    let out = run_within(
        &url,
        &["listen", "--max-events", "4"],
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !out.stdout.contains(&0x1b),
        "no escape reaches the terminal"
    );
    let text = stdout(&out);
    let seqs: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("one JSON value per line")["s"].clone())
        .collect();
    assert_eq!(seqs, [1.into(), 2.into(), Value::Null, 4.into()], "{text}");
    assert!(text.contains(r#""content":"a\nb""#), "{text}");
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
}

#[test]
fn absurd_seq_heartbeat_interval_and_resume_url_get_sane_handling() {
    // Issue 14 item 17. A sequence number of 2^64-1 must not swallow every later event; a
    // heartbeat_interval of 0 must not make the client beat ~20 times a second (Discord,
    // "Gateway > Rate Limiting": 120 sends per 60 s per connection, heartbeats included); a
    // resume_gateway_url that is no WebSocket URL means identifying afresh, not exit 2.
    let beats = Arc::new(Mutex::new(0usize));
    let counted = Arc::clone(&beats);
    let firsts: Arc<Mutex<Vec<u64>>> = Arc::default();
    let seen = Arc::clone(&firsts);
    let (url, _) = fake_gateway(move |n, _, mut socket| {
        hello(&mut socket, 0);
        seen.lock().unwrap().push(first_op(&mut socket));
        ready(&mut socket, "not a url at all");
        if n > 0 {
            idle(&mut socket, Duration::from_secs(10));
            return;
        }
        for s in [u64::MAX, 2, 3] {
            let m = format!(r#"{{"op":0,"t":"MESSAGE_CREATE","s":{s},"d":{{}}}}"#);
            let _ = socket.send(Message::text(m));
        }
        let until = Instant::now() + Duration::from_secs(3);
        let _ = socket
            .get_mut()
            .set_read_timeout(Some(Duration::from_millis(100)));
        while Instant::now() < until {
            if let Ok(Message::Text(t)) = socket.read() {
                if t.contains(r#""op":1"#) {
                    *counted.lock().unwrap() += 1;
                    let _ = socket.send(Message::text(r#"{"op":11}"#));
                }
            }
        }
        close_with(&mut socket, 4000, "");
    });
    let out = run_within(
        &url,
        &["listen", "--max-events", "5"],
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let types: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["s"].to_string())
        .collect();
    assert_eq!(types, ["1", &u64::MAX.to_string(), "2", "3", "1"]);
    // Three seconds at a 1 s floor: the jittered first beat and at most three more.
    let beats = *beats.lock().unwrap();
    assert!((1..=4).contains(&beats), "{beats} heartbeats in 3 s");
    assert_eq!(*firsts.lock().unwrap(), [2, 2], "identified afresh");
    assert!(
        stderr(&out).contains("resume_gateway_url is unusable"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_handshake_has_a_user_agent_and_closes_are_explained() {
    // Issue 14 item 18. Discord's docs ("Reference > User Agent") ask every client to send
    // `User-Agent: DiscordBot ($url, $versionNumber)`; some gateway implementations refuse a
    // handshake without one. Every close is reported with its code and reason.
    let (url, _, agents) = fake_gateway_seeing(|n, ws_url, mut socket| {
        hello(&mut socket, 45_000);
        let _ = first_op(&mut socket);
        if n == 0 {
            ready(&mut socket, ws_url);
            close_with(&mut socket, 4000, "maintenance\nin progress");
        } else {
            let _ = socket.send(Message::text(r#"{"op":0,"t":"RESUMED","s":null,"d":{}}"#));
            idle(&mut socket, Duration::from_secs(10));
        }
    });
    let out = run_within(
        &url,
        &["listen", "--max-events", "2"],
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for agent in agents.lock().unwrap().iter() {
        assert!(agent.starts_with("DiscordBot ("), "{agent:?}");
    }
    let err = stderr(&out);
    let line = err.lines().find(|l| l.contains("4000")).unwrap_or_default();
    assert!(line.contains("'maintenance\\nin progress'"), "{err}");
}

#[test]
fn a_reader_that_goes_away_ends_a_quiet_listen() {
    // Issue 14 item 22: `listen | head -1` on a quiet guild exits 0 once head has its line,
    // without waiting for another event to fail writing.
    let (url, _) = fake_gateway(|_, ws_url, mut socket| {
        hello(&mut socket, 45_000);
        let _ = first_op(&mut socket);
        ready(&mut socket, ws_url);
        idle(&mut socket, Duration::from_secs(60));
    });
    let (mut cmd, _dir) = cmd(&url, &["listen"]);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains("READY"), "{line}");
    drop(reader);
    let end = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > end {
            let _ = child.kill();
            panic!("listen kept running with nobody reading");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

//! End-to-end: `discord listen` and `discord intents` (the binary) against `discord sandbox`:
//! the stream, a REST write arriving as MESSAGE_CREATE, faults followed by resumes, fatal close
//! codes, the intents sent, compression, SIGINT and a closed stdout.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use common::{stderr, stdout, Sandbox};
use serde_json::{json, Value};

/// A running `discord listen` whose stdout lines arrive on a channel.
struct Listen {
    child: Child,
    lines: Receiver<Value>,
    seen: Vec<Value>,
}

impl Listen {
    fn start(sb: &Sandbox, args: &[&str]) -> Listen {
        let mut child = sb
            .cmd()
            .arg("listen")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn listen");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).expect("each line is JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Listen {
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    fn wait_for(&mut self, what: &str, pred: impl Fn(&[Value]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !pred(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left.max(Duration::from_millis(1))) {
                Ok(v) => self.seen.push(v),
                Err(_) => panic!("timed out waiting for {what}; got {:?}", self.seen),
            }
        }
    }

    fn count(&self, t: &str) -> usize {
        self.seen.iter().filter(|l| l["t"] == t).count()
    }

    fn interrupt(mut self) -> (Vec<Value>, i32) {
        let pid = self.child.id().to_string();
        let ok = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(ok.success());
        let status = self.child.wait().unwrap();
        while let Ok(v) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(v);
        }
        (self.seen, status.code().unwrap_or(-1))
    }
}

fn guild_and_channel(sb: &Sandbox) -> (String, String) {
    let guilds = common::json(&sb.run(&["get", "/users/@me/guilds"]));
    let guild = guilds[0]["id"].as_str().unwrap().to_string();
    let channels = common::json(&sb.run(&["get", &format!("/guilds/{guild}/channels")]));
    let channel = channels
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == 0)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    (guild, channel)
}

#[test]
fn intents_command_lists_every_intent() {
    let sb = Sandbox::start();
    let out = sb.run(&["intents"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for name in [
        "GUILDS",
        "MESSAGE_CONTENT",
        "DIRECT_MESSAGE_POLLS",
        "AUTO_MODERATION_EXECUTION",
    ] {
        assert!(text.contains(name), "{name}");
    }
    let out = sb.run(&["intents", "--json"]);
    let rows = common::json(&out);
    let mc = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "MESSAGE_CONTENT")
        .unwrap();
    assert_eq!(
        (mc["value"].as_u64(), mc["privileged"].as_bool()),
        (Some(32768), Some(true))
    );
}

#[test]
fn unknown_intent_is_a_usage_error_listing_names() {
    let sb = Sandbox::start();
    let out = sb.run(&["listen", "--intents", "GUILDS,NOPE"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'NOPE'"));
    assert!(stderr(&out).contains("GUILD_MESSAGES"));
}

#[test]
fn stream_rest_message_intents_and_sigint() {
    let sb = Sandbox::start();
    let (_, channel) = guild_and_channel(&sb);
    let mut l = Listen::start(&sb, &["--intents", "GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT"]);
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let identify = sb.admin("get", "/_sandbox/gateway/identify", None);
    assert_eq!(identify["intents"], 1 | 512 | 32768);
    let out = sb.run(&[
        "post",
        &format!("/channels/{channel}/messages"),
        r#"{"content":"hello gateway"}"#,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    l.wait_for("MESSAGE_CREATE", |ls| {
        ls.iter()
            .any(|v| v["t"] == "MESSAGE_CREATE" && v["d"]["content"] == "hello gateway")
    });
    let (lines, code) = l.interrupt();
    assert_eq!(code, 0);
    let s: Vec<u64> = lines.iter().filter_map(|v| v["s"].as_u64()).collect();
    assert!(s.windows(2).all(|w| w[1] > w[0]), "{s:?}");
}

#[test]
fn faults_resume_and_printed_seqs_are_exactly_the_sent_ones() {
    faults_resume_exactly_once("--compress", "zlib-stream");
}

#[test]
fn zstd_stream_compression_survives_every_fault() {
    faults_resume_exactly_once("--compress=zstd", "zstd-stream");
}

/// Runs each resumable fault against a compressed session and checks that the printed
/// sequence numbers are exactly the server's, and that every connection used `transport`.
fn faults_resume_exactly_once(compress_flag: &str, transport: &str) {
    let sb = Sandbox::start();
    sb.admin(
        "post",
        "/_sandbox/gateway/config",
        Some(r#"{"heartbeat_interval": 300}"#),
    );
    let mut l = Listen::start(
        &sb,
        &["--intents", "unprivileged,MESSAGE_CONTENT", compress_flag],
    );
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let compression_in_use = |sb: &Sandbox| {
        let sessions = sb.admin("get", "/_sandbox/gateway/sessions", None);
        sessions
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["connected"] == true)
            .unwrap()["compress"]
            .clone()
    };
    assert_eq!(compression_in_use(&sb), transport);
    let mut expected = 0;
    for (done, fault) in [
        json!({"kind": "reconnect"}),
        json!({"kind": "drop", "unsent": 3, "replay_overlap": 2}),
        json!({"kind": "stop_acks"}),
        json!({"kind": "invalid_session_resumable"}),
        json!({"kind": "close", "code": 4000}),
    ]
    .into_iter()
    .enumerate()
    {
        let resumes = done + 1;
        sb.admin("post", "/_sandbox/gateway/burst", Some(r#"{"count": 10}"#));
        expected += 10;
        l.wait_for("burst", |ls| {
            ls.iter().filter(|v| v["t"] == "MESSAGE_CREATE").count() == expected
        });
        sb.admin("post", "/_sandbox/gateway/faults", Some(&fault.to_string()));
        expected += fault["unsent"].as_u64().unwrap_or(0) as usize;
        l.wait_for("RESUMED", |ls| {
            ls.iter().filter(|v| v["t"] == "RESUMED").count() == resumes
        });
        assert_eq!(compression_in_use(&sb), transport, "after {fault}");
    }
    sb.admin("post", "/_sandbox/gateway/burst", Some(r#"{"count": 10}"#));
    expected += 10;
    l.wait_for("last burst", |ls| {
        ls.iter().filter(|v| v["t"] == "MESSAGE_CREATE").count() == expected
    });
    let sessions = sb.admin("get", "/_sandbox/gateway/sessions", None);
    let server_seq = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["connected"] == true)
        .unwrap()["seq"]
        .as_u64()
        .unwrap();
    assert_eq!(l.count("READY"), 1);
    let (lines, code) = l.interrupt();
    assert_eq!(code, 0);
    let s: Vec<u64> = lines.iter().filter_map(|v| v["s"].as_u64()).collect();
    assert_eq!(s, (1..=server_seq).collect::<Vec<_>>());
}

#[test]
fn invalid_session_false_identifies_afresh() {
    let sb = Sandbox::start();
    let mut l = Listen::start(&sb, &[]);
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    sb.admin(
        "post",
        "/_sandbox/gateway/faults",
        Some(r#"{"kind": "invalid_session"}"#),
    );
    l.wait_for("second READY", |ls| {
        ls.iter().filter(|v| v["t"] == "READY").count() == 2
    });
    assert_eq!(l.interrupt().1, 0);
}

#[test]
fn fatal_close_codes_exit_1_with_their_message() {
    let sb = Sandbox::start();
    for (code, words) in [
        (4004, "token is wrong"),
        (4010, "--shard"),
        (4011, "--shards auto"),
        (4012, "API version"),
        (4013, "intents bitfield"),
        (4014, "MESSAGE_CONTENT"),
    ] {
        let mut child = sb
            .cmd()
            .arg("listen")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert!(first.contains("READY"), "{first}");
        sb.admin(
            "post",
            "/_sandbox/gateway/faults",
            Some(&json!({"kind": "close", "code": code}).to_string()),
        );
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{code}");
        let err = stderr(&output);
        assert!(
            err.contains(&code.to_string()) && err.contains(words),
            "{code}: {err}"
        );
    }
    // The message itself, through stderr.
    sb.admin(
        "post",
        "/_sandbox/gateway/config",
        Some(r#"{"privileged_enabled": []}"#),
    );
    let out = sb.run(&[
        "listen",
        "--intents",
        "GUILDS,MESSAGE_CONTENT",
        "--max-events",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("4014") && stderr(&out).contains("Developer Portal"),
        "{}",
        stderr(&out)
    );
    let out = sb
        .cmd()
        .args(["listen", "--token", "wrong-token", "--max-events", "5"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn max_events_and_closed_stdout_exit_0() {
    let sb = Sandbox::start();
    let out = sb.run(&["listen", "--max-events", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2);
    // `| head -1`: the reader goes away while the burst is still flowing.
    let mut child = sb
        .cmd()
        .args(["listen", "--intents", "all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("READY"));
    drop(out);
    sb.admin(
        "post",
        "/_sandbox/gateway/burst",
        Some(r#"{"count": 2000}"#),
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn stdin_commands_are_sent_and_oversized_ones_refused() {
    use std::io::Write;
    let sb = Sandbox::start();
    let (guild, _) = guild_and_channel(&sb);
    let mut child = sb
        .cmd()
        .args([
            "listen",
            "--intents",
            "all",
            "--stdin",
            "--events",
            "GUILD_MEMBERS_CHUNK",
            "--max-events",
            "1",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let big = json!({"op": 8, "d": {"guild_id": guild, "query": "x".repeat(5000), "limit": 0}});
    writeln!(input, "{big}").unwrap();
    writeln!(
        input,
        "{}",
        json!({"op": 8, "d": {"guild_id": guild, "query": "", "limit": 0}})
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    drop(input);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(line["t"], "GUILD_MEMBERS_CHUNK");
    assert!(!line["d"]["members"].as_array().unwrap().is_empty());
    assert!(
        stderr(&output).contains("at most 4096"),
        "{}",
        stderr(&output)
    );
}

//! End-to-end: `discord listen` and `discord intents` (the binary) against `discord sandbox`:
//! the stream, a REST write arriving as MESSAGE_CREATE, faults followed by resumes, fatal close
//! codes, the intents sent, compression, SIGINT and a closed stdout.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::listen::Listen;
use common::{stderr, stdout, Sandbox};
use serde_json::{json, Value};

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
    sb.gateway_config(r#"{"heartbeat_interval": 300}"#);
    let mut l = Listen::start(
        &sb,
        &["--intents", "unprivileged,MESSAGE_CONTENT", compress_flag],
    );
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let compression_in_use = |sb: &Sandbox| sb.live_session()["compress"].clone();
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
    let live = sb.live_session();
    let server_seq = live["seq"].as_u64().unwrap();
    // Every resume went to READY's resume_gateway_url, not back to the gateway URL.
    assert_eq!(
        (live["resumes"].as_u64(), live["resumes_elsewhere"].as_u64()),
        (Some(5), Some(0))
    );
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
    sb.gateway_config(r#"{"privileged_enabled": []}"#);
    let out = sb.run(&[
        "listen",
        "--intents",
        "GUILDS,MESSAGE_CONTENT",
        "--max-events",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("4014")
            && stderr(&out).contains("Developer Portal")
            && stderr(&out).contains("(this session asked for MESSAGE_CONTENT)"),
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

/// Waits (30 s at most) until the live session satisfies `pred`; returns it.
fn wait_session(sb: &Sandbox, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = sb.live_session();
        if pred(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {s}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn heartbeats_start_jittered_keep_the_interval_and_answer_op_1() {
    let sb = Sandbox::start();
    let interval = 1500u64;
    sb.gateway_config(&json!({"heartbeat_interval": interval}).to_string());
    let mut l = Listen::start(&sb, &[]);
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let s = wait_session(&sb, "three heartbeats", |s| {
        s["heartbeats_after_hello_ms"]
            .as_array()
            .is_some_and(|b| b.len() >= 3)
    });
    let beats: Vec<u64> = s["heartbeats_after_hello_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap())
        .collect();
    // The first beat comes after interval * jitter (jitter in [0, 1)), then one per interval.
    assert!(beats[0] < interval + 100, "{beats:?}");
    for gap in beats.windows(2).map(|w| w[1] - w[0]) {
        assert!(gap.abs_diff(interval) < 400, "{beats:?}");
    }
    // A heartbeat request (op 1) is answered at once, not at the next beat.
    sb.admin(
        "post",
        "/_sandbox/gateway/faults",
        Some(r#"{"kind": "heartbeat_request"}"#),
    );
    let s = wait_session(&sb, "the answer to op 1", |s| {
        s["heartbeat_request_answered_ms"].is_u64()
    });
    assert!(
        s["heartbeat_request_answered_ms"].as_u64().unwrap() < 500,
        "{s}"
    );
    // The jitter is random: over a few new connections the first beats are spread out.
    let mut firsts = vec![beats[0]];
    for n in 1..=3 {
        sb.admin(
            "post",
            "/_sandbox/gateway/faults",
            Some(r#"{"kind": "reconnect"}"#),
        );
        l.wait_for("RESUMED", |ls| {
            ls.iter().filter(|v| v["t"] == "RESUMED").count() == n
        });
        let s = wait_session(&sb, "a first beat", |s| {
            s["resumes"] == n as u64
                && s["heartbeats_after_hello_ms"]
                    .as_array()
                    .is_some_and(|b| !b.is_empty())
        });
        firsts.push(s["heartbeats_after_hello_ms"][0].as_u64().unwrap());
    }
    let spread = firsts.iter().max().unwrap() - firsts.iter().min().unwrap();
    assert!(spread > 30, "first beats not jittered: {firsts:?}");
    assert_eq!(l.interrupt().1, 0);
}

#[test]
fn identify_carries_the_flags_and_uses_one_session_start() {
    let sb = Sandbox::start();
    sb.gateway_config(r#"{"session_start_limit": {"total": 1000, "remaining": 3}}"#);
    let mut l = Listen::start(
        &sb,
        &[
            "--intents",
            "GUILDS,GUILD_MESSAGES",
            "--large-threshold",
            "120",
            "--status",
            "dnd",
            "--activity",
            "watching the build",
            "--shard",
            "0/1",
        ],
    );
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let identify = sb.admin("get", "/_sandbox/gateway/identify", None);
    assert_eq!(identify["intents"], 1 | 512);
    assert_eq!(identify["large_threshold"], 120);
    assert_eq!(identify["shard"], json!([0, 1]));
    assert_eq!(identify["presence"]["status"], "dnd");
    assert_eq!(
        identify["presence"]["activities"][0]["name"],
        "watching the build"
    );
    assert_eq!(identify["properties"]["browser"], "discord-cli");
    assert_eq!(identify["token_matched"], true);
    // One IDENTIFY, one session start; with 2 of 1000 left the user is warned, once.
    let config = sb.admin("get", "/_sandbox/gateway/config", None);
    assert_eq!(config["session_start_limit"]["remaining"], 2);
    l.wait_for_stderr("only 2 of 1000 session starts");
    assert_eq!(
        l.stderr().matches("session starts").count(),
        1,
        "{}",
        l.stderr()
    );
    assert_eq!(l.interrupt().1, 0);
}

#[test]
fn no_session_starts_left_means_no_identify_and_a_reset_time() {
    let sb = Sandbox::start();
    sb.gateway_config(
        r#"{"session_start_limit": {"total": 1000, "remaining": 0, "reset_after": 7200000}}"#,
    );
    let out = sb.run(&["listen", "--max-events", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("no gateway session starts left")
            && err.contains("resets the limit in 1h 59m"),
        "{err}"
    );
    assert_eq!(
        sb.admin("get", "/_sandbox/gateway/identify", None),
        Value::Null
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn shards_auto_runs_every_shard_in_max_concurrency_buckets() {
    let sb = Sandbox::start();
    sb.gateway_config(r#"{"shards": 2, "max_concurrency": 1}"#);
    let mut l = Listen::start(&sb, &["--shards", "auto", "--events", "READY"]);
    l.wait_for("two READYs", |ls| ls.len() == 2);
    let mut by_shard: Vec<(Value, Instant)> = l
        .seen
        .iter()
        .map(|(at, v)| (v["shard"].clone(), *at))
        .collect();
    by_shard.sort_by_key(|(shard, _)| shard.to_string());
    assert_eq!(by_shard[0].0, json!([0, 2]));
    assert_eq!(by_shard[1].0, json!([1, 2]));
    // max_concurrency 1: one IDENTIFY per 5 s, so the second shard's READY is 5 s later.
    let apart = by_shard[1].1.max(by_shard[0].1) - by_shard[1].1.min(by_shard[0].1);
    assert!(apart >= Duration::from_millis(4900), "{apart:?}");
    let sessions = sb.admin("get", "/_sandbox/gateway/sessions", None);
    let mut shards: Vec<String> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["shard"].to_string())
        .collect();
    shards.sort();
    assert_eq!(shards, ["[0,2]", "[1,2]"]);
    assert_eq!(l.interrupt().1, 0);
    // One shard of a larger bot, as on one host of several.
    let out = sb.run(&["listen", "--shard", "1/2", "--max-events", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ready: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(ready["shard"], json!([1, 2]));
    assert_eq!(
        sb.admin("get", "/_sandbox/gateway/identify", None)["shard"],
        json!([1, 2])
    );
}

#[test]
fn request_members_brings_every_member_in_chunks() {
    let sb = Sandbox::start();
    let (guild, _) = guild_and_channel(&sb);
    let out = sb.run(&[
        "listen",
        "--intents",
        "GUILDS,GUILD_MEMBERS",
        "--request-members",
        &guild,
        "--events",
        "GUILD_MEMBERS_CHUNK",
        "--max-events",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let chunks: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let members: usize = chunks
        .iter()
        .map(|c| c["d"]["members"].as_array().unwrap().len())
        .sum();
    assert_eq!(members, 3000);
    assert!(chunks.iter().all(|c| c["d"]["guild_id"] == guild.as_str()));
    assert_eq!(chunks[2]["d"]["chunk_count"], 3);
}

#[test]
fn message_content_is_blanked_without_the_intent() {
    let sb = Sandbox::start();
    let (_, channel) = guild_and_channel(&sb);
    let hook = common::json(&sb.run(&[
        "post",
        &format!("/channels/{channel}/webhooks"),
        r#"{"name":"ci"}"#,
    ]));
    let execute = format!(
        "/webhooks/{}/{}",
        hook["id"].as_str().unwrap(),
        hook["token"].as_str().unwrap()
    );
    let mut without = Listen::start(&sb, &["--intents", "GUILD_MESSAGES"]);
    let mut with = Listen::start(&sb, &["--intents", "GUILD_MESSAGES,MESSAGE_CONTENT"]);
    without.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    with.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let out = sb.run(&["post", &execute, r#"{"content":"the secret plan"}"#]);
    assert!(out.status.success(), "{}", stderr(&out));
    let created = |ls: &[Value]| ls.iter().any(|v| v["t"] == "MESSAGE_CREATE");
    without.wait_for("MESSAGE_CREATE", created);
    with.wait_for("MESSAGE_CREATE", created);
    let content = |l: &Listen| {
        l.values()
            .into_iter()
            .find(|v| v["t"] == "MESSAGE_CREATE")
            .unwrap()["d"]["content"]
            .clone()
    };
    assert_eq!(content(&without), "");
    assert_eq!(content(&with), "the secret plan");
}

#[test]
fn stdin_commands_over_the_send_limit_are_refused_not_disconnected() {
    let sb = Sandbox::start();
    let mut l = Listen::start(&sb, &["--stdin"]);
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let presence = r#"{"op":3,"d":{"since":null,"activities":[],"status":"idle","afk":false}}"#;
    let lines = format!("{presence}\n").repeat(130);
    l.write_stdin(lines.as_bytes());
    l.wait_for_stderr("send it again in");
    // Let every line be handled, then check the session is the same, never closed for it.
    std::thread::sleep(Duration::from_millis(500));
    let refused = l.stderr().matches("send it again in").count();
    assert!((10..=130).contains(&refused), "{refused}: {}", l.stderr());
    let s = sb.live_session();
    assert_eq!(s["connected"], true, "{s}");
    assert_eq!(s["resumes"], 0, "{s}");
    assert_eq!(l.count("READY"), 1);
    assert_eq!(l.interrupt().1, 0);
}

#[test]
fn sigterm_closes_cleanly_with_exit_0() {
    let sb = Sandbox::start();
    let mut l = Listen::start(&sb, &[]);
    l.wait_for("READY", |ls| ls.iter().any(|v| v["t"] == "READY"));
    let (lines, code) = l.signal("TERM");
    assert_eq!(code, 0);
    assert!(lines.iter().any(|v| v["t"] == "READY"));
    // The server saw the session closed (1000), not dropped.
    let s = sb.admin("get", "/_sandbox/gateway/sessions", None);
    assert!(
        s.as_array()
            .unwrap()
            .iter()
            .all(|s| s["connected"] == false),
        "{s}"
    );
}

#[test]
fn sessions_that_keep_ending_identify_afresh_with_growing_waits() {
    let sb = Sandbox::start();
    let mut l = Listen::start(&sb, &["--events", "READY"]);
    l.wait_for("READY", |ls| ls.len() == 1);
    for (n, code) in [(2, 4009), (3, 4007)] {
        sb.admin(
            "post",
            "/_sandbox/gateway/faults",
            Some(&json!({"kind": "close", "code": code}).to_string()),
        );
        l.wait_for("a fresh READY", |ls| ls.len() == n);
    }
    // Each session ended before it was established: the second wait says why it is longer.
    let err = l.stderr();
    assert!(err.contains("reconnecting in 1.0s"), "{err}");
    assert!(
        err.contains("reconnecting in 2.0s (2 sessions in a row failed to become established"),
        "{err}"
    );
    assert_eq!(err.matches("(identify)").count(), 3, "{err}");
    assert_eq!(l.interrupt().1, 0);
}

#[test]
fn dry_run_prints_what_listen_would_send_and_connects_nowhere() {
    let sb = Sandbox::start();
    let out = sb.run(&[
        "listen",
        "--dry-run",
        "--compress=zstd",
        "--intents",
        "GUILDS",
        "--events",
        "MESSAGE_CREATE",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("GET ") && text.contains("/gateway/bot"),
        "{text}"
    );
    assert!(text.contains("compress=zstd-stream"), "{text}");
    assert!(
        text.contains(r#""op":2"#) && text.contains(r#""token":"████""#),
        "{text}"
    );
    assert!(!text.contains(&sb.token), "{text}");
    // Nothing reached the sandbox, and the filter that can never match was pointed out.
    assert_eq!(
        sb.admin("get", "/_sandbox/gateway/identify", None),
        Value::Null
    );
    assert!(
        stderr(&out).contains("GUILD_MESSAGES or DIRECT_MESSAGES"),
        "{}",
        stderr(&out)
    );
    let requests = sb.admin("get", "/_sandbox/requests", None);
    assert!(!requests.to_string().contains("/gateway/bot"), "{requests}");
}

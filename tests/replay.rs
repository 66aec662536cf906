//! `discord sandbox --replay N`: the benchmark gateway sends its prebuilt dispatches to the real
//! `discord listen`, plain and with both transport compressions, as a valid gateway session.

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{stderr, Sandbox};
use serde_json::Value;

const COUNT: usize = 300;

/// Waits until the replay lists `n` connections that identified.
fn wait_sessions(sb: &Sandbox, n: usize) {
    let end = Instant::now() + Duration::from_secs(30);
    while Instant::now() < end {
        let sessions = sb.admin("get", "/_sandbox/gateway/sessions", None);
        if sessions.as_array().map_or(0, Vec::len) >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("listen never identified to the replay gateway");
}

/// Runs listen with `flags` until it has printed `COUNT` MESSAGE_CREATEs; its lines.
fn listen_to_burst(sb: &Sandbox, flags: &[&str], nth: usize) -> Vec<Value> {
    let max = COUNT.to_string();
    let mut child = sb
        .cmd()
        .args(["listen", "--events", "MESSAGE_CREATE", "--max-events", &max])
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn listen");
    wait_sessions(sb, nth);
    let answer = sb.admin("post", "/_sandbox/gateway/burst", Some(r#"{"count": 300}"#));
    assert_eq!(answer["sessions"], 1, "{answer}");
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "listen {flags:?} failed");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn listen_reads_the_replay_plain_zlib_and_zstd() {
    let sb = Sandbox::start_with(&["--replay", "300"]);
    let mut first: Option<Vec<Value>> = None;
    for (i, flags) in [&[][..], &["--compress"], &["--compress=zstd"]]
        .into_iter()
        .enumerate()
    {
        let lines = listen_to_burst(&sb, flags, i + 1);
        assert_eq!(lines.len(), COUNT, "{flags:?}");
        // Each dispatch numbered one more than the last (Discord docs, "Gateway > Sending
        // Heartbeats": `s` is the sequence number of the last dispatch received).
        let s0 = lines[0]["s"].as_u64().unwrap();
        for (k, line) in lines.iter().enumerate() {
            assert_eq!(line["t"], "MESSAGE_CREATE");
            assert_eq!(line["s"].as_u64(), Some(s0 + k as u64), "{flags:?}");
        }
        // Every transport carries the very same dispatches.
        match &first {
            None => first = Some(lines),
            Some(plain) => assert_eq!(&lines, plain, "{flags:?}"),
        }
    }
    let sessions = sb.admin("get", "/_sandbox/gateway/sessions", None);
    let kinds: Vec<&str> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["compress"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["plain", "zlib-stream", "zstd-stream"]);
}

#[test]
fn replay_reports_sizes_the_inflate_limit_and_refuses_more_than_it_holds() {
    let sb = Sandbox::start_with(&["--replay", "300"]);
    let info = sb.admin("get", "/_sandbox/replay", None);
    assert_eq!(info["count"], 300);
    let plain = info["bytes"]["plain"].as_u64().unwrap();
    for kind in ["zlib-stream", "zstd-stream"] {
        let compressed = info["bytes"][kind].as_u64().unwrap();
        assert!(compressed > 0 && compressed < plain, "{info}");
        let cost = sb.admin(
            "get",
            &format!("/_sandbox/replay/inflate?compress={kind}"),
            None,
        );
        assert_eq!(cost["events"], 300, "{cost}");
        assert!(cost["bytes_out"].as_u64().unwrap() > plain / 2, "{cost}");
    }
    let out = sb
        .cmd()
        .args([
            "--api-url",
            &sb.root_url(),
            "post",
            "/_sandbox/gateway/burst",
        ])
        .arg(r#"{"count": 301}"#)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at most"), "{}", stderr(&out));
    // A bad count at start-up is a usage error.
    let out = common::base_cmd(sb.config_dir.path())
        .args(["sandbox", "--replay", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

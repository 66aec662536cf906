//! End-to-end: `discord batch` against the sandbox with its real limits (scaled down in time):
//! thousands of requests, zero 429s, results in input order, bad lines reported in place.

mod common;

use common::{stderr, Sandbox};
use serde_json::Value;
use std::process::{Output, Stdio};

fn batch(sb: &Sandbox, args: &[&str], input: &str) -> Output {
    common::output_with_stdin(sb.cmd().arg("batch").args(args), input.as_bytes())
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("result line is JSON"))
        .collect()
}

#[test]
fn ten_thousand_requests_zero_429s_in_input_order() {
    // Route windows a fiftieth of Discord's, and a raised global limit, as Discord grants big
    // bots, so ten thousand requests take seconds rather than minutes.
    let sb = Sandbox::start_with(&["--rate-limit-scale", "0.02", "--global-limit", "2000"]);
    let channel = sb.general_channel();
    let guild = sb.guild_id();
    sb.admin("delete", "/_sandbox/requests", None);
    let n = 10_000;
    let mut input = String::new();
    for i in 0..n {
        // Raw and typed lines mixed; message creates hit the small per-channel bucket (5 per
        // window), the rest the global limit.
        let line = match i % 4 {
            0 if i % 20 == 0 => {
                format!(r#"{{"command":"send-message","args":["{channel}","m{i}"]}}"#)
            }
            0 => format!(r#"{{"command":"get-channel","args":["{channel}"]}}"#),
            1 => format!(r#"{{"method":"GET","path":"/guilds/{guild}/channels"}}"#),
            2 if i % 40 == 2 => {
                format!(r#"{{"command":"create-message","args":["{channel}","--content","c{i}"]}}"#)
            }
            _ => r#"{"method":"GET","path":"/users/@me"}"#.to_string(),
        };
        input.push_str(&line);
        input.push('\n');
    }
    // The client keeps to 1500 a second in every one-second window, leaving room for requests
    // that arrive later than they were sent.
    let out = batch(&sb, &["--jobs", "8", "--global-limit", "1500"], &input);
    assert!(out.status.success(), "batch failed: {}", stderr(&out));
    let results = lines(&out);
    assert_eq!(results.len(), n);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i, "result {i} out of order: {r}");
        assert_eq!(r["status"].as_u64().map(|s| s < 300), Some(true), "{r}");
        if i % 20 == 0 {
            assert_eq!(r["body"]["content"], format!("m{i}"), "{r}");
        } else if i % 40 == 2 {
            assert_eq!(r["body"]["content"], format!("c{i}"), "{r}");
        } else if i % 4 == 0 {
            assert_eq!(r["body"]["id"], channel.as_str(), "{r}");
        }
    }
    let log = sb.admin("get", "/_sandbox/requests", None);
    let log = log.as_array().cloned().unwrap_or_default();
    // Every line is sent once; a GET may go twice only when its connection broke under it (the
    // client retries idempotent requests then, and a loaded machine drops the odd keep-alive
    // connection). Writes are counted exactly below.
    let gets = log.iter().filter(|r| r["method"] == "GET").count();
    assert!(
        log.len() >= n && log.len() - n <= 3,
        "{} requests for {n} lines",
        log.len()
    );
    assert_eq!(
        log.len() - gets,
        n / 20 + n / 40,
        "every write sent exactly once"
    );
    let limited: Vec<_> = log.iter().filter(|r| r["status"] == 429).collect();
    assert!(
        limited.is_empty(),
        "{} responses were 429: {:?}",
        limited.len(),
        limited.first()
    );
    // The messages arrived in the channel once each.
    let posts = log.iter().filter(|r| r["method"] == "POST").count();
    assert_eq!(posts, n / 20 + n / 40);
}

#[test]
fn bad_lines_and_failures_are_reported_in_place_and_exit_1() {
    let sb = Sandbox::start();
    let input = "not json\n{\"method\":\"GET\",\"path\":\"/users/@me\"}\n{\"method\":\"GET\",\"path\":\"/channels/1\"}\n";
    let out = batch(&sb, &[], input);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r = lines(&out);
    assert_eq!(r.len(), 3);
    assert!(
        r[0]["error"].as_str().unwrap_or("").contains("not JSON"),
        "{}",
        r[0]
    );
    assert_eq!(r[1]["status"], 200);
    assert_eq!(r[2]["index"], 2);
    assert!(r[2]["status"].as_u64().unwrap_or(0) >= 400, "{}", r[2]);
}

#[test]
fn all_good_exits_0_and_empty_input_prints_nothing() {
    let sb = Sandbox::start();
    let out = batch(&sb, &[], "");
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let out = batch(
        &sb,
        &["-j", "2"],
        "{\"method\":\"GET\",\"path\":\"/users/@me\"}\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines(&out)[0]["status"], 200);
}

#[test]
fn typed_lines_split_messages_and_bad_arguments_in_place() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let long = "word ".repeat(500);
    let input = format!(
        "{}\n{}\n",
        serde_json::json!({"command": "send-message", "args": [channel, long, "--split"]}),
        r#"{"command":"get-channel","args":["abc"]}"#
    );
    let out = batch(&sb, &[], &input);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r = lines(&out);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["status"], 200, "{}", r[0]);
    let parts = r[0]["body"]
        .as_array()
        .expect("a split message has one body per part");
    assert_eq!(parts.len(), 2);
    let words: usize = parts
        .iter()
        .map(|p| {
            p["content"]
                .as_str()
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .sum();
    assert_eq!(words, 500);
    let error = r[1]["error"].as_str().unwrap_or("");
    assert!(
        error.contains("<CHANNEL_ID>") && !error.contains('\n'),
        "{}",
        r[1]
    );
}

/// Progress is drawn on a terminal only: under `script` stderr is a pseudo-terminal (stdin and
/// stdout stay files), and the counter shows up there and nowhere else. 120 requests under a
/// global limit of 30 per second span four seconds, so the bar is drawn while answers come in
/// (with 60, all answers but the first could land in one redraw interval at the very end).
#[test]
fn progress_on_a_terminal_stderr_only() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jsonl");
    let output = dir.path().join("out.jsonl");
    let line = "{\"method\":\"GET\",\"path\":\"/users/@me\"}\n";
    std::fs::write(&input, line.repeat(120)).expect("write input");
    let template = sb.cmd();
    let mut cmd = std::process::Command::new("script");
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let shell = format!(
        "'{}' --global-limit 30 batch < '{}' > '{}'",
        common::BIN,
        input.display(),
        output.display()
    );
    let out = cmd
        .args(["-qec", &shell, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script (util-linux)");
    assert!(out.status.success(), "{}", stderr(&out));
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        terminal.contains(" read, 0 failed") && terminal.contains("batch: 120 requests in"),
        "no progress on the terminal: {terminal:?}"
    );
    let results = std::fs::read_to_string(&output).expect("read output");
    assert_eq!(results.lines().count(), 120);
    assert!(!results.contains("batch:") && !results.contains("read"));

    // The same batch with stderr on a pipe draws nothing.
    let out = batch(&sb, &[], &line.repeat(3));
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn dry_run_describes_each_request_and_sends_none() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    sb.admin("delete", "/_sandbox/requests", None);
    let input = format!(
        "{}\n{}\n",
        r#"{"method":"GET","path":"/users/@me"}"#,
        format_args!(r#"{{"command":"send-message","args":["{channel}","dry"]}}"#)
    );
    let out = batch(&sb, &["--dry-run"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = lines(&out);
    assert_eq!(results.len(), 2);
    assert!(results[0]["dry_run"].as_str().unwrap().starts_with("GET "));
    let post = results[1]["dry_run"].as_str().unwrap();
    assert!(
        post.starts_with("POST ") && post.contains(r#"{"content":"dry"}"#),
        "{post}"
    );
    assert!(
        post.contains("Bot ████") && !post.contains(&sb.token),
        "{post}"
    );
    assert_eq!(
        sb.admin("get", "/_sandbox/requests", None),
        serde_json::json!([])
    );
}

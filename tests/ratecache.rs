//! End-to-end: rate limits shared across invocations. A shell loop of separate
//! `discord post /channels/X/messages` processes against `discord sandbox` (Discord's limits,
//! scaled down) collects 429s without the cache and none with it; a corrupt cache file is
//! ignored and rewritten.

mod common;

use common::{stderr, Sandbox};
use serde_json::Value;

/// Message sends allowed per window by the sandbox (Discord's: 5 per 5 s).
const PER_WINDOW: usize = 5;

fn sandbox() -> Sandbox {
    // A fifth of Discord's windows: 5 messages a second, still enforced with 429s.
    Sandbox::start_with(&["--rate-limit-scale", "0.2"])
}

fn statuses(sb: &Sandbox, path: &str) -> Vec<u64> {
    let requests = sb.admin("get", "/_sandbox/requests", None);
    requests
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"].as_str().is_some_and(|p| p.ends_with(path)))
        .filter_map(|r| r["status"].as_u64())
        .collect()
}

fn send_loop(sb: &Sandbox, channel: &str, n: usize, extra: &[&str]) {
    let path = format!("/channels/{channel}/messages");
    for i in 0..n {
        let content = format!("content=loop {i}");
        let out = sb.run(&[&["post", &path, "-f", &content], extra].concat());
        assert!(out.status.success(), "send {i}: {}", stderr(&out));
    }
}

#[test]
fn a_loop_of_invocations_gets_no_429_with_the_cache_and_some_without() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let suffix = format!("/channels/{channel}/messages");
    let n = PER_WINDOW * 3;

    sb.admin("delete", "/_sandbox/requests", None);
    send_loop(&sb, &channel, n, &["--no-rate-limit-cache"]);
    let without = statuses(&sb, &suffix);
    assert!(
        without.contains(&429),
        "blind processes should have hit the limit: {without:?}"
    );

    // Let the window the blind loop drained pass before measuring the cached loop.
    std::thread::sleep(std::time::Duration::from_secs(2));
    sb.admin("delete", "/_sandbox/requests", None);
    send_loop(&sb, &channel, n, &[]);
    let with = statuses(&sb, &suffix);
    assert_eq!(with.len(), n, "one request per invocation: {with:?}");
    assert!(
        with.iter().all(|s| *s == 200),
        "no 429 with the shared cache: {with:?}"
    );
}

#[test]
fn a_corrupt_cache_file_is_ignored_and_rewritten() {
    let sb = sandbox();
    let cache = sb.config_dir.path().join("cache");
    let out = sb.run(&["get", "/users/@me"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<_> = std::fs::read_dir(&cache)
        .expect("cache dir created")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(!name.contains(&sb.token), "token in the file name");

    std::fs::write(&files[0], b"{\"version\":1,\"state\":[garbage").unwrap();
    let out = sb.run(&["get", "/users/@me"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let text = std::fs::read(&files[0]).unwrap();
    let back: Value = serde_json::from_slice(&text).expect("rewritten as JSON");
    assert!(
        back["version"].is_u64() && back["state"].is_object(),
        "{back}"
    );
    assert!(!String::from_utf8_lossy(&text).contains(&sb.token));
}

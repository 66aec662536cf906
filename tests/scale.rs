//! Running at scale: `--trace` telemetry (one JSON line per HTTP request, never a token) and
//! the REST client behind a rate-limit proxy (its 408 for a slow Discord is retried like a 504).

mod common;

use common::{stderr, Sandbox};
use serde_json::Value;

fn trace_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each trace line is one JSON value"))
        .collect()
}

#[test]
fn trace_lines_show_a_429_its_scope_and_the_wait_that_followed() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.jsonl");
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(r#"{"method":"GET","path":"/users/@me","status":429,"retry_after":0.4}"#),
    );
    let out = sb.run(&["get", "/users/@me", "--trace", trace.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = trace_lines(&trace);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["status"], 429);
    assert_eq!(lines[0]["scope"], "user");
    assert_eq!(lines[0]["retry_after"], 0.4);
    assert_eq!(lines[0]["route"], "GET users @me");
    assert_eq!(lines[1]["status"], 200);
    assert_eq!(lines[1]["retry"], 1);
    // The second attempt waited out the 429 before going.
    assert!(
        lines[1]["waited_ms"].as_f64().unwrap() >= 300.0,
        "{}",
        lines[1]
    );
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(
        !text.contains(&sb.token),
        "the token must never reach the trace"
    );
}

#[test]
fn trace_from_the_environment_appends_across_invocations() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("t.jsonl");
    for _ in 0..2 {
        let out = sb
            .cmd()
            .env("DISCORD_TRACE", &trace)
            .args(["get", "/users/@me"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let lines = trace_lines(&trace);
    assert_eq!(lines.len(), 2);
    assert!(lines
        .iter()
        .all(|l| l["status"] == 200 && l["method"] == "GET"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&trace).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn a_proxys_408_is_retried_for_a_get_but_never_for_a_post() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    // nirn-proxy answers 408 when Discord took longer than its REQUEST_TIMEOUT.
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(r#"{"method":"GET","path":"/users/@me","status":408}"#),
    );
    let out = sb.run(&["get", "/users/@me"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = format!("/channels/{general}/messages");
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(&format!(
            r#"{{"method":"POST","path":"{path}","status":408}}"#
        )),
    );
    sb.clear_requests();
    let out = sb.run(&["post", &path, "-f", "content=once"]);
    assert_eq!(out.status.code(), Some(1));
    let posts = sb
        .requests()
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == path.as_str())
        .count();
    assert_eq!(
        posts, 1,
        "a POST that may have gone through is never sent again"
    );
}

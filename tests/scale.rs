//! Running at scale: `--trace` telemetry (one JSON line per HTTP request, never a token), the
//! REST client behind a rate-limit proxy (its 408 for a slow Discord is retried like a 504),
//! `listen --session-file` restarts that resume, and `listen --identify-queue`.

mod common;

use common::fake;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::listen::Listen;
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

fn contents(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["t"] == "MESSAGE_CREATE")
        .map(|e| e["d"]["content"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_listen_restarted_with_its_session_file_resumes_and_prints_every_dispatch_once() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.json");
    let args = [
        "--events",
        "MESSAGE_CREATE",
        "--session-file",
        file.to_str().unwrap(),
    ];
    let post = |text: &str| assert!(sb.run(&["send-message", &general, text]).status.success());

    let mut first = Listen::start(&sb, &args);
    sb.live_session();
    // Another process cannot use the same file at once.
    let second = sb.run(&["listen", "--session-file", file.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("another listen"),
        "{}",
        stderr(&second)
    );
    post("one");
    post("two");
    first.wait_for("two messages", |v| contents(v).len() == 2);
    let (before, code) = first.signal("TERM");
    assert_eq!(code, 0);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(saved["sessions"][0]["session_id"].is_string(), "{saved}");

    // Posted while nobody listened: the resumed session replays them.
    post("three");
    post("four");
    let mut again = Listen::start(&sb, &args);
    again.wait_for("the missed ones", |v| contents(v).len() == 2);
    post("five");
    again.wait_for("the missed and the new", |v| contents(v).len() == 3);
    let err = again.stderr();
    assert!(err.contains("resuming session"), "{err}");
    let (after, _) = again.signal("TERM");
    let mut all = contents(&before);
    all.extend(contents(&after));
    assert_eq!(
        all,
        ["one", "two", "three", "four", "five"],
        "each exactly once, in order"
    );
    let sessions = sb.admin("get", "/_sandbox/gateway/sessions", None);
    let resumed = sessions
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["resumes"].as_u64() >= Some(1));
    assert!(
        resumed,
        "the second listen resumed instead of identifying: {sessions}"
    );
    assert_eq!(
        sessions.as_array().unwrap().len(),
        1,
        "one session only: {sessions}"
    );
}

#[test]
fn a_rejected_session_in_the_file_falls_back_to_identify() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.json");
    std::fs::write(
        &file,
        r#"{"sessions":[{"shard":[0,1],"session_id":"gone","seq":5,"resume_gateway_url":null}]}"#,
    )
    .unwrap();
    let mut l = Listen::start(&sb, &["--session-file", file.to_str().unwrap()]);
    l.wait_for("READY", |v| v.iter().any(|e| e["t"] == "READY"));
    let err = l.stderr();
    assert!(err.contains("resuming session gone"), "{err}");
    l.signal("TERM");
}

/// A stand-in for twilight's gateway-queue: answers each `GET /?shard=N` once that shard's
/// bucket (one bucket: max_concurrency 1) had 5 s since the last answer; records the answers.
/// The shards a fake queue let through, with when.
type Released = Arc<Mutex<Vec<(u32, Instant)>>>;

fn fake_queue() -> (String, Released) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let released = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&released);
    std::thread::spawn(move || {
        let mut last: Option<Instant> = None;
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let shard = line
                .split("shard=")
                .nth(1)
                .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|s| s.parse().ok())
                .unwrap_or(u32::MAX);
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
                    break;
                }
            }
            if let Some(t) = last {
                let next = t + Duration::from_secs(5);
                std::thread::sleep(next.saturating_duration_since(Instant::now()));
            }
            last = Some(Instant::now());
            log.lock().unwrap().push((shard, Instant::now()));
            let body = r#"{"message": "You're free to connect now! :)"}"#;
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, released)
}

#[test]
fn two_processes_sharing_an_identify_queue_identify_5_s_apart() {
    let sb = Sandbox::start();
    sb.gateway_config(r#"{"shards":2,"max_concurrency":1}"#);
    let (queue, released) = fake_queue();
    let mut a = Listen::start(&sb, &["--shard", "0/2", "--identify-queue", &queue]);
    let mut b = Listen::start(&sb, &["--shard", "1/2", "--identify-queue", &queue]);
    for l in [&mut a, &mut b] {
        l.wait_for("READY", |v| v.iter().any(|e| e["t"] == "READY"));
    }
    let sessions = sb.admin("get", "/_sandbox/gateway/sessions", None);
    let mut times: Vec<u64> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["identified_at_ms"].as_u64().unwrap())
        .collect();
    times.sort();
    assert_eq!(times.len(), 2, "{sessions}");
    // Discord's rule (docs: "Gateway > Sharding > Max Concurrency"): one IDENTIFY per bucket
    // per 5 s. Each process alone would have identified at once.
    assert!(
        times[1] - times[0] >= 4900,
        "identified {} ms apart",
        times[1] - times[0]
    );
    let mut shards: Vec<u32> = released.lock().unwrap().iter().map(|(s, _)| *s).collect();
    shards.sort();
    assert_eq!(
        shards,
        [0, 1],
        "each process asked the queue with its shard id"
    );
    a.signal("TERM");
    b.signal("TERM");
}

#[test]
fn bad_scale_flags_are_usage_errors_before_anything_is_sent() {
    let sb = Sandbox::start();
    sb.clear_requests();
    let out = sb.run(&["listen", "--identify-queue", "queue:5000"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.json");
    std::fs::write(&file, "garbage").unwrap();
    let out = sb.run(&["listen", "--session-file", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("delete it"), "{}", stderr(&out));
    assert!(sb.requests().is_empty(), "{:?}", sb.requests());
}

#[test]
fn a_rate_limit_proxy_over_plain_http_is_used_only_with_the_opt_in() {
    // A stand-in for nirn-proxy: its own 429 (sent when a cluster member is unreachable: wait a
    // second, marked generated-by-proxy), then the answer it relays from Discord.
    let proxy = fake::serve(vec![
        fake::http(
            "429 Too Many Requests",
            "generated-by-proxy: true\r\nx-ratelimit-scope: user\r\nx-ratelimit-limit: 1\r\nx-ratelimit-remaining: 0\r\nretry-after: 1\r\ncontent-type: application/json\r\n",
            r#"{"global": false, "message": "You are being rate limited.", "retry_after": 1}"#,
        ),
        fake::http("200 OK", "content-type: application/json\r\n", r#"{"id":"1","username":"proxied"}"#),
    ]);
    // The proxy's address as a host that is not loopback by name: an IPv4-mapped IPv6 address
    // (it still reaches 127.0.0.1, so no traffic leaves this machine).
    let api = proxy.url.replace("127.0.0.1", "[::ffff:127.0.0.1]");
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str], env: Option<&str>| {
        let mut cmd = common::base_cmd(dir.path());
        cmd.args([
            "--api-url",
            &api,
            "--token",
            "bot-token-for-the-proxy",
            "--no-rate-limit-cache",
        ])
        .args(extra)
        .args(["get", "/users/@me"]);
        if let Some(hosts) = env {
            cmd.env("DISCORD_INSECURE_HTTP_HOSTS", hosts);
        }
        cmd.output().unwrap()
    };
    let refused = run(&[], None);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--insecure-http-host"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        proxy.hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing may reach it"
    );
    let wildcard = run(&["--insecure-http-host", "*"], None);
    assert_eq!(wildcard.status.code(), Some(2));

    let started = Instant::now();
    let out = run(&["--insecure-http-host", "::ffff:127.0.0.1"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("proxied"));
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the proxy's 429 asked for a second"
    );
    assert_eq!(proxy.hits.load(std::sync::atomic::Ordering::SeqCst), 2);
    let again = run(&[], Some("other.internal,[::ffff:127.0.0.1]"));
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn invalid_requests_are_counted_across_processes_warned_about_and_capped() {
    let sb = Sandbox::start();
    let forbid = || {
        sb.admin(
            "post",
            "/_sandbox/faults",
            Some(r#"{"method":"GET","path":"/users/@me","status":403,"body":"{\"message\": \"Missing Access\", \"code\": 50001}"}"#),
        );
    };
    forbid();
    assert_eq!(sb.run(&["get", "/users/@me"]).status.code(), Some(1));
    let cache = sb.config_dir.path().join("cache");
    let file = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("invalid-requests-")
        })
        // One file per API base; the admin calls above use another base (the server root).
        .find(|p| std::fs::read_to_string(p).unwrap().contains(",1]"))
        .expect("the count is kept in the cache directory");
    let counted: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(counted["slots"][0][1], 1);
    // As if other processes on this machine had made 4,998 more in this 10-second slot.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let slot = now - now % 10;
    let seed = |n: u64| std::fs::write(&file, format!(r#"{{"slots":[[{slot},{n}]]}}"#)).unwrap();
    seed(4999);
    forbid();
    let out = sb.run(&["get", "/users/@me"]);
    assert!(
        stderr(&out).contains("warning: 5000 invalid requests"),
        "{}",
        stderr(&out)
    );
    // At 95% of Discord's 10,000 nothing is sent at all.
    seed(9500);
    sb.clear_requests();
    let out = sb.run(&["get", "/users/@me"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not sending") && stderr(&out).contains("resumes in"),
        "{}",
        stderr(&out)
    );
    assert!(
        sb.requests().is_empty(),
        "a refused request must not reach Discord"
    );
}

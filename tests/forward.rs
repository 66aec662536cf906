//! `listen --forward-to` end to end against the sandbox: a small HTTP bot written here
//! verifies each delivery's signature with the key `discord forward-key` prints, as a bot
//! behind an interactions endpoint URL does, and its answer to `/ping` becomes the
//! interaction's response; other events are retried after a 5xx and kept in order per
//! channel; an endpoint that does not answer in time is reported.
//!
//! Discord's rules checked here (Receiving and Responding > Security and Authorization):
//! every request carries `X-Signature-Ed25519`, the hex Ed25519 signature of
//! `X-Signature-Timestamp` followed by the raw body, checked with the application's public
//! key (`verify_key`, 64 hex digits); a bad signature must get 401; a PING (type 1) is
//! answered with a PONG (type 1); the endpoint must answer an interaction within 3 seconds.

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::listen::Listen;
use common::{json, stderr, stdout, wait_until, Sandbox};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{json, Value};

/// One request the test bot received.
#[derive(Clone, Debug)]
struct Seen {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Whether the signature verified with the forward key.
    valid: bool,
    at: Instant,
}

impl Seen {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the bot answers: a status line and a body, or nothing for this long.
enum Reply {
    Status(&'static str, String),
    Silent(Duration),
}

/// A minimal HTTP bot as Discord's docs describe one: it checks the signature first and
/// answers 401 to a bad one; otherwise `answer` decides (given the request and how many
/// valid ones came before it).
struct Bot {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Bot {
    fn start(
        key: VerifyingKey,
        answer: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static,
    ) -> Bot {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind bot");
        let url = format!(
            "http://{}/interactions",
            listener.local_addr().expect("addr")
        );
        let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
        let answer = Arc::new(answer);
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, answer) = (Arc::clone(&log), Arc::clone(&answer));
                // One thread per connection, so a silent answer holds up nothing else.
                std::thread::spawn(move || serve(stream, key, &log, &*answer));
            }
        });
        Bot { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }
}

fn serve(
    mut stream: TcpStream,
    key: VerifyingKey,
    log: &Mutex<Vec<Seen>>,
    answer: &(dyn Fn(&Seen, usize) -> Reply + Send + Sync),
) {
    let (headers, body) = common::fake::read_request(&stream);
    let mut seen = Seen {
        headers,
        body,
        valid: false,
        at: Instant::now(),
    };
    seen.valid = verify(
        &key,
        seen.header("x-signature-timestamp").unwrap_or(""),
        &seen.body,
        seen.header("x-signature-ed25519").unwrap_or(""),
    );
    let before = {
        let mut log = log.lock().expect("log");
        log.push(seen.clone());
        log.iter().filter(|s| s.valid).count() - usize::from(seen.valid)
    };
    let reply = if !seen.valid {
        Reply::Status("401 Unauthorized", "invalid request signature".into())
    } else if seen.json()["type"] == 1 {
        Reply::Status("200 OK", json!({"type": 1}).to_string())
    } else {
        answer(&seen, before)
    };
    match reply {
        Reply::Status(status, body) => {
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
        Reply::Silent(d) => std::thread::sleep(d),
    }
}

/// Discord's check: Ed25519 over timestamp + body, signature and key in hex.
fn verify(key: &VerifyingKey, timestamp: &str, body: &[u8], signature: &str) -> bool {
    let Some(bytes) = unhex(signature) else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(bytes) else {
        return false;
    };
    let signed = [timestamp.as_bytes(), body].concat();
    key.verify(&signed, &Signature::from_bytes(&bytes)).is_ok()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    s.len()
        .is_multiple_of(2)
        .then(|| {
            (0..s.len() / 2)
                .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
                .collect()
        })
        .flatten()
}

/// The key `discord forward-key` prints, checked to be 64 hex digits.
fn forward_key(sb: &Sandbox) -> (String, VerifyingKey) {
    let out = sb.run(&["forward-key"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let hex = stdout(&out).trim().to_string();
    assert_eq!(hex.len(), 64, "{hex}");
    let bytes = unhex(&hex).expect("hex");
    let key =
        VerifyingKey::from_bytes(&bytes.try_into().expect("32 bytes")).expect("a valid public key");
    (hex, key)
}

/// A sandbox with a registered `/ping`.
fn with_ping() -> Sandbox {
    let sb = Sandbox::start();
    let file = sb.config_dir.path().join("commands.json");
    std::fs::write(
        &file,
        r#"[{"name": "ping", "description": "Replies with pong"}]"#,
    )
    .expect("write");
    let out = sb.run(&["commands", "sync", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb
}

/// Starts `listen --forward-to URL ARGS` and waits for its gateway session.
fn forward(sb: &Sandbox, url: &str, args: &[&str]) -> Listen {
    let mut all = vec!["--forward-to", url];
    all.extend_from_slice(args);
    let listen = Listen::start(sb, &all);
    wait_until("the listener's session", || !sb.live_session().is_null());
    listen
}

/// The interaction callbacks the sandbox received.
fn callbacks(sb: &Sandbox) -> Vec<Value> {
    sb.requests()
        .into_iter()
        .filter(|r| {
            r["method"] == "POST" && r["path"].as_str().is_some_and(|p| p.ends_with("/callback"))
        })
        .collect()
}

#[test]
fn an_http_bot_answers_ping_through_forward_to_and_the_answer_is_the_callback() {
    let sb = with_ping();
    let (hex, key) = forward_key(&sb);
    let bot = Bot::start(key, |_, _| {
        Reply::Status(
            "200 OK",
            json!({"type": 4, "data": {"content": "pong over forward"}}).to_string(),
        )
    });
    let listen = forward(
        &sb,
        &bot.url,
        &["--forward-header", "X-Bot-Auth: local-secret"],
    );
    listen.wait_for_stderr("passes Discord's endpoint check");
    // The key printed on start is the one forward-key prints.
    assert!(listen.stderr().contains(&hex), "{}", listen.stderr());

    let out = sb.run(&["sandbox", "invoke", "/ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: pong over forward");

    // The bot got the interaction itself (not a gateway frame), validly signed.
    let seen = bot.seen();
    let interaction = seen
        .iter()
        .find(|s| s.json()["type"] == 2)
        .expect("the interaction reached the bot");
    assert!(interaction.valid);
    assert_eq!(interaction.json()["data"]["name"], "ping");
    assert_eq!(interaction.header("content-type"), Some("application/json"));
    assert_eq!(interaction.header("x-bot-auth"), Some("local-secret"));
    // The endpoint check: a PING, and a PING with a bad signature that the bot refused.
    assert!(seen.iter().any(|s| s.valid && s.json()["type"] == 1));
    assert!(seen.iter().any(|s| !s.valid && s.json()["type"] == 1));
    // The bot token never reaches the forward URL.
    for s in &seen {
        let all = format!("{:?}{}", s.headers, String::from_utf8_lossy(&s.body));
        assert!(!all.contains(&sb.token), "the bot token was forwarded");
    }
    // The sandbox recorded the relayed answer as the interaction's callback.
    let relayed = callbacks(&sb);
    assert_eq!(relayed.len(), 1, "{relayed:?}");
    let id = interaction.json()["id"].as_str().expect("id").to_string();
    assert!(relayed[0]["path"].as_str().expect("path").contains(&id));
    listen.wait_for_stderr("relayed as the interaction response");
    assert!(
        listen
            .stderr()
            .contains(&format!("--> INTERACTION_CREATE {id} [200]")),
        "{}",
        listen.stderr()
    );
}

#[test]
fn the_test_bot_refuses_a_delivery_signed_with_another_key() {
    // The verifier above is what makes the other tests meaningful: a delivery signed with a
    // key other than forward-key's must fail it, and the interaction must then fail.
    let sb = with_ping();
    let other = tempfile::tempdir().expect("dir");
    let other_key = {
        let out = common::base_cmd(other.path())
            .arg("forward-key")
            .output()
            .expect("run");
        unhex(stdout(&out).trim()).expect("hex")
    };
    let (_, key) = forward_key(&sb);
    assert_ne!(
        other_key,
        key.as_bytes().to_vec(),
        "two config dirs, two keys"
    );
    let wrong = VerifyingKey::from_bytes(&other_key.try_into().expect("32")).expect("key");
    let bot = Bot::start(wrong, |_, _| {
        Reply::Status(
            "200 OK",
            json!({"type": 4, "data": {"content": "x"}}).to_string(),
        )
    });
    let listen = forward(&sb, &bot.url, &[]);
    listen.wait_for_stderr("fails Discord's endpoint check");
    let out = sb.run(&["sandbox", "invoke", "/ping"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    listen.wait_for_stderr("This interaction failed");
    assert!(listen.stderr().contains("[401]"), "{}", listen.stderr());
    assert!(bot.seen().iter().all(|s| !s.valid));
    assert!(callbacks(&sb).is_empty());
}

#[test]
fn an_endpoint_that_does_not_answer_within_3_seconds_is_reported() {
    let sb = with_ping();
    let (_, key) = forward_key(&sb);
    let bot = Bot::start(key, |_, _| Reply::Silent(Duration::from_secs(6)));
    let listen = forward(&sb, &bot.url, &[]);
    listen.wait_for_stderr("passes Discord's endpoint check");
    let out = sb.run(&["sandbox", "invoke", "/ping"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("did not respond") || stdout(&out).contains("did not respond"),
        "{}",
        stderr(&out)
    );
    listen.wait_for_stderr("no answer within 3 s");
    assert!(
        listen.stderr().contains("The application did not respond"),
        "{}",
        listen.stderr()
    );
    assert!(callbacks(&sb).is_empty());
}

/// A member posts `n` messages to #general, one after another; returns their ids in order.
fn post_messages(sb: &Sandbox, n: usize) -> Vec<String> {
    let channel = sb.general_channel();
    (0..n)
        .map(|i| {
            let text = format!("message {i}");
            let out = sb.run(&[
                "sandbox",
                "trigger",
                "message",
                &channel,
                &text,
                "--as",
                "@member0001",
            ]);
            json(&out)["id"].as_str().expect("id").to_string()
        })
        .collect()
}

/// Runs `listen --events MESSAGE_CREATE --forward-to` the bot until it has taken as many
/// messages as it posts (`n`, one after another); returns the message ids in order.
fn forward_messages(sb: &Sandbox, bot: &Bot, n: usize) -> Vec<String> {
    let max = n.to_string();
    let listen = forward(
        sb,
        &bot.url,
        &["--events", "MESSAGE_CREATE", "--max-events", &max],
    );
    let ids = post_messages(sb, n);
    let (_, code) = listen.wait_exit();
    assert_eq!(code, 0, "listen's exit");
    ids
}

#[test]
fn a_message_event_answered_500_is_retried_with_backoff_and_delivered_once() {
    let sb = Sandbox::start();
    let (_, key) = forward_key(&sb);
    // 500 twice, then 200.
    let bot = Bot::start(key, |_, before| match before {
        0 | 1 => Reply::Status("500 Internal Server Error", "busy".into()),
        _ => Reply::Status("200 OK", String::new()),
    });
    let ids = forward_messages(&sb, &bot, 1);
    let seen = bot.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for s in &seen {
        assert!(s.valid);
        let event = s.json();
        assert_eq!(event["t"], "MESSAGE_CREATE");
        assert!(event["s"].is_u64());
        assert_eq!(event["d"]["id"], ids[0].as_str());
    }
    // Exponential backoff: the second wait is at least the doubled first (0.5 s, then 1 s).
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(500));
    assert!(seen[2].at - seen[1].at >= Duration::from_millis(1000));
}

#[test]
fn an_endpoint_that_keeps_failing_is_given_up_and_reported() {
    let sb = Sandbox::start();
    let (_, key) = forward_key(&sb);
    let bot = Bot::start(key, |_, _| {
        Reply::Status("503 Service Unavailable", "down".into())
    });
    let listen = forward(
        &sb,
        &bot.url,
        &["--events", "MESSAGE_CREATE", "--max-events", "1"],
    );
    post_messages(&sb, 1);
    listen.wait_for_stderr("given up after 5 attempts");
    assert_eq!(bot.seen().len(), 5);
}

#[test]
fn events_of_a_channel_arrive_in_order_even_around_a_retry() {
    let sb = Sandbox::start();
    let (_, key) = forward_key(&sb);
    // The third delivery fails once: the messages after it must wait for its retry.
    let bot = Bot::start(key, |_, before| match before {
        2 => Reply::Status("502 Bad Gateway", String::new()),
        _ => Reply::Status("200 OK", String::new()),
    });
    let ids = forward_messages(&sb, &bot, 8);
    let delivered: Vec<String> = bot
        .seen()
        .iter()
        .filter(|s| s.valid)
        .map(|s| s.json()["d"]["id"].as_str().unwrap_or("").to_string())
        .collect();
    let mut expected = ids.clone();
    expected.insert(3, ids[2].clone());
    assert_eq!(delivered, expected);
    // Other members' messages carry their content: --forward-to with message events asks for
    // the MESSAGE_CONTENT intent (docs: Message Content Intent; empty content without it).
    let contents: Vec<Value> = bot
        .seen()
        .iter()
        .filter(|s| s.valid)
        .map(|s| s.json()["d"]["content"].clone())
        .collect();
    assert_eq!(contents[0], "message 0");
    assert_eq!(contents[8], "message 7");
}

#[test]
fn the_key_is_stable_across_runs_and_private() {
    let sb = Sandbox::start();
    let (first, _) = forward_key(&sb);
    let (second, _) = forward_key(&sb);
    assert_eq!(first, second);
    let path = sb.config_dir.path().join("forward-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The file holds the secret half only as the owner can read it; the public key printed
    // is not the file's content.
    let text = std::fs::read_to_string(&path).expect("read");
    assert_ne!(text.trim(), first);
}

#[test]
fn bad_forward_flags_are_usage_errors_before_connecting() {
    let sb = Sandbox::start();
    for (args, says) in [
        (
            vec!["--forward-to", "ftp://127.0.0.1/x"],
            "must be an http:// or https:// URL",
        ),
        (vec!["--forward-to", "127.0.0.1:8080"], "is not a URL"),
        (
            vec!["--forward-to", "http://bot.example/i"],
            "refusing to send interaction tokens",
        ),
        (
            vec![
                "--forward-to",
                "http://127.0.0.1:9/i",
                "--forward-header",
                "nocolon",
            ],
            "must be 'Name: value'",
        ),
        (vec!["--forward-header", "A: b"], "--forward-to"),
        (
            vec!["--forward-to", "http://127.0.0.1:9/i", "--exec", "echo hi"],
            "would both answer each interaction",
        ),
    ] {
        sb.clear_requests();
        let out = sb.cmd().arg("listen").args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(sb.requests().is_empty(), "{args:?} sent a request");
    }
}

/// The README's `--forward-to` walk-through, run as written from a fresh HOME: its bot is
/// Python with the `cryptography` package, so the test needs both (and says so when they are
/// missing rather than passing silently: it fails).
#[cfg(unix)]
#[test]
fn the_readme_http_bot_works_from_a_fresh_home() {
    let block =
        common::readme_sh_block("### An HTTP-interactions bot, locally: `listen --forward-to`");
    let (script, rest) = block
        .split_once("\nEOF\n")
        .map(|(head, after)| (format!("{head}\nEOF\n"), after))
        .expect("a heredoc writing bot.py");
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines.len(), 3, "{rest}");

    let sb = with_ping();
    let home = tempfile::tempdir().expect("home");
    let shell = |line: &str| common::fresh_shell(&sb, home.path(), line);
    let has_crypto = shell("python3 -c 'import cryptography'")
        .output()
        .expect("python3");
    assert!(
        has_crypto.status.success(),
        "the README's bot needs python3 with the cryptography package"
    );
    assert!(shell(&script).status().expect("write bot.py").success());
    let background = |line: &str| {
        line.strip_suffix(" &")
            .expect("runs in the background")
            .to_string()
    };
    let mut bot = shell(&background(lines[0]));
    std::os::unix::process::CommandExt::process_group(&mut bot, 0);
    let _bot = Group(
        bot.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the bot"),
    );
    // The reader starts the bot first; here, wait until it listens.
    wait_until("the bot's port", || {
        std::net::TcpStream::connect("127.0.0.1:3000").is_ok()
    });
    let listen = Listen::spawn(shell(&format!("exec {}", background(lines[1]))));
    wait_until("the listener's session", || !sb.live_session().is_null());
    listen.wait_for_stderr("passes Discord's endpoint check");
    common::check_commented_line(lines[2], shell);
}

/// A child started in a process group of its own (a shell and what it runs), stopped as a
/// whole, by that group's id, when dropped (even when the test fails).
#[cfg(unix)]
struct Group(std::process::Child);

#[cfg(unix)]
impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = std::process::Command::new("kill")
            .args(["-TERM", "--", &group])
            .status();
        let _ = self.0.wait();
    }
}

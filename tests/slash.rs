//! Slash commands end to end, from a fresh HOME against the sandbox: `commands sync` plans and
//! applies (two creates, then an empty plan with no write request), pull round-trips, the
//! file is validated before anything is sent, `sandbox invoke /ping` is answered from a
//! `listen | while read` loop and from an HTTP bot that verifies Discord's Ed25519 signature,
//! and the reply is seen in the channel.
//!
//! Discord's rules checked here, from its docs: Application Commands ("Registering a Command",
//! "Bulk Overwrite Global Application Commands": commands that already exist keep their id and
//! do not count toward the 200 creates a day, error 30034; "Application Command Naming"),
//! Receiving and Responding ("Responding to an Interaction": one initial response within 3 s,
//! 40060 otherwise; "Security and Authorization": X-Signature-Ed25519 over
//! X-Signature-Timestamp + body, PING answered with PONG, invalid signatures refused with 401).

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::listen::Listen;
use common::{json, output_with_stdin, stderr, stdout, wait_until, Sandbox, BIN};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{json, Value};

const TWO_COMMANDS: &str = r#"[
  {"name": "ping", "description": "Replies with pong"},
  {"name": "echo", "description": "Says it back",
   "options": [{"type": 3, "name": "text", "description": "What to say", "required": true}]}
]"#;

/// A sandbox plus a fresh HOME holding the command file.
fn setup() -> (Sandbox, tempfile::TempDir) {
    let sb = Sandbox::start();
    let home = tempfile::tempdir().expect("home");
    std::fs::write(home.path().join("commands.json"), TWO_COMMANDS).expect("write file");
    (sb, home)
}

fn run(sb: &Sandbox, home: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    sb.cmd()
        .env("HOME", home.path())
        .current_dir(home.path())
        .args(args)
        .output()
        .expect("run discord")
}

fn writes(sb: &Sandbox) -> Vec<Value> {
    sb.requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect()
}

#[test]
fn sync_creates_two_then_plans_nothing_and_pull_round_trips() {
    let (sb, home) = setup();
    let out = run(&sb, &home, &["commands", "sync", "commands.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(
        plan.contains("+ create     /ping") && plan.contains("+ create     /echo"),
        "{plan}"
    );
    assert!(
        plan.contains("2 to create, 0 to update, 0 to delete, 0 unchanged"),
        "{plan}"
    );
    // Two creates go as one bulk overwrite.
    let w = writes(&sb);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["method"], "PUT");

    sb.clear_requests();
    let out = run(&sb, &home, &["commands", "sync", "commands.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("0 to create, 0 to update, 0 to delete, 2 unchanged"),
        "{}",
        stdout(&out)
    );
    assert!(
        writes(&sb).is_empty(),
        "an unchanged set sent a write: {:?}",
        writes(&sb)
    );

    // pull > FILE, then sync FILE: the same set, so an empty plan.
    let pulled = run(&sb, &home, &["commands", "pull"]);
    assert!(pulled.status.success());
    std::fs::write(home.path().join("pulled.json"), &pulled.stdout).expect("write pulled");
    sb.clear_requests();
    let out = run(&sb, &home, &["commands", "sync", "pulled.json"]);
    assert!(stdout(&out).contains("2 unchanged"), "{}", stdout(&out));
    assert!(writes(&sb).is_empty());

    let listed = stdout(&run(&sb, &home, &["commands", "list"]));
    let names: Vec<&str> = listed
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(names, ["ping", "echo"]);
}

#[test]
fn one_change_is_one_patch_with_a_diff_and_deletes_need_yes() {
    let (sb, home) = setup();
    assert!(run(&sb, &home, &["commands", "sync", "commands.json"])
        .status
        .success());
    let ids_before = stdout(&run(&sb, &home, &["commands", "list"]));
    std::fs::write(
        home.path().join("one.json"),
        r#"[{"name": "ping", "description": "Replies with PONG"}]"#,
    )
    .unwrap();
    sb.clear_requests();
    // Deleting /echo is refused in a script without --yes, and nothing is sent.
    let out = run(&sb, &home, &["commands", "sync", "one.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(writes(&sb).is_empty());
    // --prune=false keeps /echo: one change, one PATCH of /ping, its diff printed.
    let out = run(
        &sb,
        &home,
        &["commands", "sync", "one.json", "--prune=false"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("description: \"Replies with pong\" -> \"Replies with PONG\""),
        "{}",
        stdout(&out)
    );
    let w = writes(&sb);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0]["method"], "PATCH");
    // The command was updated in place: same id.
    let ids_after = stdout(&run(&sb, &home, &["commands", "list"]));
    let id = |text: &str, name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .map(|l| l.split('\t').nth(2).unwrap_or("").to_string())
    };
    assert_eq!(id(&ids_before, "ping"), id(&ids_after, "ping"));
    let out = run(&sb, &home, &["commands", "sync", "one.json", "--yes"]);
    assert!(stdout(&out).contains("- delete     /echo"));
    assert_eq!(
        stdout(&run(&sb, &home, &["commands", "list"]))
            .lines()
            .count(),
        1
    );
}

#[test]
fn the_file_is_checked_before_anything_is_sent() {
    let (sb, home) = setup();
    // Uppercase and a space are not allowed in a CHAT_INPUT name; a required option after an
    // optional one; a description over 100 characters.
    let bad = json!([
        {"name": "Ping", "description": "x"},
        {"name": "echo", "description": "d".repeat(101), "options": [
            {"type": 3, "name": "a", "description": "x"},
            {"type": 3, "name": "b", "description": "x", "required": true}]},
        {"name": "ok", "description": "x", "default_member_permissions": "MANAGE_GUILD,FLY"}
    ]);
    std::fs::write(home.path().join("bad.json"), bad.to_string()).unwrap();
    sb.clear_requests();
    let out = run(&sb, &home, &["commands", "sync", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("command 'Ping' (#1) name: 'Ping' must be lowercase"),
        "{err}"
    );
    assert!(
        err.contains("command 'echo' (#2) description: must be 1 to 100"),
        "{err}"
    );
    assert!(
        err.contains("command 'echo' (#2) options[1].required"),
        "{err}"
    );
    assert!(
        err.contains("command 'ok' (#3) default_member_permissions"),
        "{err}"
    );
    assert!(
        sb.requests().is_empty(),
        "a request was sent for an invalid file"
    );
}

#[test]
fn the_200_creates_a_day_limit_answers_30034_and_unchanged_commands_do_not_count() {
    let (sb, home) = setup();
    let guild = sb.guild_id();
    let set = |prefix: &str| {
        Value::Array(
            (0..100)
                .map(|i| json!({"name": format!("{prefix}{i}"), "description": "x"}))
                .collect(),
        )
    };
    for (file, prefix) in [("a.json", "a"), ("b.json", "b")] {
        std::fs::write(home.path().join(file), set(prefix).to_string()).unwrap();
        let out = run(
            &sb,
            &home,
            &["commands", "sync", file, "--guild", &guild, "--yes"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // 200 creates today in this guild: syncing the same set again still works (no creates)...
    let out = run(
        &sb,
        &home,
        &["commands", "sync", "b.json", "--guild", &guild],
    );
    assert!(out.status.success());
    // ...but one more new command is refused.
    std::fs::write(
        home.path().join("c.json"),
        r#"[{"name": "c", "description": "x"}]"#,
    )
    .unwrap();
    let out = run(
        &sb,
        &home,
        &[
            "commands",
            "sync",
            "c.json",
            "--guild",
            &guild,
            "--prune=false",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("30034"), "{}", stderr(&out));
}

fn sync_two(sb: &Sandbox, home: &tempfile::TempDir) {
    let out = run(sb, home, &["commands", "sync", "commands.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn newest_message(sb: &Sandbox) -> Value {
    let channel = sb.general_channel();
    json(&sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        "limit=1",
    ]))[0]
        .clone()
}

#[test]
fn ping_is_answered_from_a_listen_while_read_loop() {
    let (sb, home) = setup();
    sync_two(&sb, &home);
    let bin_dir = std::path::Path::new(BIN).parent().expect("bin dir");
    // `discord` on PATH, as a user's shell would have it, with the sandbox's settings.
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut bot = Command::new("sh")
        .env("HOME", home.path())
        .env("PATH", path)
        .env("DISCORD_API_URL", &sb.api_url)
        .env("DISCORD_TOKEN", &sb.token)
        .env("DISCORD_CONFIG_DIR", sb.config_dir.path())
        .env("DISCORD_CACHE_DIR", sb.config_dir.path().join("cache"))
        .args(["-c", r#"discord listen --events INTERACTION_CREATE --max-events 1 | while read -r ev; do echo "$ev" | discord respond - "pong"; done"#])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the bot loop");
    wait_until("the bot's gateway session", || !sb.live_session().is_null());
    let out = run(&sb, &home, &["sandbox", "invoke", "/ping"]);
    let _ = bot.kill();
    let _ = bot.wait();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: pong");
    // The reply is in the channel, as the interaction's response message (type 20).
    let m = newest_message(&sb);
    assert_eq!(
        (m["content"].as_str(), m["type"].as_u64()),
        (Some("pong"), Some(20))
    );
}

/// Runs `sandbox invoke ARGS` on a thread (it waits for the answer) and returns the
/// INTERACTION_CREATE the listener saw, and the invoke's handle.
fn invoke_seen(
    sb: &Arc<Sandbox>,
    home: &Arc<tempfile::TempDir>,
    listen: &mut Listen,
    args: &[&str],
) -> (Value, std::thread::JoinHandle<std::process::Output>) {
    let before = listen.count("INTERACTION_CREATE");
    let args: Vec<String> = ["sandbox", "invoke"]
        .iter()
        .chain(args)
        .map(|s| s.to_string())
        .collect();
    let (sb2, home2) = (Arc::clone(sb), Arc::clone(home));
    let handle = std::thread::spawn(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&sb2, &home2, &a)
    });
    listen.wait_for("INTERACTION_CREATE", |v| {
        v.iter().filter(|e| e["t"] == "INTERACTION_CREATE").count() > before
    });
    let event = listen
        .values()
        .into_iter()
        .filter(|e| e["t"] == "INTERACTION_CREATE")
        .nth(before)
        .expect("event");
    (event, handle)
}

#[test]
fn one_initial_response_only_ephemeral_and_deferred_then_edited() {
    let (sb, home) = setup();
    sync_two(&sb, &home);
    let (sb, home) = (Arc::new(sb), Arc::new(home));
    let mut listen = Listen::start(&sb, &["--events", "INTERACTION_CREATE"]);
    wait_until("the listener's session", || !sb.live_session().is_null());

    // The event is built as Discord builds it: typed options, the member, a token.
    let (event, invoke) = invoke_seen(
        &sb,
        &home,
        &mut listen,
        &["/echo", "--option", "text=hello", "--user", "@member0001"],
    );
    let d = &event["d"];
    assert_eq!(
        (d["type"].as_u64(), d["data"]["name"].as_str()),
        (Some(2), Some("echo"))
    );
    assert_eq!(
        d["data"]["options"][0],
        json!({"name": "text", "type": 3, "value": "hello"})
    );
    assert_eq!(d["member"]["user"]["username"], "member0001");
    assert!(d["token"].is_string() && d["app_permissions"].is_string() && d["locale"].is_string());
    let line = format!("{event}\n");
    let answer = output_with_stdin(
        sb.cmd()
            .env("HOME", home.path())
            .args(["respond", "-", "only for you", "--ephemeral"]),
        line.as_bytes(),
    );
    assert!(answer.status.success(), "{}", stderr(&answer));
    // A second initial response is refused here, before Discord's 40060.
    let again = output_with_stdin(
        sb.cmd()
            .env("HOME", home.path())
            .args(["respond", "-", "twice"]),
        line.as_bytes(),
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already has its initial response"),
        "{}",
        stderr(&again)
    );
    let out = invoke.join().expect("invoke");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        "Sandbox Bot: only for you  (only you can see this)"
    );
    // Ephemeral: not in the channel.
    assert_ne!(newest_message(&sb)["content"], "only for you");

    // Deferred, then edited by token: the user sees the edit.
    let (event, invoke) = invoke_seen(&sb, &home, &mut listen, &["/ping"]);
    let line = format!("{event}\n");
    let defer = output_with_stdin(
        sb.cmd()
            .env("HOME", home.path())
            .args(["respond", "-", "--defer"]),
        line.as_bytes(),
    );
    assert!(defer.status.success(), "{}", stderr(&defer));
    let token = event["d"]["token"].as_str().expect("token");
    let edit = sb
        .cmd()
        .env("HOME", home.path())
        .args(["respond", "--edit", token, "done thinking"])
        .output()
        .unwrap();
    assert!(edit.status.success(), "{}", stderr(&edit));
    assert!(!stdout(&edit).contains(token) && !stderr(&edit).contains(token));
    let out = invoke.join().expect("invoke");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: done thinking");
    assert_eq!(newest_message(&sb)["content"], "done thinking");
    let followup = sb
        .cmd()
        .env("HOME", home.path())
        .args(["followup", token, "one more", "--file"])
        .arg(home.path().join("commands.json"))
        .output()
        .unwrap();
    assert!(followup.status.success(), "{}", stderr(&followup));
    let m = newest_message(&sb);
    assert_eq!(m["content"], "one more");
    assert_eq!(m["attachments"][0]["filename"], "commands.json");
    assert_eq!(m["attachments"][0]["size"], TWO_COMMANDS.len());
    listen.interrupt();
}

#[test]
fn no_answer_within_3_seconds_fails_the_invoke_and_a_late_answer_is_explained() {
    let (sb, home) = setup();
    sync_two(&sb, &home);
    let (sb, home) = (Arc::new(sb), Arc::new(home));
    // A listener that sees the interaction but does not answer in time.
    let mut listen = Listen::start(&sb, &["--events", "INTERACTION_CREATE"]);
    wait_until("the listener's session", || !sb.live_session().is_null());
    let (event, invoke) = invoke_seen(&sb, &home, &mut listen, &["/ping"]);
    let out = invoke.join().expect("invoke");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the application did not respond"),
        "{}",
        stderr(&out)
    );
    // Answering now is too late: Discord (and the sandbox) no longer knows the interaction.
    let late = output_with_stdin(
        sb.cmd()
            .env("HOME", home.path())
            .args(["respond", "-", "pong"]),
        format!("{event}\n").as_bytes(),
    );
    assert_eq!(late.status.code(), Some(1));
    let err = stderr(&late);
    assert!(
        err.contains("s old; Discord takes the initial response only within 3 s"),
        "{err}"
    );
    assert!(
        err.contains("Unknown interaction (10062)")
            && err.contains("within 3 s of the interaction"),
        "{err}"
    );
    listen.interrupt();
    let out = run(&sb, &home, &["sandbox", "invoke", "/nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no slash command '/nope'"),
        "{}",
        stderr(&out)
    );
}

/// A minimal HTTP interactions bot, as Discord's docs describe one: it verifies
/// X-Signature-Ed25519 over X-Signature-Timestamp + body with the application's public key,
/// answers 401 to a bad signature, PONG to a PING, and a message to a command.
fn http_bot(key: VerifyingKey, verify: bool, answered: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind bot");
    let url = format!(
        "http://{}/interactions",
        listener.local_addr().expect("addr")
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (headers, body) = common::fake::read_request(&stream);
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let unhex = |s: &str| {
                (0..s.len() / 2)
                    .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
                    .collect::<Vec<u8>>()
            };
            let signed = [header("x-signature-timestamp").as_bytes(), &body].concat();
            let valid = <[u8; 64]>::try_from(unhex(&header("x-signature-ed25519")))
                .map(|s| key.verify(&signed, &Signature::from_bytes(&s)).is_ok())
                .unwrap_or(false);
            let interaction: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let (status, reply) = if verify && !valid {
                ("401 Unauthorized", "invalid request signature".to_string())
            } else if interaction["type"] == 1 {
                ("200 OK", json!({"type": 1}).to_string())
            } else {
                answered.fetch_add(1, Ordering::SeqCst);
                (
                    "200 OK",
                    json!({"type": 4, "data": {"content": "pong over http"}}).to_string(),
                )
            };
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}", reply.len());
        }
    });
    url
}

#[test]
fn ping_is_answered_by_an_http_bot_that_verifies_signatures() {
    let (sb, home) = setup();
    sync_two(&sb, &home);
    let app = json(&run(&sb, &home, &["get", "/applications/@me"]));
    let key_hex = app["verify_key"].as_str().expect("verify_key");
    let key_bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect();
    let key = VerifyingKey::from_bytes(&key_bytes.try_into().expect("32 bytes")).expect("key");

    // A bot that skips verification fails Discord's check when its URL is set.
    let careless = http_bot(key, false, Arc::new(AtomicUsize::new(0)));
    let out = run(
        &sb,
        &home,
        &[
            "patch",
            "/applications/@me",
            &json!({"interactions_endpoint_url": careless}).to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("invalid signature got 200 instead of 401"),
        "{}",
        stderr(&out)
    );

    let answered = Arc::new(AtomicUsize::new(0));
    let url = http_bot(key, true, Arc::clone(&answered));
    let out = run(
        &sb,
        &home,
        &[
            "edit-current-application",
            "--interactions-endpoint-url",
            &url,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&sb, &home, &["sandbox", "invoke", "/ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: pong over http");
    assert_eq!(answered.load(Ordering::SeqCst), 1);
    assert_eq!(newest_message(&sb)["content"], "pong over http");
}

#[test]
fn trigger_makes_other_users_act() {
    let (sb, home) = setup();
    let mut listen = Listen::start(
        &sb,
        &[
            "--intents",
            "GUILDS,GUILD_MESSAGES,GUILD_MEMBERS,GUILD_MESSAGE_REACTIONS",
        ],
    );
    wait_until("the listener's session", || !sb.live_session().is_null());
    let out = run(
        &sb,
        &home,
        &[
            "sandbox",
            "trigger",
            "message",
            "#general",
            "hi",
            "--as",
            "@member0002",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    listen.wait_for("MESSAGE_CREATE", |v| {
        v.iter().any(|e| e["t"] == "MESSAGE_CREATE")
    });
    let created = listen
        .values()
        .into_iter()
        .find(|e| e["t"] == "MESSAGE_CREATE")
        .expect("event");
    assert_eq!(created["d"]["author"]["username"], "member0002");
    assert!(created["d"]["member"].is_object() && created["d"]["guild_id"].is_string());
    assert!(run(
        &sb,
        &home,
        &["sandbox", "trigger", "reaction", "#general", "👍"]
    )
    .status
    .success());
    assert!(run(
        &sb,
        &home,
        &["sandbox", "trigger", "member-join", "newcomer"]
    )
    .status
    .success());
    listen.wait_for("the reaction and the join", |v| {
        v.iter().any(|e| e["t"] == "MESSAGE_REACTION_ADD")
            && v.iter()
                .any(|e| e["t"] == "GUILD_MEMBER_ADD" && e["d"]["user"]["username"] == "newcomer")
    });
    listen.interrupt();
}

/// Answers the next INTERACTION_CREATE of an invoke with `respond - ARGS` and returns the
/// event and what `invoke` printed.
fn invoke_and_answer(
    sb: &Arc<Sandbox>,
    home: &Arc<tempfile::TempDir>,
    listen: &mut Listen,
    invoke: &[&str],
    answer: &[&str],
) -> (Value, String) {
    let (event, handle) = invoke_seen(sb, home, listen, invoke);
    let mut args = vec!["respond", "-"];
    args.extend_from_slice(answer);
    let out = output_with_stdin(
        sb.cmd()
            .env("HOME", home.path())
            .current_dir(home.path())
            .args(&args),
        format!("{event}\n").as_bytes(),
    );
    assert!(out.status.success(), "respond {answer:?}: {}", stderr(&out));
    let out = handle.join().expect("invoke");
    assert!(out.status.success(), "invoke {invoke:?}: {}", stderr(&out));
    (event, stdout(&out))
}

#[test]
fn options_resolve_and_autocomplete_modals_and_clicks_can_be_invoked() {
    let (sb, home) = setup();
    let greet = json!([{"name": "greet", "description": "Greets someone", "options": [
        {"type": 6, "name": "who", "description": "Whom", "required": true},
        {"type": 7, "name": "where", "description": "Where"},
        {"type": 3, "name": "topic", "description": "About", "autocomplete": true}]}]);
    std::fs::write(home.path().join("greet.json"), greet.to_string()).unwrap();
    assert!(run(&sb, &home, &["commands", "sync", "greet.json"])
        .status
        .success());
    let (sb, home) = (Arc::new(sb), Arc::new(home));
    let mut listen = Listen::start(&sb, &["--events", "INTERACTION_CREATE"]);
    wait_until("the listener's session", || !sb.live_session().is_null());

    // User and channel options carry ids, with the objects in data.resolved (members without
    // their user, which is under resolved.users).
    let (event, _) = invoke_and_answer(
        &sb,
        &home,
        &mut listen,
        &[
            "/greet",
            "--option",
            "who=@member0003",
            "--option",
            "where=#random",
        ],
        &["hi"],
    );
    let data = &event["d"]["data"];
    let who = data["options"][0]["value"].as_str().expect("user id");
    let place = data["options"][1]["value"].as_str().expect("channel id");
    assert_eq!(data["resolved"]["users"][who]["username"], "member0003");
    assert!(data["resolved"]["members"][who]["permissions"].is_string());
    assert!(data["resolved"]["members"][who].get("user").is_none());
    assert_eq!(data["resolved"]["channels"][place]["name"], "random");

    // Autocomplete: type 4, the focused option as typed so far; answered with choices.
    let (event, seen) = invoke_and_answer(
        &sb,
        &home,
        &mut listen,
        &[
            "/greet",
            "--option",
            "who=@member0003",
            "--option",
            "topic=ru",
            "--focus",
            "topic",
        ],
        &["--autocomplete", r#"[{"name": "rust", "value": "rust"}]"#],
    );
    assert_eq!(event["d"]["type"], 4);
    assert_eq!(
        event["d"]["data"]["options"][1],
        json!({"name": "topic", "type": 3, "value": "ru", "focused": true})
    );
    assert_eq!(seen.trim(), "choice: rust = \"rust\"");

    // A modal, then its submission.
    let modal = r#"{"custom_id": "feedback", "title": "Feedback", "components": [{"type": 1, "components": [{"type": 4, "custom_id": "text", "label": "Text", "style": 1}]}]}"#;
    let (_, seen) = invoke_and_answer(
        &sb,
        &home,
        &mut listen,
        &["/greet", "--option", "who=@member0003"],
        &["--modal", modal],
    );
    assert_eq!(seen.trim(), "modal: Feedback (feedback)");
    let (event, seen) = invoke_and_answer(
        &sb,
        &home,
        &mut listen,
        &["--submit", "feedback", "--field", "text=great"],
        &["thanks", "--ephemeral"],
    );
    assert_eq!(event["d"]["type"], 5);
    assert_eq!(
        event["d"]["data"]["components"][0]["components"][0]["value"],
        "great"
    );
    assert!(seen.contains("thanks  (only you can see this)"));

    // A button on a reply, clicked, answered by updating that message (type 7).
    let button = r#"[{"type": 1, "components": [{"type": 2, "style": 1, "label": "OK", "custom_id": "ok-button"}]}]"#;
    let (_, seen) = invoke_and_answer(
        &sb,
        &home,
        &mut listen,
        &["/greet", "--option", "who=@member0003"],
        &["press it", "--components", button, "--file", "greet.json"],
    );
    assert!(seen.contains("[with components]"));
    assert_eq!(
        newest_message(&sb)["attachments"][0]["filename"],
        "greet.json"
    );
    let (event, seen) = invoke_and_answer(
        &sb,
        &home,
        &mut listen,
        &["--click", "ok-button"],
        &["pressed", "--update", "--components", "[]"],
    );
    assert_eq!(event["d"]["type"], 3);
    assert_eq!(event["d"]["message"]["content"], "press it");
    assert_eq!(seen.trim(), "Sandbox Bot: pressed");
    assert_eq!(newest_message(&sb)["content"], "pressed");
    listen.interrupt();
}

#[test]
fn respond_hides_the_token_and_refuses_bad_input_before_sending() {
    let (sb, home) = setup();
    let secret = "aW50ZXJhY3Rpb246c2VjcmV0";
    let out = run(
        &sb,
        &home,
        &["respond", "1191168914227200001", secret, "hi", "--dry-run"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("/interactions/1191168914227200001/████/callback"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains(secret));
    sb.clear_requests();
    for (args, why) in [
        (
            vec!["respond", "1191168914227200001"],
            "give INTERACTION_ID TOKEN",
        ),
        (vec!["respond", "12x", secret, "hi"], "<INTERACTION_ID>"),
        (
            vec!["respond", "1191168914227200001", secret],
            "nothing to send",
        ),
        (
            vec![
                "respond",
                "1191168914227200001",
                secret,
                "--defer",
                "--file",
                "commands.json",
            ],
            "--file goes with a message response",
        ),
        (
            vec![
                "respond",
                "1191168914227200001",
                secret,
                "--modal",
                r#"{"title": "x"}"#,
            ],
            "custom_id, title",
        ),
    ] {
        let out = run(&sb, &home, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(why), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains(secret));
    }
    let out = output_with_stdin(
        sb.cmd().args(["respond", "-", "hi"]),
        b"{\"t\":\"MESSAGE_CREATE\",\"d\":{}}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not INTERACTION_CREATE"));
    assert!(sb.requests().is_empty());
    // invoke and trigger only ever talk to a local sandbox.
    let out = run(
        &sb,
        &home,
        &[
            "--api-url",
            "https://discord.com/api/v10",
            "sandbox",
            "invoke",
            "/ping",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a local sandbox"));
}
